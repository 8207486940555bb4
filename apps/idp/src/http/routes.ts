/**
 * The IdP's own routes (oidc-provider serves its endpoints under the same origin: /auth, /token,
 * /me, /jwks, /session/end, /.well-known/openid-configuration). Links and form actions are built
 * with `idpPaths`, never typed by hand.
 *
 * Self-service pages exist twice: directly (`/signup`) and inside an OIDC interaction
 * (`/interaction/:uid/signup`), because oidc-provider scopes its interaction cookie to
 * `/interaction/<uid>`; finishing a signup there returns the person into that same authorization.
 */
export const idpRoutes = Object.freeze({
  interaction: '/interaction/:uid',
  login: '/interaction/:uid/login',
  consent: '/interaction/:uid/consent',
  abort: '/interaction/:uid/abort',
  stylesheet: '/assets/idp.css',
  script: '/assets/idp.js',
  signup: ['/signup', '/interaction/:uid/signup'],
  emailCode: ['/email-code', '/interaction/:uid/email-code'],
  emailCodeResend: ['/email-code/resend', '/interaction/:uid/email-code/resend'],
  passwordReset: ['/password-reset', '/interaction/:uid/password-reset'],
  newPassword: ['/password-reset/new', '/interaction/:uid/password-reset/new'],
  account: '/account',
  accountLogin: '/account/login',
  accountLogout: '/account/logout',
  accountName: '/account/name',
  accountPassword: '/account/password',
  accountNewsletter: '/account/newsletter',
  accountEnrollmentEmail: '/account/mfa/enrollment-email',
  accountMfa: '/account/mfa',
  accountTrustRevoke: '/account/trusted-sites/:id/revoke',
  /** The emailed link; it is used up and redirects to `mfaSetup` (no token left in the address bar). */
  mfaEnrollmentLink: '/mfa/enroll',
  mfaSetup: ['/mfa/setup', '/interaction/:uid/mfa/setup'],
  mfaRecoveryCode: ['/mfa/recovery-code', '/interaction/:uid/mfa/recovery-code'],
  mfaChallenge: ['/mfa/challenge', '/interaction/:uid/mfa/challenge'],
  mfaRecovery: ['/mfa/recovery', '/interaction/:uid/mfa/recovery'],
});

const withUid = (uid: string, suffix = '') => `/interaction/${encodeURIComponent(uid)}${suffix}`;
/** A self-service page, inside the interaction `uid` when there is one. */
const scoped = (suffix: string) => (uid?: string) => (uid === undefined ? suffix : withUid(uid, suffix));

export const idpPaths = Object.freeze({
  interaction: (uid: string) => withUid(uid),
  login: (uid: string) => withUid(uid, '/login'),
  consent: (uid: string) => withUid(uid, '/consent'),
  abort: (uid: string) => withUid(uid, '/abort'),
  /** The version is the file's content hash, so it can be cached for a year. */
  stylesheet: (version: string) => `${idpRoutes.stylesheet}?v=${encodeURIComponent(version)}`,
  script: (version: string) => `${idpRoutes.script}?v=${encodeURIComponent(version)}`,
  signup: scoped('/signup'),
  emailCode: scoped('/email-code'),
  emailCodeResend: scoped('/email-code/resend'),
  passwordReset: scoped('/password-reset'),
  newPassword: scoped('/password-reset/new'),
  /** Where a login form posts: the interaction's login step, or the account pages' own login. */
  loginAction: (uid?: string) => (uid === undefined ? idpRoutes.accountLogin : withUid(uid, '/login')),
  /** The login page to return to: the interaction's, or the account pages' own. */
  loginPage: (uid?: string, notice?: string) => {
    const base = uid === undefined ? idpRoutes.accountLogin : withUid(uid);
    return notice ? `${base}?notice=${encodeURIComponent(notice)}` : base;
  },
  account: (notice?: string) => (notice ? `${idpRoutes.account}?notice=${encodeURIComponent(notice)}` : '/account'),
  accountLogin: () => idpRoutes.accountLogin,
  accountLogout: () => idpRoutes.accountLogout,
  accountName: () => idpRoutes.accountName,
  accountPassword: () => idpRoutes.accountPassword,
  accountNewsletter: () => idpRoutes.accountNewsletter,
  accountEnrollmentEmail: () => idpRoutes.accountEnrollmentEmail,
  accountMfa: () => idpRoutes.accountMfa,
  accountTrustRevoke: (id: string) => `/account/trusted-sites/${encodeURIComponent(id)}/revoke`,
  mfaEnrollmentLink: (token: string) => `${idpRoutes.mfaEnrollmentLink}?token=${encodeURIComponent(token)}`,
  mfaSetup: scoped('/mfa/setup'),
  mfaRecoveryCode: scoped('/mfa/recovery-code'),
  mfaChallenge: scoped('/mfa/challenge'),
  mfaRecovery: scoped('/mfa/recovery'),
});
