import { z } from 'zod';
import { ConfigError } from './errors.js';

/** Variables whose values are secrets: tokens, client secrets, passwords, keys. */
const SECRET_NAME = /TOKEN|SECRET|PASSWORD|KEY/;

/**
 * Parses environment variables with a zod object whose keys are the variable names. On failure it
 * throws a ConfigError whose message names every offending variable, its problem and its value
 * (only the length of a secret's).
 */
export function parseEnv<S extends z.ZodObject>(
  schema: S,
  env: Record<string, string | undefined>,
  appName: string,
): z.output<S> {
  const known = Object.keys(schema.shape);
  const input: Record<string, string | undefined> = {};
  for (const key of known) {
    const value = env[key];
    // An empty variable means "use the default", as in most shells' `VAR= cmd` idiom.
    input[key] = value === undefined || value === '' ? undefined : value;
  }
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? '(config)');
    const got = input[name];
    // A secret's value stays out of the console and CI logs, even a wrongly formatted one.
    const shown = SECRET_NAME.test(name) ? `a value of ${got?.length ?? 0} characters` : JSON.stringify(got);
    return `  ${name}: ${issue.message}${got === undefined ? '' : ` (got ${shown})`}`;
  });
  throw new ConfigError(`Invalid ${appName} configuration:\n${lines.join('\n')}`);
}

/** Reusable env field schemas. */
export const envPort = (fallback: number) =>
  z.coerce
    .number({ error: 'must be a port number' })
    .int({ error: 'must be a whole number' })
    .min(0, { error: 'must be between 0 and 65535' })
    .max(65535, { error: 'must be between 0 and 65535' })
    .default(fallback);

export const envHostname = (fallback: string) =>
  z
    .string()
    .regex(
      /^(?=.{1,253}$)([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$|^\d{1,3}(\.\d{1,3}){3}$|^\[?[0-9a-fA-F:]+\]?$/,
      {
        error: 'must be a host name or IP address, without scheme or port',
      },
    )
    .default(fallback);

/** An https origin with an optional path and no trailing slash, e.g. `https://localhost:8443`. */
export const envHttpsUrl = () =>
  z
    .string()
    .refine((v) => URL.canParse(v), { error: 'must be an absolute URL such as https://localhost:8443' })
    .refine((v) => URL.canParse(v) && new URL(v).protocol === 'https:', { error: 'must start with https://' })
    .refine((v) => !v.endsWith('/'), { error: 'must not end with a slash' })
    .refine((v) => URL.canParse(v) && !new URL(v).search && !new URL(v).hash, {
      error: 'must not carry a query or fragment',
    });

export const envList = () =>
  z.string().transform((v) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );

export const envBoolean = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], { error: 'must be true or false' })
    .optional()
    .transform((v) => (v === undefined ? fallback : ['true', '1', 'yes', 'on'].includes(v)));

/**
 * A whole number from 1 to 1,000,000: an attempt limit or a number of seconds, written in decimal
 * digits. `Number()` would also take `1e3`, `0x10`, `1_000` or ` 12 `, none of which an operator
 * writes for "a count", so they are refused rather than read as something unexpected.
 */
export const envCount = (fallback: number) =>
  z
    .string()
    .regex(/^[0-9]+$/, { error: 'must be a whole number (decimal digits only)' })
    .transform(Number)
    .pipe(z.number().min(1, { error: 'must be at least 1' }).max(1_000_000, { error: 'must be at most 1000000' }))
    .default(fallback);
