import { type Db, expiredRowsTask, type SweepTask } from '@extauth/server-kit/sqlite';

/**
 * Kept a day past expiry so that a late try still hears "This code has expired" (EXPIRED), not
 * "already used or replaced" (NO_CODE), which is what a missing row answers.
 */
export const EXPIRED_EMAIL_CODE_KEPT_MS = 24 * 60 * 60 * 1000;
/** Failure counters are kept this long past the configured window's start, or the window if longer. */
export const RATE_LIMIT_WINDOW_KEPT_MS = 24 * 60 * 60 * 1000;

/**
 * Every IdP table whose rows expire, and when a row is gone for good. oidc-provider's artefacts
 * run on real time (`nowMs`), the sandbox's own rules on its adjustable clock (`clockMs`): each row
 * is judged by the clock that wrote its expiry. A row the app already treats as absent is deleted;
 * nothing here changes what any page or endpoint answers. The admin API can move the sandbox clock
 * forward and back again, so its rows are judged by the earlier of the two clocks: a row that is
 * expired only because a test moved the clock ahead is kept, and is live again when the clock is
 * put back.
 */
export function idpExpiredRowTasks(
  db: Db,
  options: { nowMs: () => number; clockMs: () => number; rateLimitWindowMs: number },
): SweepTask[] {
  const { nowMs } = options;
  const clockMs = () => Math.min(options.clockMs(), nowMs());
  const rateLimitKeptMs = Math.max(options.rateLimitWindowMs, RATE_LIMIT_WINDOW_KEPT_MS);
  const byExpiry = (table: string, now: () => number) =>
    expiredRowsTask(db, { name: table, table, expired: 'expires_at <= @now', now });
  return [
    expiredRowsTask(db, {
      name: 'oidc_models',
      table: 'oidc_models',
      expired: 'expires_at IS NOT NULL AND expires_at <= @now',
      now: nowMs,
    }),
    expiredRowsTask(db, {
      name: 'email_codes',
      table: 'email_codes',
      expired: 'expires_at <= @now',
      now: () => clockMs() - EXPIRED_EMAIL_CODE_KEPT_MS,
    }),
    byExpiry('password_reset_tickets', clockMs),
    byExpiry('account_sessions', clockMs),
    byExpiry('mfa_enrollment_links', clockMs),
    byExpiry('mfa_flows', clockMs),
    byExpiry('trusted_sites', clockMs),
    expiredRowsTask(db, {
      name: 'rate_limits',
      table: 'rate_limits',
      expired: 'window_started_at <= @now',
      now: () => clockMs() - rateLimitKeptMs,
    }),
  ];
}
