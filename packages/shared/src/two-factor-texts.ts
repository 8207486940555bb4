/**
 * Texts of WHM's own two-factor authentication (spec/whm-external-auth.md §8 and §10), with the
 * product's curly quotes: the login security page, WHM » Security Center » Two-Factor
 * Authentication, and the reasons of the `twofactorauth_*` WHM API 1 functions. The short UI strings
 * are the product's; longer sentences are the sandbox's own.
 */
export type TwoFactorProblem =
  | { code: 'invalid_security_code' }
  | { code: 'invalid_secret' }
  | { code: 'invalid_issuer' }
  | { code: 'tfa_not_configured'; username: string }
  | { code: 'policy_update_failed'; action: 'enable' | 'disable' };

const TWO_FACTOR_PROBLEM_CODES: ReadonlySet<string> = new Set<TwoFactorProblem['code']>([
  'invalid_security_code',
  'invalid_secret',
  'invalid_issuer',
  'tfa_not_configured',
  'policy_update_failed',
]);

export function isTwoFactorProblem(problem: { code: string }): problem is TwoFactorProblem {
  return TWO_FACTOR_PROBLEM_CODES.has(problem.code);
}

export const INVALID_SECURITY_CODE_TEXT = 'The security code is invalid.';

export function describeTwoFactorProblem(p: TwoFactorProblem): string {
  switch (p.code) {
    case 'invalid_security_code':
      return INVALID_SECURITY_CODE_TEXT;
    case 'invalid_secret':
      return 'The value of the parameter “secret” must be 16 to 32 base32 characters (A–Z, 2–7).';
    case 'invalid_issuer':
      return 'The issuer must have no more than 32 characters, and only letters, numbers, spaces, periods (.), underscores (_), and hyphens (-).';
    case 'tfa_not_configured':
      return `The user “${p.username}” has not configured Two-Factor Authentication.`;
    case 'policy_update_failed':
      return `Failed to ${p.action} the Two-Factor Authentication security policy.`;
  }
}

/** The page cpsrvd's security policy shows after the primary login (§10), title "WHM Login Security". */
export const TWO_FACTOR_LOGIN = Object.freeze({
  title: 'WHM Login Security',
  heading: (username: string) => `Enter the security code for “${username}”`,
  codeLabel: 'Security code',
  codePlaceholder: 'Security code',
  continue: 'Continue',
  invalid: INVALID_SECURITY_CODE_TEXT,
  lockedOut: (minutes: number) =>
    `Too many invalid security codes were entered for this account. Wait ${minutes} ${minutes === 1 ? 'minute' : 'minutes'} and try again.`,
  /** A request that tried to act (a POST elsewhere, a PUT) before the code was given: nothing happened. */
  codeRequired: 'Enter the security code to continue.',
  tooManyFromAddress: (minutes: number) =>
    `Too many invalid security codes were entered from your network address. Wait ${minutes} ${minutes === 1 ? 'minute' : 'minutes'} and try again.`,
  logOut: 'Log out',
});

/** WHM » Security Center » Two-Factor Authentication (§10 "UI strings"). */
export const TWO_FACTOR_ADMIN = Object.freeze({
  title: 'Two-Factor Authentication',
  policyEnabled: 'The Two-Factor Authentication Security Policy is Enabled',
  policyDisabled: 'The Two-Factor Authentication Security Policy is Disabled',
  policyOffHint: 'WHM asks for security codes at login only while the security policy is enabled.',
  enablePolicy: 'Enable Policy',
  disablePolicy: 'Disable Policy',
  policyChanged: (enabled: boolean) =>
    `The system has ${enabled ? 'enabled' : 'disabled'} the Two-Factor Authentication security policy.`,
  myAccountTab: 'Manage My Account',
  usersTab: 'Manage Users',
  settingsTab: 'Settings',
  notConfigured: 'Two-Factor Authentication is not configured for your account.',
  configuredText: 'Two-Factor Authentication is configured for your account.',
  setUp: 'Set Up Two-Factor Authentication',
  scanHint:
    'Scan the QR code with an authenticator app, or enter the account and key by hand. Then enter the security code that the app shows.',
  qrAlt: 'QR code',
  account: 'Account',
  key: 'Key',
  securityCode: 'Security Code',
  configure: 'Configure Two-Factor Authentication',
  setUpFailed: `Failed to set user configuration: ${INVALID_SECURITY_CODE_TEXT}`,
  setUpExpired: 'The set-up has expired. Start it again.',
  configured: 'Two-Factor Authentication is now configured for your account.',
  remove: 'Remove Two-Factor Authentication',
  removed: 'Two-Factor Authentication is now removed from your account.',
  reconfigure: 'Reconfigure',
  cancel: 'Cancel',
  usernameColumn: 'Username',
  domainColumn: 'Primary Domain',
  selectColumn: 'Select',
  noUsers: 'No users have configured Two-Factor Authentication.',
  disable: 'Disable',
  disableSelected: 'Disable Selected',
  disableAll: 'Disable All',
  noneSelected: 'Select at least one user.',
  usersDisabled: (usernames: readonly string[]) =>
    `The system has disabled Two-Factor Authentication for: ${usernames.map((u) => `“${u}”`).join(', ')}.`,
  issuer: 'Issuer',
  issuerHint: 'The name that authenticator apps show next to the code. When it is empty, the system uses the hostname.',
  save: 'Save',
  issuerSaved: 'The system has saved the issuer.',
});
