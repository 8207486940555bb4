import type { Logger } from '@extauth/server-kit/logger';
import Provider, { type AdapterFactory, type ClientMetadata, type Configuration } from 'oidc-provider';
import type { TrustCookies } from '../flows/consent/trust.js';
import { idpPaths } from '../http/routes.js';
import type { AccountsStore } from '../store/accounts.js';
import type { ViewContext } from '../views/layout.js';
import { isPkceRequired } from './client-registry.js';
import { createFindAccount } from './find-account.js';
import { providerPages } from './pages.js';
import { logProviderEvents } from './provider-events.js';
import type { SigningJwk } from './signing-keys.js';
import { grantForTrustedSite, stepUpPolicy } from './step-up-and-trust.js';

/** Lifetimes in seconds. oidc-provider keeps these on real time, not the sandbox clock (DESIGN.md). */
export const TTL_SECONDS = Object.freeze({
  AccessToken: 60 * 60,
  AuthorizationCode: 60,
  IdToken: 60 * 60,
  RefreshToken: 14 * 24 * 60 * 60,
  Interaction: 60 * 60,
  Session: 14 * 24 * 60 * 60,
  Grant: 14 * 24 * 60 * 60,
});

export interface ProviderDeps {
  issuer: string;
  adapter: AdapterFactory;
  signingKeys: SigningJwk[];
  cookieKeys: string[];
  clients: ClientMetadata[];
  accounts: AccountsStore;
  trust: TrustCookies;
  view: ViewContext;
  logger: Logger;
}

export function createProviderConfiguration(deps: ProviderDeps): Configuration {
  const pages = providerPages(deps.view);
  return {
    adapter: deps.adapter,
    clients: deps.clients,
    jwks: { keys: deps.signingKeys },
    cookies: { keys: deps.cookieKeys },
    findAccount: createFindAccount(deps.accounts),
    scopes: ['openid', 'offline_access', 'email', 'profile'],
    claims: {
      acr: null,
      amr: null,
      auth_time: null,
      iss: null,
      sid: null,
      // acr and amr belong in every ID token (DESIGN.md: "amr" ["pwd"], "acr" "1"), not only
      // when a client asks for them; findAccount() never returns them, so userinfo stays as is.
      openid: ['sub', 'acr', 'amr'],
      email: ['email', 'email_verified'],
      profile: ['given_name', 'family_name', 'name'],
    },
    // The panel (like real WHM) reads email and names from the ID token, not only from userinfo.
    conformIdTokenClaims: false,
    acrValues: ['1', '2'],
    responseTypes: ['code'],
    // PKCE is required from public clients only; confidential ones may send it (real WHM does not).
    // A seeded or admin-added client may say otherwise with `pkce_required`.
    pkce: { required: (_ctx, client) => isPkceRequired(client.metadata()) },
    extraClientMetadata: {
      properties: ['pkce_required'],
      validator: (_ctx, key, value) => {
        if (key === 'pkce_required' && value !== undefined && typeof value !== 'boolean') {
          throw new TypeError('pkce_required must be a boolean');
        }
      },
    },
    ttl: { ...TTL_SECONDS },
    // Any client registered for the refresh_token grant gets one (WHM asks with access_type=offline,
    // a Google-style parameter, not the offline_access scope).
    issueRefreshToken: async (_ctx, client, code) =>
      client.grantTypeAllowed('refresh_token') && code.kind === 'AuthorizationCode',
    // "Confirm Sending Data" is shown on every authorization unless this browser trusts the
    // (account, client, redirect hostname) (spec/whm-external-auth.md, open question 4): otherwise
    // only the grant just consented to is reused.
    loadExistingGrant: async (ctx) => {
      const grantId = ctx.oidc.result?.consent?.grantId;
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      return grantForTrustedSite(ctx, deps.trust);
    },
    interactions: {
      policy: stepUpPolicy(),
      url: async (_ctx, interaction) => idpPaths.interaction(interaction.uid),
    },
    renderError: pages.renderError,
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: pages.logoutSource,
        postLogoutSuccessSource: pages.postLogoutSuccessSource,
      },
    },
  };
}

export function createProvider(deps: ProviderDeps): Provider {
  const provider = new Provider(deps.issuer, createProviderConfiguration(deps));
  logProviderEvents(provider, deps.logger);
  return provider;
}
