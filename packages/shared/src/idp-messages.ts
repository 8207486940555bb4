/**
 * The IdP's user-facing sentences, keyed by code. Routes and views refer to codes; tests and the
 * testkit compare against these strings rather than copying them.
 */
export const idpMessages = {
  invalid_credentials: 'The email or password is incorrect.',
  email_required: 'Enter your email address.',
  email_too_long: 'This email address is too long.',
  password_required: 'Enter your password.',
  password_too_long: 'This password is too long (at most 1,024 characters).',
  form_invalid: 'The form could not be read. Check the fields and try again.',
  interaction_expired:
    'This sign-in request has expired or was already completed. Go back to the application and start again.',
  interaction_wrong_step:
    'This step of the sign-in is not the current one. Go back to the application and start again.',
  consent_cancelled: 'The user cancelled the request.',
} as const;

export type IdpMessageCode = keyof typeof idpMessages;

/**
 * Readable sentences for OAuth 2.0 / OpenID Connect error codes (RFC 6749 §4.1.2.1, OIDC Core
 * §3.1.2.6) that the IdP renders on its error page instead of redirecting back to the client.
 */
export const oauthErrorMessages: Record<string, string> = {
  invalid_redirect_uri:
    'The application asked to send you back to an address that is not registered for it, so the sign-in was stopped. Contact the application’s administrator.',
  invalid_client:
    'The application that sent you here is not known to this sign-in service. Contact the application’s administrator.',
  invalid_request: 'The application sent an incomplete or malformed sign-in request.',
  unauthorized_client: 'The application is not allowed to sign in this way.',
  unsupported_response_type: 'The application asked for a kind of sign-in this service does not offer.',
  invalid_scope: 'The application asked for data this service does not offer.',
  access_denied: 'The request was refused.',
  login_required: 'You need to log in first.',
  consent_required: 'You need to confirm sending your data first.',
  invalid_grant: 'This sign-in request is no longer valid. Go back to the application and start again.',
  session_not_found: 'Your sign-in session has expired. Go back to the application and start again.',
  server_error: 'Something went wrong on our side. The error was logged; please start again.',
};

export const OAUTH_FALLBACK_MESSAGE =
  'The sign-in request could not be completed. Go back to the application and start again.';

export function describeOAuthError(code: string): string {
  return Object.hasOwn(oauthErrorMessages, code)
    ? (oauthErrorMessages[code] ?? OAUTH_FALLBACK_MESSAGE)
    : OAUTH_FALLBACK_MESSAGE;
}
