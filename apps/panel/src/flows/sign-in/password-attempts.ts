import type { PanelDeps } from '../../deps.js';
import type { LoginFailureScope } from '../../store/login-failures.store.js';
import { type PasswordCheck, verifyLocalPassword } from './sign-in.js';

/** Where a password came from, for the log. */
export type PasswordChannel = 'login_form' | 'json_api';

export type LimitedPasswordCheck = PasswordCheck | { ok: false; error: 'too_many_failures'; retryAfterSeconds: number };

export interface PasswordAttempt {
  username: string;
  password: string;
  clientIp: string;
  via: PasswordChannel;
}

type Deps = Pick<PanelDeps, 'users' | 'hashParams' | 'loginFailures' | 'clock' | 'logger' | 'config'>;

/** User names are case-insensitive in WHM; the key is bounded so a huge Basic header cannot bloat storage. */
const userKey = (username: string) => username.toLowerCase().slice(0, 255);

/**
 * When the key may try again: undefined while it has fewer than `max` failures in the login
 * limit's window, else the moment its oldest failure that still counts against the limit leaves
 * the window. Also the 2FA prompt's limit per client address (`tfa_ip`).
 */
export function blockedUntil(
  deps: Pick<PanelDeps, 'loginFailures' | 'config'>,
  scope: LoginFailureScope,
  key: string,
  max: number,
  nowMs: number,
): number | undefined {
  const windowMs = deps.config.loginFailureLimit.windowSeconds * 1000;
  const since = nowMs - windowMs;
  const count = deps.loginFailures.countFailuresSince(scope, key, since);
  if (count < max) return undefined;
  const freeing = deps.loginFailures.nthFailureSince(scope, key, since, count - max);
  return (freeing ?? nowMs) + windowMs;
}

/**
 * The one check of a WHM password, for the login form (with or without a pending link) and API
 * Basic auth: a cPHulk-like sliding window of failures per user name and per client address
 * (DESIGN: every guessable secret has an attempt limit). While a limit is reached the password is
 * not even checked, and the refusal is not counted, so Retry-After stays true. A success clears the
 * user name's failures, never the address's: an attacker with one valid account must not be able
 * to reset the count of the address it guesses from.
 */
export async function verifyPasswordWithinLimits(deps: Deps, attempt: PasswordAttempt): Promise<LimitedPasswordCheck> {
  const { maxFailuresPerUser, maxFailuresPerIp } = deps.config.loginFailureLimit;
  const nowMs = deps.clock.now().getTime();
  const user = userKey(attempt.username);
  const until = Math.max(
    blockedUntil(deps, 'user', user, maxFailuresPerUser, nowMs) ?? 0,
    blockedUntil(deps, 'ip', attempt.clientIp, maxFailuresPerIp, nowMs) ?? 0,
  );
  const logFields = { username: attempt.username.slice(0, 255), ip: attempt.clientIp, via: attempt.via };
  if (until > nowMs) {
    const retryAfterSeconds = Math.max(1, Math.ceil((until - nowMs) / 1000));
    deps.logger.warn('login refused: too many failed attempts', { ...logFields, retryAfterSeconds });
    return { ok: false, error: 'too_many_failures', retryAfterSeconds };
  }
  const checked = await verifyLocalPassword(deps, attempt.username, attempt.password);
  if (checked.ok) {
    deps.loginFailures.clearFailures('user', user);
    return checked;
  }
  deps.loginFailures.recordFailure('user', user, nowMs);
  deps.loginFailures.recordFailure('ip', attempt.clientIp, nowMs);
  deps.logger.warn('login failed: wrong password', logFields);
  return checked;
}
