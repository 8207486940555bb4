/**
 * What never reaches a log line: values under secret-looking keys, secret query parameters in URLs
 * and credentials after an auth scheme. Applied to every line's fields and message by the logger
 * (logger.ts); every entry of the lists below is checked by logger.test.ts.
 */
export const REDACTED = '[redacted]';

/** Keys (compared lower-case, without `-` and `_`) whose values are always secret. */
export const SECRET_KEYS: readonly string[] = Object.freeze([
  'pass',
  'passwd',
  'code',
  'codes',
  'state',
  'nonce',
  'otp',
  'totp',
  'tfatoken',
  'securitycode',
  'recoverycode',
  'recoverycodes',
  'codeverifier',
  'authorization',
  'proxyauthorization',
  'apitoken',
  'key',
  'privatekey',
  'sessionkey',
  'sid',
  'jwt',
]);

/** Parts of a key (same normalisation) that make its value secret wherever they appear. */
export const SECRET_KEY_PARTS: readonly string[] = Object.freeze([
  'password',
  'secret',
  'token',
  'cookie',
  'credential',
]);

/** Query (and fragment) parameters whose values are secret in any URL or path that is logged. */
export const SECRET_QUERY_PARAMS: readonly string[] = Object.freeze([
  'code',
  'state',
  'nonce',
  'id_token',
  'id_token_hint',
  'access_token',
  'refresh_token',
  'token',
  'logout_token',
  'client_secret',
  'code_verifier',
  'password',
  'pass',
  'session_state',
]);

const normalise = (key: string) => key.toLowerCase().replace(/[-_]/g, '');
const SECRET_KEY_SET = new Set(SECRET_KEYS);

export function isSecretKey(key: string): boolean {
  const k = normalise(key);
  return SECRET_KEY_SET.has(k) || SECRET_KEY_PARTS.some((part) => k.includes(part));
}

const QUERY_PARAM = new RegExp(`([?&#;](?:${SECRET_QUERY_PARAMS.join('|')})=)[^&#\\s"']*`, 'gi');
/**
 * An Authorization-style credential quoted in text: a scheme (`Bearer`, `Basic`, `Token`,
 * `Negotiate`, `DPoP`), whitespace, then a token68 (RFC 9110 §11.2). Whether the token68 is a
 * credential is decided by `isCredential`, so prose after those words stays readable.
 */
const AUTH_SCHEME = /\b(bearer|basic|token|negotiate|dpop)[ \t]+([A-Za-z0-9._~+/-]{4,}=*)/gi;

/**
 * A credential has a digit or one of `-._~+/=` in it (random tokens and base64 almost always do)
 * and 6 characters or more, or is 20 characters or more; for Basic, also anything whose base64
 * decodes to `user:password`. "token request failed" or "Basic settings" are left alone.
 */
function isCredential(scheme: string, value: string): boolean {
  if (value.length >= 20) return true;
  if (value.length >= 6 && /[0-9._~+/=-]/.test(value)) return true;
  return scheme.toLowerCase() === 'basic' && Buffer.from(value, 'base64').toString('latin1').includes(':');
}

/** `Digest username="…", response="…"`: its parameters, to the end of the line. */
const DIGEST_PARAMS = /\b(digest)[ \t]+(?=[A-Za-z]+=)[^\r\n]*/gi;
/**
 * WHM's `Authorization: whm root:TOKEN`: the token follows the colon directly, so a message such as
 * "whm api: call refused" (a space after the colon) is not a credential.
 */
const WHM_CREDENTIAL = /\b(whm[ \t]+[^\s:]+:)([A-Za-z0-9._~+/=-]{4,})/gi;
const COOKIE_HEADER = /\b((?:set-)?cookie\s*[:=]\s*)[^\r\n]+/gi;
/**
 * WHM's security token in a path (`/cpsess0123456789/…`, spec §2.4): with the session cookie it
 * opens the session, so it is masked; the rest of the path stays readable.
 */
const CPSESS_TOKEN = /\bcpsess\d[^/\s?#"'&]*/gi;
export const MASKED_CPSESS = 'cpsess**********';

/**
 * A string with secret query parameters, credentials after an auth scheme, cookie headers and WHM
 * security tokens replaced.
 */
export function redactText(text: string): string {
  return text
    .replace(CPSESS_TOKEN, MASKED_CPSESS)
    .replace(QUERY_PARAM, `$1${REDACTED}`)
    .replace(AUTH_SCHEME, (match, scheme: string, value: string) =>
      isCredential(scheme, value) ? `${scheme} ${REDACTED}` : match,
    )
    .replace(DIGEST_PARAMS, `$1 ${REDACTED}`)
    .replace(WHM_CREDENTIAL, `$1${REDACTED}`)
    .replace(COOKIE_HEADER, `$1${REDACTED}`);
}

const MAX_DEPTH = 8;
/** An error's `code` is kept when it reads as one (ECONNREFUSED, ERR_TLS_…, invalid_grant), not as a user's code. */
const ERROR_CODE = /^(?:[A-Za-z_]{2,64}|E[A-Z0-9_]{2,64}|ERR_[A-Z0-9_]{2,64})$/;

function redactValue(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  // Errors keep their class for pino's serializer; their message is scrubbed like any text.
  if (value instanceof Error) {
    const copy = Object.create(Object.getPrototypeOf(value)) as Error;
    for (const key of Object.getOwnPropertyNames(value)) {
      const v = (value as unknown as Record<string, unknown>)[key];
      const keep = key === 'code' && typeof v === 'string' && ERROR_CODE.test(v);
      (copy as unknown as Record<string, unknown>)[key] = isSecretKey(key) && !keep ? REDACTED : v;
    }
    copy.message = redactText(value.message);
    if (value.stack) copy.stack = redactText(value.stack);
    if (value.cause !== undefined) copy.cause = redactValue(value.cause, depth + 1, seen);
    return copy;
  }
  if (value instanceof Date || value instanceof URL) return redactText(String(value));
  if (seen.has(value) || depth >= MAX_DEPTH) return '[…]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1, seen));
  if (value instanceof Map) return redactValue(Object.fromEntries(value), depth, seen);
  if (Buffer.isBuffer(value) || ArrayBuffer.isView(value)) return `[${value.byteLength} bytes]`;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = isSecretKey(key) && v !== undefined && v !== null ? REDACTED : redactValue(v, depth + 1, seen);
  }
  return out;
}

/** A copy of `fields` that is safe to log (the input is not changed). */
export function redactSecrets(fields: Record<string, unknown>): Record<string, unknown> {
  return redactValue(fields, 0, new WeakSet()) as Record<string, unknown>;
}
