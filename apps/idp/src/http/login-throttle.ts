import type { Clock } from '@extauth/server-kit/clock';
import { AppError } from '@extauth/server-kit/errors';
import { idpMessages } from '@extauth/shared/idp-messages';
import type { Context, Middleware } from 'koa';
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
export interface LoginThrottle {
  /** Guard (after the body parser): 429 with Retry-After while either counter is full. */
  guard: Middleware;
  /** For checks outside a login form (the current password on the account page). */
  assertAllowed(ctx: Context, email: string): void;
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

  const assertAllowed = (ctx: Context, email: string) => {
    const now = deps.clock.now().getTime();
    const checks = [
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
    for (const check of checks) {
      const window = rateLimits.findFailures(check.bucket, check.key, now, windowMs);
      const decision = decideThrottle(window, check.max, limits.windowSeconds, now);
      if (!decision.allowed) {
        throw new AppError('login_throttled', check.message, {
          status: 429,
          headers: { 'Retry-After': String(decision.retryAfterSeconds) },
        });
      }
    }
  };

  return {
    guard: async (ctx, next) => {
      const body = ctx.request.body as Record<string, unknown> | undefined;
      assertAllowed(ctx, typeof body?.email === 'string' ? body.email : '');
      await next();
    },
    assertAllowed,
    recordFailure: (ctx, email) => {
      const now = deps.clock.now().getTime();
      rateLimits.recordFailure(IP_BUCKET, ctx.ip, now, windowMs);
      rateLimits.recordFailure(ACCOUNT_BUCKET, normalizeEmail(email), now, windowMs);
    },
    recordSuccess: (email) => rateLimits.clearFailures(ACCOUNT_BUCKET, normalizeEmail(email)),
  };
}
