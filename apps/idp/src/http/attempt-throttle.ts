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
export type ThrottleDecision = { allowed: true } | { allowed: false; message: string; retryAfterSeconds: number };

export interface AttemptThrottle {
  /**
   * Whether an attempt from this client (and for `email`, when given) may be checked now; each
   * form answers 429 itself. A refusal is logged.
   */
  check(ctx: Context, email?: string): ThrottleDecision;
  /** Counts a failure against this client, and against `email` when given. */
  recordFailure(ctx: Context, email?: string): void;
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

  const check = (ctx: Context, email?: string): ThrottleDecision => {
    const now = deps.clock.now().getTime();
    const limitsToCheck = [
      { scope: 'ip' as const, bucket: ipBucket, key: ctx.ip, max: limits.failuresPerIp, message: deps.messages.ip },
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
    for (const limit of limitsToCheck) {
      const window = rateLimits.findFailures(limit.bucket, limit.key, now, windowMs);
      const decision = decideThrottle(window, limit.max, limits.windowSeconds, now);
      if (!decision.allowed) {
        logThrottled(deps.logger, ctx, {
          attempts: kind,
          limit: limit.scope,
          retryAfterSeconds: decision.retryAfterSeconds,
        });
        return { allowed: false, message: limit.message, retryAfterSeconds: decision.retryAfterSeconds };
      }
    }
    return { allowed: true };
  };

  return {
    check,
    recordFailure: (ctx, email) => {
      const now = deps.clock.now().getTime();
      rateLimits.recordFailure(ipBucket, ctx.ip, now, windowMs);
      if (email) rateLimits.recordFailure(accountBucket, normalizeEmail(email), now, windowMs);
    },
    recordSuccess: (email) => rateLimits.clearFailures(accountBucket, normalizeEmail(email)),
  };
}
