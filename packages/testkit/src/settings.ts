import { ConfigError } from '@extauth/server-kit/errors';

/**
 * Every setting of the sandbox: the first column of the main README's "Configuration" table, in its
 * order. The apps parse their environment each on their own (no exported list to build this from),
 * so this is the one list; settings.test.ts fails when it and the README table drift apart.
 */
export const SANDBOX_SETTINGS = [
  'SANDBOX_DATA_DIR',
  'SANDBOX_TLS_DIR',
  'SANDBOX_STORAGE',
  'SANDBOX_HOSTNAMES',
  'SANDBOX_PASSWORD_HASH',
  'SANDBOX_PROFILE',
  'SANDBOX_SEED_FILE',
  'SANDBOX_ADMIN_API',
  'LOG_LEVEL',
  'LOG_FORMAT',
  'IDP_LISTEN_HOST',
  'IDP_PORT',
  'IDP_ISSUER',
  'IDP_BRAND',
  'IDP_DEMO_EMAIL',
  'IDP_DEMO_PASSWORD',
  'IDP_LOGIN_MAX_FAILURES_PER_ACCOUNT',
  'IDP_LOGIN_MAX_FAILURES_PER_IP',
  'IDP_LOGIN_FAILURE_WINDOW_SECONDS',
  'IDP_CODE_MAX_FAILURES_PER_ADDRESS',
  'IDP_CODE_MAX_FAILURES_PER_IP',
  'IDP_CODE_FAILURE_WINDOW_SECONDS',
  'IDP_MFA_MAX_FAILURES',
  'IDP_MFA_LOCK_SECONDS',
  'IDP_EMAIL_CODE_RESEND_SECONDS',
  'IDP_TOTP_ENCRYPTION_KEY',
  'IDP_ADMIN_TOKEN',
  'SMTP_HOST',
  'SMTP_PORT',
  'MAIL_FROM',
  'MAILDEV_ENABLED',
  'MAILDEV_LISTEN_HOST',
  'MAILDEV_WEB_PORT',
  'PANEL_LISTEN_HOST',
  'PANEL_PORT',
  'PANEL_HOSTNAME',
  'PANEL_ROOT_PASSWORD',
  'PANEL_INI_PATH',
  'PANEL_RELINK_ROUNDTRIP',
  'PANEL_IDP_LOGOUT',
  'PANEL_LOGIN_MAX_FAILURES_PER_USER',
  'PANEL_LOGIN_MAX_FAILURES_PER_IP',
  'PANEL_LOGIN_FAILURE_WINDOW_SECONDS',
  'PANEL_TFA_MAX_FAILURES',
  'PANEL_TFA_LOCK_SECONDS',
  'PANEL_TFA_MAX_FAILURES_PER_IP',
  'PANEL_IDP_CONNECT_TO',
  'WEBPROS_CLIENT_ID',
  'WEBPROS_CLIENT_SECRET',
] as const;

/** Names with these prefixes are meant as settings; anything else in `env` is the caller's own. */
const SETTING_PREFIXES = ['IDP_', 'PANEL_', 'SANDBOX_', 'MAILDEV_', 'SMTP_', 'LOG_', 'WEBPROS_'];

/** Levenshtein distance: how many single-character edits turn `a` into `b`. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const row = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      row.push(Math.min((previous[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, substitution));
    }
    previous = row;
  }
  return previous[b.length] ?? 0;
}

/** The known setting nearest to `name`. */
export function closestSetting(name: string): string {
  let best: string = SANDBOX_SETTINGS[0];
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const known of SANDBOX_SETTINGS) {
    const distance = editDistance(name, known);
    if (distance < bestDistance) {
      best = known;
      bestDistance = distance;
    }
  }
  return best;
}

/**
 * Refuses a key of `env` that looks like a setting but is none (a typo such as IDP_PROT would
 * otherwise be ignored silently, and the sandbox start with the default instead).
 */
export function checkSettingNames(env: Record<string, string>): void {
  const known = new Set<string>(SANDBOX_SETTINGS);
  for (const key of Object.keys(env)) {
    if (known.has(key) || !SETTING_PREFIXES.some((prefix) => key.startsWith(prefix))) continue;
    throw new ConfigError(
      `createSandbox: unknown setting ${key} in env (did you mean ${closestSetting(key)}? The settings are the main README's configuration table)`,
    );
  }
}
