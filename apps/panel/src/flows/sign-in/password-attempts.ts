import { type AttemptsInFlight, createAttemptsInFlight } from '@extauth/server-kit/attempts-in-flight';
import type { PanelDeps } from '../../deps.js';
import type { LoginFailureScope, LoginFailureStore } from '../../store/login-failures.store.js';
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

/** Checks in flight per failure counter, per store (one process owns its database). */
const inFlightByStore = new WeakMap<LoginFailureStore, AttemptsInFlight>();

function inFlightOf(store: LoginFailureStore): AttemptsInFlight {
  let inFlight = inFlightByStore.get(store);
  if (!inFlight) {
    inFlight = createAttemptsInFlight();
    inFlightByStore.set(store, inFlight);
  }
  return inFlight;
}

/**
 * The one check of a WHM password, for the login form (with or without a pending link) and API
 * Basic auth: a cPHulk-like sliding window of failures per user name and per client address
 * (DESIGN: every guessable secret has an attempt limit). While a limit is reached the password is
 * not even checked, and the refusal is not counted, so Retry-After stays true. A success clears the
 * user name's failures, never the address's: an attacker with one valid account must not be able
 * to reset the count of the address it guesses from.
 *
 * The attempt is counted as a failure before its password is checked, in the same synchronous
 * step as the limit check (better-sqlite3 writes synchronously): scrypt runs off the event loop,
 * so with the failure written only after it, a burst of parallel requests would all pass the check
 * before the first failure was recorded. A right password takes its count back. A counter full
 * only because of checks still running is not a reached limit yet: the attempt waits for them to
 * end and decides again, so a burst of right passwords is never refused.
 */
export async function verifyPasswordWithinLimits(deps: Deps, attempt: PasswordAttempt): Promise<LimitedPasswordCheck> {
  const { maxFailuresPerUser, maxFailuresPerIp } = deps.config.loginFailureLimit;
  const counters = [
    { scope: 'user' as const, key: userKey(attempt.username), max: maxFailuresPerUser },
    { scope: 'ip' as const, key: attempt.clientIp, max: maxFailuresPerIp },
  ];
  const inFlight = inFlightOf(deps.loginFailures);
  const idOf = (counter: { scope: LoginFailureScope; key: string }) => `${counter.scope}\n${counter.key}`;
  const logFields = { username: attempt.username.slice(0, 255), ip: attempt.clientIp, via: attempt.via };
  let nowMs: number;
  for (;;) {
    nowMs = deps.clock.now().getTime();
    const at = nowMs;
    const full = counters
      .map((counter) => ({ counter, until: blockedUntil(deps, counter.scope, counter.key, counter.max, at) ?? 0 }))
      .filter((blocked) => blocked.until > at);
    if (full.length === 0) break;
    // Wait only while every full counter may yet be freed by a check still running.
    const running = full.map((blocked) => inFlight.nextEnd(idOf(blocked.counter)));
    const firstRunning = running.every((end) => end !== undefined) ? running[0] : undefined;
    if (!firstRunning) {
      const until = Math.max(...full.map((blocked) => blocked.until));
      const retryAfterSeconds = Math.max(1, Math.ceil((until - nowMs) / 1000));
      deps.logger.warn('login refused: too many failed attempts', { ...logFields, retryAfterSeconds });
      return { ok: false, error: 'too_many_failures', retryAfterSeconds };
    }
    await firstRunning;
  }
  // Nothing awaited since the last look at the counters: no other attempt was counted in between.
  const counted = counters.map((counter) => deps.loginFailures.recordFailure(counter.scope, counter.key, nowMs));
  const end = inFlight.begin(counters.map(idOf));
  try {
    const checked = await verifyLocalPassword(deps, attempt.username, attempt.password);
    if (checked.ok) {
      deps.loginFailures.clearFailures('user', userKey(attempt.username));
      for (const failure of counted) deps.loginFailures.removeFailure(failure);
      return checked;
    }
    deps.logger.warn('login failed: wrong password', logFields);
    return checked;
  } finally {
    // A check that threw stays counted; either way, attempts waiting on it decide again.
    end();
  }
}
