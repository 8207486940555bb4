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
  email_invalid: 'Enter an email address such as name@example.com.',
  password_too_short: 'Use at least 12 characters.',
  new_password_required: 'Enter a new password.',
  current_password_required: 'Enter your current password.',
  current_password_wrong: 'Your current password is incorrect.',
  password_changed_meanwhile:
    'Your password has just been changed elsewhere, so the current password you entered is no longer correct.',
  first_name_required: 'Enter your first name.',
  last_name_required: 'Enter your last name.',
  name_too_long: 'This name is too long (at most 100 characters).',
  name_control_characters:
    'This name contains invisible control or text-direction characters. Remove them and type the name again.',
  terms_required: 'You need to agree to the Terms of Use to create an account.',
  checkbox_invalid: 'Tick the box or leave it empty.',
  password_generated:
    'A strong password was generated and is shown in the Password field. Store it in your password manager.',
  code_required: 'Enter the 6-digit code from the email.',
  code_format: 'The code is 6 digits.',
  code_wrong: 'This code is incorrect. Check the email and try again.',
  code_expired: 'This code has expired. Use “Resend code” to get a new one.',
  code_dead: 'Too many wrong codes. Use “Resend code” to get a new one.',
  code_used: 'This code was already used or replaced by a newer one. Use “Resend code” to get a new one.',
  code_sent: 'We sent a new code. The previous one no longer works.',
  resend_too_soon: 'A code was sent very recently. Wait a few seconds before asking for another one.',
  code_flow_expired: 'This verification has expired or was started in another browser. Please start again.',
  login_throttled_account: 'Too many failed login attempts for this account. Try again later.',
  login_throttled_ip: 'Too many failed login attempts from your network. Try again later.',
  code_throttled_address: 'Too many wrong codes for this email address. Try again later.',
  code_throttled_ip: 'Too many wrong codes from your network. Try again later.',
  mail_failed: 'We could not send the email right now. Try again in a moment.',
  reset_expired: 'This password reset has expired. Please start again.',
  password_reset_done: 'Your password has been reset. Log in with your new password.',
  password_changed: 'Your password has been changed. Every other session has been logged out.',
  name_saved: 'Your name has been saved.',
  newsletter_saved: 'Your newsletter choice has been saved.',
  logged_out: 'You have logged out.',
  account_login_required: 'Log in to see your account.',
  form_invalid_utf8: 'The form contains text that is not valid UTF-8. Check the fields and try again.',
  totp_required: 'Enter the 6-digit code from your authenticator app.',
  totp_wrong: 'This code is incorrect. Check your authenticator app and try again.',
  totp_replayed: 'This code was already used. Wait for the next code in your authenticator app.',
  recovery_code_required: 'Enter your recovery code.',
  recovery_code_wrong: 'This recovery code is incorrect or was already used.',
  mfa_locked: 'Too many wrong codes. For your security, try again in 15 minutes.',
  recovery_code_ack_required: 'Tick “I have safely recorded this code” to continue.',
  enrollment_link_invalid:
    'This enrollment link is invalid, has expired or was already used. Send a new enrollment email from your account page.',
  mfa_flow_expired: 'This step has expired or was started in another browser. Please start again.',
  enrollment_email_sent: 'We sent you an enrollment email. Open its link to set up multi-factor authentication.',
  mfa_enabled: 'Multi-factor authentication is on.',
  mfa_disabled: 'Multi-factor authentication is turned off, and every trusted site has been forgotten.',
  recovery_code_replaced: 'Your new recovery code is active; the previous one no longer works.',
  mfa_already_enabled: 'Multi-factor authentication is already on for this account.',
  mfa_proof_required: 'Enter your password or a current one-time code.',
  mfa_proof_wrong: 'The password or one-time code is incorrect.',
  trust_revoked: 'That site is no longer trusted; “Confirm Sending Data” will be shown again.',
  trust_not_found:
    'That site is not among your trusted sites (it may have been revoked already), so nothing was revoked.',
} as const;

export type IdpMessageCode = keyof typeof idpMessages;

/** The link under a "start again" sentence (interaction_expired and the like). */
export const startAgainLinkText = (appName: string) => `Start again at ${appName}`;

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
