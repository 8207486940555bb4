/**
 * Why an HTTPS request to the sandbox failed, in one sentence that says what to do. The CLI trusts
 * only the sandbox CA of its data folder, so "nothing answers" (connection refused) and "something
 * answers with a certificate from another CA" (another sandbox with another data folder, or another
 * program on the port) are different problems with different fixes.
 */
export type Unreachable =
  | { kind: 'nothing_answers'; sentence: string }
  | { kind: 'other_ca'; sentence: string }
  | { kind: 'other'; sentence: string };

/** TLS errors that mean the certificate does not chain to the CA the CLI trusts. */
const OTHER_CA = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_SIGNATURE_FAILURE',
]);

const TIMEOUTS = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);

/**
 * Socket and name-resolution errors of a connection. File-system codes (EACCES, EISDIR, ENOENT…)
 * are deliberately absent: a `code` alone does not make an error a network failure, and a
 * panel.ini the CLI cannot write must not read as "cannot reach the IdP".
 */
const NETWORK = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  ...TIMEOUTS,
]);

/** Codes only the network stack gives: undici's own, and TLS handshake and certificate errors. */
const isNetworkCode = (code: string) =>
  NETWORK.has(code) ||
  OTHER_CA.has(code) ||
  code.startsWith('UND_ERR_') ||
  code.startsWith('ERR_TLS_') ||
  code.startsWith('ERR_SSL_') ||
  code.startsWith('CERT_') ||
  code.startsWith('UNABLE_TO_');

/**
 * The error code of a failed request, or undefined when the error is not a failure to reach the
 * server. undici's fetch rejects with `TypeError('fetch failed')` and puts the socket's or TLS error
 * under `cause`; undici's own errors carry a `UND_ERR_*` code; a request signal's timeout is a
 * TimeoutError (AbortError for older signals).
 */
export function failureCode(err: unknown): string | undefined {
  const e = err as { code?: unknown; name?: unknown; cause?: unknown; message?: unknown } | undefined;
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return 'ETIMEDOUT';
  // 'fetch failed' before the answer's headers; 'terminated' when the connection drops while its
  // body is read (the server stopped mid-answer).
  if (err instanceof TypeError && (e?.message === 'fetch failed' || e?.message === 'terminated')) {
    const cause = e.cause as { code?: unknown; errors?: { code?: unknown }[] } | undefined;
    // A name with IPv4 and IPv6 addresses fails with an AggregateError of both attempts.
    const code = cause?.code ?? cause?.errors?.[0]?.code;
    return typeof code === 'string' ? code : String(e.message);
  }
  return typeof e?.code === 'string' && isNetworkCode(e.code) ? e.code : undefined;
}

/**
 * `what` names the server ("the IdP", "the panel"), `portVariable` the variable that chooses its port.
 * Undefined when the error is not a failure to reach the server (an HTTP answer, a bug).
 */
export function describeUnreachable(
  err: unknown,
  where: { url: string; what: string; portVariable: string },
): Unreachable | undefined {
  const code = failureCode(err);
  if (code === undefined) return undefined;
  const origin = new URL(where.url).origin;
  if (code === 'ECONNREFUSED') {
    return { kind: 'nothing_answers', sentence: `${where.what} does not answer at ${origin}: is the sandbox running?` };
  }
  if (OTHER_CA.has(code)) {
    return {
      kind: 'other_ca',
      sentence: `a server with another CA answers at ${origin}: another sandbox with another data folder (SANDBOX_DATA_DIR) or a different program holds ${where.portVariable}`,
    };
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return {
      kind: 'other',
      sentence: `the certificate at ${origin} does not cover "${new URL(where.url).hostname}": add the name to SANDBOX_HOSTNAMES and restart the sandbox`,
    };
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return {
      kind: 'other',
      sentence: `"${new URL(where.url).hostname}" does not resolve on this machine: check IDP_ISSUER and SANDBOX_HOSTNAMES, or add the name to /etc/hosts`,
    };
  }
  if (TIMEOUTS.has(code)) {
    return {
      kind: 'other',
      sentence: `${where.what} at ${origin} did not answer in time: is the sandbox stuck or busy?`,
    };
  }
  return { kind: 'other', sentence: `cannot reach ${where.what} at ${origin} (${code})` };
}
