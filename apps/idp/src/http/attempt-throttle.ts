import type { Clock } from '@extauth/server-kit/clock';
import { idpMessages } from '@extauth/shared/idp-messages';
import type { Context } from 'koa';
import { decideThrottle, type LoginLimits } from '../domain/rate-limits.js';
import { normalizeEmail } from '../store/accounts.js';
import type { RateLimitStore } from '../store/rate-limits.js';

const ACCOUNT_BUCKET = 'login_account';
const IP_BUCKET = 'login_ip';

/**
 * Failed password attempts, per account and per client IP (spec: rate limits). Only failures
 * count, so a CI running many successful journeys from one address is never throttled. The
 * account key is the normalised email, so an unknown address is throttled like a real one.
 */
export type LoginThrottleDecision = { allowed: true } | { allowed: false; message: string; retryAfterSeconds: number };

export interface LoginThrottle {
  /** Whether a password attempt for `email` from this client may be checked now (each form answers 429 itself). */
  check(ctx: Context, email: string): LoginThrottleDecision;
  recordFailure(ctx: Context, email: string): void;
  recordSuccess(email: string): void;
}

export function createLoginThrottle(deps: {
  rateLimits: RateLimitStore;
  clock: Clock;
  limits: LoginLimits;
}): LoginThrottle {
  const { rateLimits, limits } = deps;
  const windowMs = limits.windowSeconds * 1000;

  const check = (ctx: Context, email: string): LoginThrottleDecision => {
    const now = deps.clock.now().getTime();
    const limitsToCheck = [
      { bucket: IP_BUCKET, key: ctx.ip, max: limits.failuresPerIp, message: idpMessages.login_throttled_ip },
      ...(email
        ? [
            {
              bucket: ACCOUNT_BUCKET,
              key: normalizeEmail(email),
              max: limits.failuresPerAccount,
              message: idpMessages.login_throttled_account,
            },
          ]
        : []),
    ];
    for (const limit of limitsToCheck) {
      const window = rateLimits.findFailures(limit.bucket, limit.key, now, windowMs);
      const decision = decideThrottle(window, limit.max, limits.windowSeconds, now);
      if (!decision.allowed) {
        return { allowed: false, message: limit.message, retryAfterSeconds: decision.retryAfterSeconds };
      }
    }
    return { allowed: true };
  };

  return {
    check,
    recordFailure: (ctx, email) => {
      const now = deps.clock.now().getTime();
      rateLimits.recordFailure(IP_BUCKET, ctx.ip, now, windowMs);
      rateLimits.recordFailure(ACCOUNT_BUCKET, normalizeEmail(email), now, windowMs);
    },
    recordSuccess: (email) => rateLimits.clearFailures(ACCOUNT_BUCKET, normalizeEmail(email)),
  };
}
