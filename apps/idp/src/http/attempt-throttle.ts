import { createAttemptsInFlight } from '@extauth/server-kit/attempts-in-flight';
import type { Clock } from '@extauth/server-kit/clock';
import type { Logger } from '@extauth/server-kit/logger';
import type { Context } from 'koa';
import { type AttemptLimits, decideThrottle } from '../domain/rate-limits.js';
import { normalizeEmail } from '../store/accounts.js';
import type { RateLimitStore } from '../store/rate-limits.js';

/**
 * Failed attempts at a guessable secret, per account and per client IP (spec: rate limits). Only
 * failures count, so a CI running many successful journeys from one address is never throttled.
 * The account key is the normalised email, so an unknown address is throttled like a real one.
 * Two instances: `login` (passwords) and `code` (email codes, one-time codes, recovery codes).
 */
export type ThrottleDecision = { allowed: true } | ThrottleRefusal;

export interface ThrottleRefusal {
  allowed: false;
  message: string;
  retryAfterSeconds: number;
}

/** What `attempt` gives back: the check's result, or the refusal when a limit is reached. */
export type AttemptOutcome<T> = { allowed: true; result: T } | ThrottleRefusal;

export interface AttemptThrottle {
  /**
   * Whether an attempt from this client (and for `email`, when given) may be checked now; each
   * form answers 429 itself. A refusal is logged. For secrets checked synchronously (codes).
   */
  check(ctx: Context, email?: string): ThrottleDecision;
  /** Counts a failure against this client, and against `email` when given. */
  recordFailure(ctx: Context, email?: string): void;
  /**
   * Runs the asynchronous check of a secret (a password: scrypt runs off the event loop) within
   * the limits. The attempt is counted as a failure before `run` starts, in the same synchronous
   * step as the limit check (better-sqlite3 writes synchronously): with the failure written only
   * after the check, a burst of parallel requests would all pass the check before the first
   * failure was recorded. A result `isRight` accepts (the secret was right) takes that count back.
   * A counter full only because of checks still running is not a reached limit yet: the attempt
   * waits for them to end and decides again, so a burst of right passwords is never refused.
   */
  attempt<T>(
    ctx: Context,
    email: string,
    run: () => Promise<T>,
    isRight: (result: T) => boolean,
  ): Promise<AttemptOutcome<T>>;
  /** `check` for the login form's guard: waits, like `attempt`, for the checks in flight first. */
  checkSettled(ctx: Context, email?: string): Promise<ThrottleDecision>;
  /** A success clears the account's count (never the client's: that counts failures only). */
  recordSuccess(email: string): void;
}

/** The one log line of every attempt refused by a limit (these throttles, and the MFA lock). */
export function logThrottled(
  logger: Logger,
  ctx: Context,
  refusal: { attempts: 'login' | 'code' | 'mfa'; limit: 'account' | 'ip'; retryAfterSeconds: number },
): void {
  logger.warn('attempts throttled', { ...refusal, ip: ctx.ip });
}

interface Counter {
  scope: 'account' | 'ip';
  bucket: string;
  key: string;
  max: number;
  message: string;
}

/** A counter found full, with what its refusal says. */
type Full = Counter & { retryAfterSeconds: number };

export function createAttemptThrottle(deps: {
  /** Names the buckets (`<kind>_account`, `<kind>_ip`) and the log line. */
  kind: 'login' | 'code';
  rateLimits: RateLimitStore;
  clock: Clock;
  logger: Logger;
  limits: AttemptLimits;
  messages: { account: string; ip: string };
}): AttemptThrottle {
  const { rateLimits, limits, kind } = deps;
  const windowMs = limits.windowSeconds * 1000;
  const accountBucket = `${kind}_account`;
  const ipBucket = `${kind}_ip`;
  const inFlight = createAttemptsInFlight();
  const idOf = (counter: Counter) => `${counter.bucket}\n${counter.key}`;

  const countersOf = (ctx: Context, email?: string): Counter[] => [
    { scope: 'ip', bucket: ipBucket, key: ctx.ip, max: limits.failuresPerIp, message: deps.messages.ip },
    ...(email
      ? [
          {
            scope: 'account' as const,
            bucket: accountBucket,
            key: normalizeEmail(email),
            max: limits.failuresPerAccount,
            message: deps.messages.account,
          },
        ]
      : []),
  ];

  const firstFull = (counters: Counter[]): Full | undefined => {
    const now = deps.clock.now().getTime();
    for (const counter of counters) {
      const window = rateLimits.findFailures(counter.bucket, counter.key, now, windowMs);
      const decision = decideThrottle(window, counter.max, limits.windowSeconds, now);
      if (!decision.allowed) return { ...counter, retryAfterSeconds: decision.retryAfterSeconds };
    }
    return undefined;
  };

  const refuse = (ctx: Context, full: Full): ThrottleRefusal => {
    logThrottled(deps.logger, ctx, { attempts: kind, limit: full.scope, retryAfterSeconds: full.retryAfterSeconds });
    return { allowed: false, message: full.message, retryAfterSeconds: full.retryAfterSeconds };
  };

  /** The first full counter that no running check can free, or undefined when none is full. */
  const fullWhenSettled = async (counters: Counter[]): Promise<Full | undefined> => {
    for (;;) {
      const full = firstFull(counters);
      const running = full && inFlight.nextEnd(idOf(full));
      if (!running) return full;
      await running;
    }
  };

  const check = (ctx: Context, email?: string): ThrottleDecision => {
    const full = firstFull(countersOf(ctx, email));
    return full ? refuse(ctx, full) : { allowed: true };
  };

  const recordFailure = (ctx: Context, email?: string) => {
    const now = deps.clock.now().getTime();
    return countersOf(ctx, email).map((counter) => ({
      counter,
      window: rateLimits.recordFailure(counter.bucket, counter.key, now, windowMs),
    }));
  };

  return {
    check,
    recordFailure: (ctx, email) => {
      recordFailure(ctx, email);
    },
    attempt: async (ctx, email, run, isRight) => {
      const counters = countersOf(ctx, email);
      // Not `fullWhenSettled`: awaiting its answer would let other requests be counted between
      // the last look at the counters and this attempt's own count.
      for (;;) {
        const full = firstFull(counters);
        if (!full) break;
        const running = inFlight.nextEnd(idOf(full));
        if (!running) return refuse(ctx, full);
        await running;
      }
      const counted = recordFailure(ctx, email);
      const end = inFlight.begin(counters.map(idOf));
      try {
        const result = await run();
        if (isRight(result)) {
          for (const { counter, window } of counted) {
            rateLimits.releaseFailure(counter.bucket, counter.key, window.windowStartedAt);
          }
        }
        return { allowed: true, result };
      } finally {
        // A check that threw stays counted; either way, attempts waiting on it decide again.
        end();
      }
    },
    checkSettled: async (ctx, email) => {
      const full = await fullWhenSettled(countersOf(ctx, email));
      return full ? refuse(ctx, full) : { allowed: true };
    },
    recordSuccess: (email) => rateLimits.clearFailures(accountBucket, normalizeEmail(email)),
  };
}
