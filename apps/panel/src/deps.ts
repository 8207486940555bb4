import type { Clock } from '@extauth/server-kit/clock';
import type { Sealer } from '@extauth/server-kit/crypto';
import type { ReadinessCheck } from '@extauth/server-kit/health';
import type { Logger } from '@extauth/server-kit/logger';
import type { ScryptParams } from '@extauth/server-kit/passwords';
import type { ParameterizedContext } from 'koa';
import type { PanelConfig } from './config.js';
import type { RelyingParty } from './oidc/relying-party.js';
import type { ProviderRegistry } from './providers/provider-state.js';
import type { SessionLookup, SessionManager } from './sessions/session-manager.js';
import type { ApiTokenStore } from './store/api-tokens.store.js';
import type { LinkStore } from './store/links.store.js';
import type { LoginFailureStore } from './store/login-failures.store.js';
import type { ProviderStore } from './store/providers.store.js';
import type { TwoFactorStore } from './store/two-factor.store.js';
import type { UserStore } from './store/users.store.js';

/** Everything with a side effect that the panel's flows use, passed to `createApp`. */
export interface PanelDeps {
  config: PanelConfig;
  logger: Logger;
  clock: Clock;
  users: UserStore;
  links: LinkStore;
  sessions: SessionManager;
  providers: ProviderRegistry;
  providerStore: ProviderStore;
  apiTokens: ApiTokenStore;
  /** Seals configuration secrets at rest (an admin-entered client secret). */
  configSealer: Sealer;
  twoFactor: TwoFactorStore;
  /** Failed password attempts, for the login limit (login form and API Basic auth). */
  loginFailures: LoginFailureStore;
  /** Seals WHM 2FA secrets at rest (their own key, `tfaKey` in secrets.json). */
  tfaSealer: Sealer;
  relyingParty: RelyingParty;
  hashParams: ScryptParams;
  csrfSecret: string;
  /** What /readyz checks: storage, then the IdP's discovery through the back channel. */
  readiness?: readonly ReadinessCheck[];
}

/** Per-request state set by the app's middleware. */
export interface PanelState {
  csrfToken: string;
  sessionLookup: SessionLookup;
}

export type PanelContext = ParameterizedContext<PanelState>;
