import type { Clock } from '@extauth/server-kit/clock';
import * as client from 'openid-client';
import type { ClientConfiguration } from '../providers/provider-state.js';
import type { BackChannelFetch } from './back-channel.js';
import { createIdTokenVerifier, type IdTokenVerification, type VerifyIdToken } from './id-token-verifier.js';
import { type OidcResult, oidcFailure, translateOidcError } from './oidc-errors.js';

/** WHM caches the discovery document for a day (§5.1 step 6). */
const DISCOVERY_TTL_MS = 24 * 60 * 60_000;
/** openid-client's per-request timeout, in seconds. */
const REQUEST_TIMEOUT_S = 10;
/** §5.2 step 7: without `expires_in` the access token counts as valid for an hour. */
const DEFAULT_EXPIRES_IN_S = 3600;

interface Discovered {
  configuration: client.Configuration;
  verifyIdToken: VerifyIdToken;
  fetchedAt: number;
}

export interface TokenSet {
  accessToken: string;
  idToken: string;
  subject: string;
  /** Unix ms. */
  expiresAt: number;
}

/**
 * The panel's OpenID Connect client for one issuer. Discovery is lazy (first use, not boot) and
 * cached per client credentials; a failed discovery is not cached, so the next attempt retries.
 */
export function createRelyingParty(options: {
  issuer: string;
  redirectUri: string;
  fetch: BackChannelFetch;
  clock: Clock;
}) {
  const cache = new Map<string, Promise<Discovered>>();

  async function discover(creds: ClientConfiguration): Promise<Discovered> {
    const configuration = await client.discovery(
      new URL(options.issuer),
      creds.clientId,
      undefined,
      client.ClientSecretPost(creds.clientSecret),
      { [client.customFetch]: options.fetch as unknown as client.CustomFetch, timeout: REQUEST_TIMEOUT_S },
    );
    const metadata = configuration.serverMetadata();
    if (!metadata.jwks_uri) throw new Error('the discovery document has no jwks_uri');
    const verifyIdToken = createIdTokenVerifier({
      jwksUri: metadata.jwks_uri,
      issuer: metadata.issuer,
      clientId: creds.clientId,
      fetch: options.fetch,
    });
    return { configuration, verifyIdToken, fetchedAt: options.clock.now().getTime() };
  }

  async function discovered(creds: ClientConfiguration): Promise<OidcResult<{ value: Discovered }>> {
    const key = JSON.stringify([creds.clientId, creds.clientSecret]);
    let entry = cache.get(key);
    if (entry) {
      const settled = await entry.catch(() => undefined);
      if (!settled || options.clock.now().getTime() - settled.fetchedAt > DISCOVERY_TTL_MS) entry = undefined;
    }
    if (!entry) {
      entry = discover(creds);
      cache.set(key, entry);
    }
    try {
      return { ok: true, value: await entry };
    } catch (err) {
      if (cache.get(key) === entry) cache.delete(key);
      return oidcFailure('openid_communication', err instanceof Error ? `${err.name}: ${err.message}` : String(err));
    }
  }

  return {
    /** §5.1 step 5, plus PKCE S256 and a nonce. Any failure here is `openid_communication_no_login`. */
    async buildAuthorizationUrl(
      creds: ClientConfiguration,
      params: { state: string; nonce: string; codeChallenge: string },
    ): Promise<OidcResult<{ url: URL }>> {
      const d = await discovered(creds);
      if (!d.ok) return oidcFailure('openid_communication_no_login', d.detail);
      const url = client.buildAuthorizationUrl(d.value.configuration, {
        redirect_uri: options.redirectUri,
        scope: 'openid profile email',
        state: params.state,
        nonce: params.nonce,
        code_challenge: params.codeChallenge,
        code_challenge_method: 'S256',
        access_type: 'offline',
      });
      return { ok: true, url };
    },

    /** §5.2 steps 5-6: the code for tokens, with state, PKCE and nonce checked by openid-client. */
    async exchangeCode(
      creds: ClientConfiguration,
      callbackUrl: URL,
      checks: { expectedState: string; pkceCodeVerifier: string; expectedNonce: string },
    ): Promise<OidcResult<{ tokens: TokenSet }>> {
      const d = await discovered(creds);
      if (!d.ok) return d;
      let response: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
      try {
        response = await client.authorizationCodeGrant(d.value.configuration, callbackUrl, {
          ...checks,
          idTokenExpected: true,
        });
      } catch (err) {
        const failure = translateOidcError(err);
        if (failure) return failure;
        throw err;
      }
      const claims = response.claims();
      if (!response.id_token || !claims) return oidcFailure('openid_missing_id_token', 'no id_token in the response');
      const expiresIn = response.expiresIn() ?? DEFAULT_EXPIRES_IN_S;
      return {
        ok: true,
        tokens: {
          accessToken: response.access_token,
          idToken: response.id_token,
          subject: claims.sub,
          expiresAt: options.clock.now().getTime() + (1 + expiresIn) * 1000,
        },
      };
    },

    async fetchUserinfo(
      creds: ClientConfiguration,
      accessToken: string,
      subject: string,
    ): Promise<OidcResult<{ claims: Record<string, unknown> }>> {
      const d = await discovered(creds);
      if (!d.ok) return d;
      try {
        const claims = await client.fetchUserInfo(d.value.configuration, accessToken, subject);
        return { ok: true, claims: { ...claims } };
      } catch (err) {
        const failure = translateOidcError(err);
        if (!failure) throw err;
        // A userinfo failure is a communication problem, not a token problem.
        return failure.notice === 'openid_provider_misconfigured'
          ? failure
          : oidcFailure('openid_communication', failure.detail);
      }
    },

    /** RP-initiated logout: the IdP's end_session_endpoint with our ID token, return address and state. */
    async buildEndSessionUrl(
      creds: ClientConfiguration,
      params: { idTokenHint: string; postLogoutRedirectUri: string; state: string },
    ): Promise<OidcResult<{ url: URL }>> {
      const d = await discovered(creds);
      if (!d.ok) return d;
      if (!d.value.configuration.serverMetadata().end_session_endpoint) {
        return oidcFailure('openid_communication', 'the discovery document has no end_session_endpoint');
      }
      const url = client.buildEndSessionUrl(d.value.configuration, {
        id_token_hint: params.idTokenHint,
        post_logout_redirect_uri: params.postLogoutRedirectUri,
        state: params.state,
      });
      return { ok: true, url };
    },

    async verifyIdToken(
      creds: ClientConfiguration,
      idToken: string,
      expected: { nonce?: string; subject?: string },
    ): Promise<IdTokenVerification> {
      const d = await discovered(creds);
      if (!d.ok) return { ok: false, reason: 'communication', detail: d.detail };
      return d.value.verifyIdToken(idToken, expected);
    },
  };
}

export type RelyingParty = ReturnType<typeof createRelyingParty>;
