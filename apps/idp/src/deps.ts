import type { Clock } from '@extauth/server-kit/clock';
import type { Sealer } from '@extauth/server-kit/crypto';
import type { createCsrf } from '@extauth/server-kit/csrf';
import type { Logger } from '@extauth/server-kit/logger';
import type { ScryptParams } from '@extauth/server-kit/passwords';
import type { Provider } from 'oidc-provider';
import type { RandomSource } from './domain/random.js';
import type { MfaLock } from './domain/totp.js';
import type { TrustCookies } from './flows/consent/trust.js';
import type { AttemptThrottle } from './http/attempt-throttle.js';
import type { CodeFlowCookie } from './http/code-flow.js';
import type { MfaFlowCookie } from './http/mfa-flow.js';
import type { Mailer } from './mail/mailer.js';
import type { AccountSessionStore } from './store/account-sessions.js';
import type { AccountsStore } from './store/accounts.js';
import type { EmailCodeStore } from './store/email-codes.js';
import type { MfaStore } from './store/mfa.js';
import type { OidcModelStore } from './store/oidc-models.js';
import type { PasswordResetTicketStore } from './store/password-reset-tickets.js';
import type { TrustedSiteStore } from './store/trusted-sites.js';
import type { ViewContext } from './views/layout.js';

/** Everything the HTTP app needs, passed in (no module reads env or keeps a singleton). */
export interface IdpDeps {
  provider: Provider;
  accounts: AccountsStore;
  emailCodes: EmailCodeStore;
  resetTickets: PasswordResetTicketStore;
  accountSessions: AccountSessionStore;
  /** For revoking an account's OIDC sessions, grants and tokens. */
  oidcModels: OidcModelStore;
  csrf: ReturnType<typeof createCsrf>;
  codeFlow: CodeFlowCookie;
  /** Wrong passwords, per account and per client IP. */
  loginThrottle: AttemptThrottle;
  /** Wrong one-time codes (email, TOTP, recovery), per client IP; wrong email codes per address. */
  codeThrottle: AttemptThrottle;
  mfa: MfaStore;
  mfaFlow: MfaFlowCookie;
  mfaLock: MfaLock;
  /** AES-256-GCM for TOTP secrets at rest (IDP_TOTP_ENCRYPTION_KEY or secrets.json). */
  totpSealer: Sealer;
  trustedSites: TrustedSiteStore;
  trust: TrustCookies;
  /** The issuer, for links in emails. */
  issuer: string;
  passwordHashing: ScryptParams;
  /** HMAC key for email codes at rest. */
  emailCodeKey: string;
  emailCodeResendSeconds: number;
  mailer: Mailer;
  clock: Clock;
  random: RandomSource;
  view: ViewContext;
  logger: Logger;
}
