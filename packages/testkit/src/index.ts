// The public API of @extauth/testkit (see its README).
export {
  type AdminAccount,
  AdminApiError,
  type AdminClient,
  createAdminClient,
  createOutbox,
  type Fault,
  type MfaSecrets,
  type NewAccount,
  type NewClient,
  type Outbox,
  type OutboxMessage,
  seedAccount,
} from './admin.js';
export { createHeadlessBrowser, HeadlessError, type HeadlessPage, type SubmitOptions } from './headless.js';
export {
  type LoginStep,
  type LoginViaWebProsOptions,
  type LoginViaWebProsResult,
  loginViaWebPros,
} from './login-via-webpros.js';
export { type CaughtMail, createMailbox, type Mailbox, MailTimeoutError, type WaitOptions } from './mail.js';
export {
  type AuthorizationRequest,
  type AuthorizeOptions,
  authorize,
  type CompleteLoginOptions,
  completeLogin,
  discover,
  exchangeCode,
  type TokenSet,
} from './oidc.js';
export { type CreateSandboxOptions, createSandbox, type Sandbox, SHARED_TLS_DIR } from './sandbox.js';
export { decodeBase32, type FreshTotpOptions, freshTotp, nextTotpStep, type TotpOptions, totp } from './totp.js';
