/**
 * The WHM login page's notices (spec/whm-external-auth.md §4 and §4.1): `msg_code` → text, with the
 * product's curly quotes. Placeholders: `provider` is the provider's display name ("WebPros"),
 * `username` the external preferred username, `app` "WHM", "cPanel" or "Webmail".
 */

export type NoticeKind = 'error' | 'success' | 'info';

export interface NoticeParams {
  provider: string;
  username?: string;
  app?: string;
  /** For `oidc_received_error`: what the IdP answered. */
  error?: string;
  /** For `tfa_attempts_exceeded`: how long the lock lasts (PANEL_TFA_LOCK_SECONDS; WHM: 15 minutes). */
  minutes?: number;
}

interface NoticeEntry {
  kind: NoticeKind;
  text: (p: NoticeParams) => string;
  /** Followed by the "Log in to P again." building block (a link that restarts the flow). */
  logInAgain: boolean;
  /** Followed by "If this condition persists, contact your system administrator." */
  persists: boolean;
}

const sessionNotice = (text: string): NoticeEntry => ({
  kind: 'error',
  text: () => text,
  logInAgain: false,
  persists: false,
});

const oidcNotice = (text: (p: NoticeParams) => string, logInAgain: boolean, persists: boolean): NoticeEntry => ({
  kind: 'error',
  text,
  logInAgain,
  persists,
});

const panelNoticeCatalogue = {
  expired_session: sessionNotice('Your session has expired. Please log in again.'),
  invalid_session: sessionNotice('Your session cookie is invalid. Please log in again.'),
  changed_ip: sessionNotice('Your IP address has changed. Please log in again.'),
  token_missing: sessionNotice('The security token is missing from your request.'),
  token_incorrect: sessionNotice('The security token in your request is invalid.'),
  invalid_login: sessionNotice('The login is invalid.'),
  user_selection: {
    kind: 'info',
    text: (p) =>
      `The “${p.provider}” account “${p.username ?? ''}” links to multiple “${p.app ?? 'WHM'}” accounts. Select the “${p.app ?? 'WHM'}” account that you wish to access.`,
    logInAgain: false,
    persists: false,
  },
  openid_access_denied: oidcNotice(
    (p) =>
      `${p.provider} denied access to information that this system needs in order to authenticate you. Log in again, but authorize this server to access the information that it requests.`,
    false,
    false,
  ),
  missing_openid_code: oidcNotice((p) => `${p.provider} did not return an authorization code.`, true, true),
  missing_openid_state: oidcNotice((p) => `${p.provider} did not send back the state of the request.`, true, true),
  invalid_openid_external_validation_token: oidcNotice(
    (p) => `${p.provider} did not return the correct validation token.`,
    true,
    true,
  ),
  openid_communication: oidcNotice((p) => `The server failed to communicate with ${p.provider}.`, true, true),
  openid_communication_no_login: oidcNotice((p) => `The server failed to communicate with ${p.provider}.`, false, true),
  openid_unable_to_get_access_token: oidcNotice(
    (p) => `The system failed to retrieve an access token from ${p.provider}.`,
    true,
    true,
  ),
  openid_missing_id_token: oidcNotice((p) => `${p.provider} did not send back the ID token.`, true, true),
  openid_provider_misconfigured: oidcNotice(
    () => 'The system failed to complete an OpenID Connect authentication due to a possible misconfiguration.',
    false,
    true,
  ),
  openid_access_token_expired: oidcNotice(() => 'Your OpenID Connect session has expired.', true, false),
  // The sandbox's code (WHM's own text is not public): five wrong WHM 2FA codes in a row end the
  // pre-2FA session and lock the user's security-code attempts for 15 minutes (spec §10); both
  // numbers are settings (PANEL_TFA_MAX_FAILURES, PANEL_TFA_LOCK_SECONDS).
  tfa_attempts_exceeded: {
    ...sessionNotice(''),
    text: ({ minutes = 15 }) =>
      `You entered an invalid security code too many times. Wait ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}, then log in again.`,
  },
  oidc_received_error: oidcNotice(
    (p) => `The system received an error from ${p.provider}: ${p.error ?? ''}`,
    false,
    false,
  ),
} as const satisfies Record<string, NoticeEntry>;

export type PanelNoticeCode = keyof typeof panelNoticeCatalogue;

export const PANEL_NOTICE_CODES = Object.freeze(Object.keys(panelNoticeCatalogue) as PanelNoticeCode[]);

export const UNKNOWN_NOTICE_TEXT = 'An authorization error occurred. Please try again.';
export const PERSISTS_TEXT = 'If this condition persists, contact your system administrator.';
export const LOGGED_OUT_TEXT = 'You have logged out.';
/** A panel form or query string whose percent-encoding is not UTF-8 (it would be kept as raw `%FF`). */
export const INVALID_UTF8_TEXT = 'The request contains text that is not valid UTF-8. Check the fields and try again.';
/** A panel form sent with fields repeated, nested or missing (not what its page sends). */
export const FORM_UNREADABLE_TEXT = 'The request could not be read.';

/** The "Log in to P again." building block; the panel renders it as a link that restarts the flow. */
export function logInAgainText(provider: string): string {
  return `Log in to ${provider} again.`;
}

export function isPanelNoticeCode(code: string): code is PanelNoticeCode {
  return Object.hasOwn(panelNoticeCatalogue, code);
}

export interface PanelNotice {
  /** The msg_code as given (unknown codes keep their code and get the generic text). */
  code: string;
  kind: NoticeKind;
  text: string;
  logInAgain: boolean;
  persists: boolean;
}

export function describePanelNotice(code: string, params: NoticeParams): PanelNotice {
  if (!isPanelNoticeCode(code)) {
    return { code, kind: 'error', text: UNKNOWN_NOTICE_TEXT, logInAgain: false, persists: false };
  }
  const entry: NoticeEntry = panelNoticeCatalogue[code];
  return { code, kind: entry.kind, text: entry.text(params), logInAgain: entry.logInAgain, persists: entry.persists };
}

/** The `link_account` banner shown above the login form when an external identity has no local link. */
export function linkAccountBannerText(params: { username: string; app: string; alreadyLinked: boolean }): string {
  return params.alreadyLinked
    ? `Your account “${params.username}” is already associated with an existing “${params.app}” account. Please log in to connect a new account.`
    : `Your account “${params.username}” is not associated with an existing “${params.app}” account. Please log in to connect the account.`;
}

/** Messages of the password form itself (the product's login JSON `message`, shown in the notice area). */
export const PANEL_LOGIN_MESSAGES = Object.freeze({
  invalid_login: 'The login is invalid.',
  missing_username: 'You must specify a username to log in.',
  signing_key_unavailable: 'The signing key was not available on the remote server.',
  id_token_failed_verification: 'The ID token from the remote server failed verification.',
});

export type PanelLoginMessageCode = keyof typeof PANEL_LOGIN_MESSAGES;

/**
 * The sandbox's own text (cPHulk's is not public) for a password login refused by the attempt limit,
 * on the login page (`msg_code` `too_many_failures`) and in the WHM API's `reason`.
 */
export function tooManyLoginFailuresText(retryAfterSeconds: number): string {
  const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
  return `Too many failed login attempts. Wait ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}, then try again.`;
}

/** The application names the notices use, by WHM service. */
export const PANEL_APP_NAMES = Object.freeze({ whostmgrd: 'WHM', cpaneld: 'cPanel', webmaild: 'Webmail' });
