import * as client from 'openid-client';

/** The msg_codes (§4.1) a failure talking to the IdP can end in. */
export type OidcFailureNotice =
  | 'openid_communication'
  | 'openid_communication_no_login'
  | 'openid_unable_to_get_access_token'
  | 'openid_missing_id_token'
  | 'openid_provider_misconfigured'
  | 'oidc_received_error';

export interface OidcFailure {
  ok: false;
  notice: OidcFailureNotice;
  /** For the log only; never shown to the user. */
  detail: string;
  /** For `oidc_received_error`: the HTTP status the IdP answered, which the notice shows. */
  shownError?: string;
  /**
   * What the browser brought was refused: a code the IdP does not accept (`invalid_grant`: forged,
   * replayed or expired) or an authorization response that fails its checks (e.g. its `iss`). A bad
   * request rather than a failure of the IdP, so the page is a 400, not a 502.
   */
  badCallback?: true;
}

export type OidcResult<T> = ({ ok: true } & T) | OidcFailure;

export function oidcFailure(notice: OidcFailureNotice, detail: string): OidcFailure {
  return { ok: false, notice, detail };
}

const PROTOCOL_MISMATCH = new Set([
  'OAUTH_JWT_CLAIM_COMPARISON_FAILED',
  'OAUTH_JWT_TIMESTAMP_CHECK_FAILED',
  'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED',
]);
const BAD_TOKEN_RESPONSE = new Set([
  'OAUTH_RESPONSE_IS_NOT_CONFORM',
  'OAUTH_RESPONSE_IS_NOT_JSON',
  'OAUTH_PARSE_ERROR',
  'OAUTH_UNSUPPORTED_OPERATION',
]);

/** A failure to reach the IdP at all: refused, reset, TLS, DNS, timeout. */
export function isNetworkError(err: unknown): boolean {
  if (err instanceof DOMException) return err.name === 'TimeoutError' || err.name === 'AbortError';
  return err instanceof TypeError && (err.message === 'fetch failed' || err.cause instanceof Error);
}

/** The HTTP status of an IdP answer that was not the expected one (a 5xx page, say), if known. */
function unexpectedHttpStatus(err: client.ClientError): number | undefined {
  for (let cause: unknown = err.cause, depth = 0; cause && depth < 3; depth += 1) {
    // Duck-typed: the back channel's undici Response is not the global Response class.
    const status = (cause as { status?: unknown; headers?: unknown }).status;
    if (typeof status === 'number' && typeof (cause as { headers?: unknown }).headers === 'object') {
      return status >= 400 ? status : undefined;
    }
    cause = (cause as { cause?: unknown }).cause;
  }
  return undefined;
}

/** What oauth4webapi attached to an "invalid response" error: the token response body, or the authorization response's parameters. */
function invalidResponseCause(err: client.ClientError): { body?: unknown; parameters?: unknown } {
  return (err.cause as { cause?: { body?: unknown; parameters?: unknown } } | undefined)?.cause ?? {};
}

/** The token response body oauth4webapi attached to an "invalid response" error, if any. */
function tokenResponseBody(err: client.ClientError): Record<string, unknown> | undefined {
  const body = invalidResponseCause(err).body;
  return body && typeof body === 'object' ? (body as Record<string, unknown>) : undefined;
}

/**
 * Translates what openid-client throws from `authorizationCodeGrant` or `fetchUserInfo` into a
 * notice (§5.2 steps 5-6). Returns undefined for errors that are not about the IdP (our bugs),
 * which the caller lets propagate.
 */
export function translateOidcError(err: unknown): OidcFailure | undefined {
  const detail = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  if (err instanceof client.ResponseBodyError) {
    const failure = oidcFailure('openid_unable_to_get_access_token', `${err.error}: ${err.error_description ?? ''}`);
    return err.error === 'invalid_grant' ? { ...failure, badCallback: true } : failure;
  }
  if (err instanceof client.WWWAuthenticateChallengeError) {
    return oidcFailure('openid_unable_to_get_access_token', detail);
  }
  if (err instanceof client.ClientError) {
    const code = err.code ?? '';
    if (code === 'OAUTH_INVALID_RESPONSE') {
      const body = tokenResponseBody(err);
      if (!body) {
        // The authorization response (its `iss` or `state`, what the browser brought) is a bad
        // request; an ID token's claims or header are the IdP's failure (a 502).
        const failure = oidcFailure('openid_provider_misconfigured', detail);
        return invalidResponseCause(err).parameters !== undefined ? { ...failure, badCallback: true } : failure;
      }
      const missingIdToken = typeof body.access_token === 'string' && body.id_token === undefined;
      return oidcFailure(missingIdToken ? 'openid_missing_id_token' : 'openid_unable_to_get_access_token', detail);
    }
    const status = code === 'OAUTH_RESPONSE_IS_NOT_CONFORM' ? unexpectedHttpStatus(err) : undefined;
    if (status !== undefined) {
      return { ok: false, notice: 'oidc_received_error', detail, shownError: `HTTP ${status}` };
    }
    if (PROTOCOL_MISMATCH.has(code)) return oidcFailure('openid_provider_misconfigured', detail);
    if (BAD_TOKEN_RESPONSE.has(code)) return oidcFailure('openid_unable_to_get_access_token', detail);
    return oidcFailure('openid_communication', `${code} ${detail}`);
  }
  if (isNetworkError(err)) return oidcFailure('openid_communication', detail);
  return undefined;
}
