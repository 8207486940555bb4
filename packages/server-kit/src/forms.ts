import type { z } from 'zod';

export type FieldErrors = Record<string, string>;

export type FormResult<T> = { ok: true; data: T } | { ok: false; fieldErrors: FieldErrors };

/**
 * Parses a urlencoded body with a zod schema. Repeated fields (which the body parser turns into
 * arrays) and nested objects are refused per field, never crash the handler.
 */
export function parseForm<S extends z.ZodType>(schema: S, body: unknown): FormResult<z.output<S>> {
  const input: Record<string, unknown> = {};
  const fieldErrors: FieldErrors = {};
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
      if (typeof value === 'string') input[key] = value;
      else fieldErrors[key] = 'Send this field once, as text.';
    }
  }
  const result = schema.safeParse(input);
  if (result.success && Object.keys(fieldErrors).length === 0) return { ok: true, data: result.data };
  if (!result.success) {
    for (const issue of result.error.issues) {
      const key = String(issue.path[0] ?? '_form');
      fieldErrors[key] ??= issue.message;
    }
  }
  return { ok: false, fieldErrors };
}

/** The first value of a query parameter, or undefined when it is absent or repeated. */
export function singleQueryValue(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
