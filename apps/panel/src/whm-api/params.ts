import type { ExternalAuthProblem } from '@extauth/shared/external-auth-texts';
import type { z } from 'zod';

/**
 * A function's parameters from the query string and, for POST, the form body (which wins). Empty
 * values count as absent, as WHM reports them missing; repeated ones are refused.
 */
export function collectParams(
  query: Record<string, unknown>,
  body: unknown,
): { ok: true; params: Record<string, string> } | { ok: false; problem: ExternalAuthProblem } {
  const params: Record<string, string> = {};
  const sources = [query, body && typeof body === 'object' && !Array.isArray(body) ? (body as object) : {}];
  for (const source of sources) {
    for (const [name, value] of Object.entries(source)) {
      if (name === 'api.version') continue;
      if (typeof value !== 'string') return { ok: false, problem: { code: 'repeated_parameter', name } };
      if (value !== '') params[name] = value;
    }
  }
  return { ok: true, params };
}

/** Parses with the function's zod schema; the first problem names its parameter. */
export function parseParams<S extends z.ZodType>(
  schema: S,
  params: Record<string, string>,
): { ok: true; value: z.output<S> } | { ok: false; problem: ExternalAuthProblem } {
  const result = schema.safeParse(params);
  if (result.success) return { ok: true, value: result.data };
  const issue = result.error.issues[0];
  const name = String(issue?.path[0] ?? 'parameters');
  return params[name] === undefined
    ? { ok: false, problem: { code: 'missing_parameter', name } }
    : { ok: false, problem: { code: 'invalid_parameter', name } };
}

/** `configurations` (§8): a JSON object given as a string. */
export function parseConfigurations(
  text: string,
): { ok: true; value: Record<string, unknown> } | { ok: false; problem: ExternalAuthProblem } {
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      return { ok: true, value: value as Record<string, unknown> };
    }
  } catch {
    // Reported below.
  }
  return { ok: false, problem: { code: 'configurations_not_json' } };
}
