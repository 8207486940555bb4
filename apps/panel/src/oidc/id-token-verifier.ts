import { createRemoteJWKSet, customFetch, errors, type FetchImplementation, type JWTPayload, jwtVerify } from 'jose';
import type { BackChannelFetch } from './back-channel.js';
import { isNetworkError } from './oidc-errors.js';

export type IdTokenVerification =
  | { ok: true; claims: JWTPayload & { sub: string } }
  | { ok: false; reason: 'signing_key_unavailable' | 'id_token_failed_verification' | 'communication'; detail: string };

/** The algorithms openid-client accepts by default for ID tokens; the JWKS check uses the same. */
const ID_TOKEN_ALGORITHMS = ['RS256'];

/**
 * Verifies ID-token signatures against the IdP's JWKS (openid-client v6 checks the claims of an ID
 * token from the token endpoint but not its signature, since TLS authenticates that response; the
 * sandbox verifies anyway, on every login and again before linking: DESIGN.md, spec §13.8). The
 * key set is cached by jose and refetched when a token names an unknown `kid` (30 s cooldown).
 */
export function createIdTokenVerifier(options: {
  jwksUri: string;
  issuer: string;
  clientId: string;
  fetch: BackChannelFetch;
}) {
  const jwks = createRemoteJWKSet(new URL(options.jwksUri), {
    [customFetch]: options.fetch as unknown as FetchImplementation,
    timeoutDuration: 10_000,
    cooldownDuration: 30_000,
    cacheMaxAge: 10 * 60_000,
  });

  return async function verifyIdToken(
    idToken: string,
    expected: { nonce?: string; subject?: string },
  ): Promise<IdTokenVerification> {
    try {
      const { payload } = await jwtVerify(idToken, jwks, {
        issuer: options.issuer,
        audience: options.clientId,
        algorithms: ID_TOKEN_ALGORITHMS,
        requiredClaims: ['sub', 'iat', 'exp'],
      });
      if (typeof payload.sub !== 'string' || !payload.sub) {
        return { ok: false, reason: 'id_token_failed_verification', detail: 'sub is not a string' };
      }
      if (expected.nonce !== undefined && payload.nonce !== expected.nonce) {
        return { ok: false, reason: 'id_token_failed_verification', detail: 'nonce mismatch' };
      }
      if (expected.subject !== undefined && payload.sub !== expected.subject) {
        return { ok: false, reason: 'id_token_failed_verification', detail: 'sub mismatch' };
      }
      return { ok: true, claims: { ...payload, sub: payload.sub } };
    } catch (err) {
      const detail = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      if (err instanceof errors.JWKSNoMatchingKey) return { ok: false, reason: 'signing_key_unavailable', detail };
      if (err instanceof errors.JWKSTimeout || isNetworkError(err))
        return { ok: false, reason: 'communication', detail };
      if (err instanceof errors.JOSEError) return { ok: false, reason: 'id_token_failed_verification', detail };
      throw err;
    }
  };
}

export type VerifyIdToken = ReturnType<typeof createIdTokenVerifier>;
