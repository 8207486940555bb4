import type { Clock } from '@extauth/server-kit/clock';
import type { createCsrf } from '@extauth/server-kit/csrf';
import type { Logger } from '@extauth/server-kit/logger';
import type { ScryptParams } from '@extauth/server-kit/passwords';
import type { Provider } from 'oidc-provider';
import type { RandomSource } from './domain/random.js';
import type { CodeFlowCookie } from './http/code-flow.js';
import type { LoginThrottle } from './http/login-throttle.js';
import type { Mailer } from './mail/mailer.js';
import type { AccountSessionStore } from './store/account-sessions.js';
import type { AccountsStore } from './store/accounts.js';
import type { EmailCodeStore } from './store/email-codes.js';
import type { OidcModelStore } from './store/oidc-models.js';
import type { PasswordResetTicketStore } from './store/password-reset-tickets.js';
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
  loginThrottle: LoginThrottle;
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
