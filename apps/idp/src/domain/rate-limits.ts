/** An attempt throttle's limits (spec: per account and per client IP, failures only, configurable). */
export interface AttemptLimits {
  failuresPerAccount: number;
  failuresPerIp: number;
  windowSeconds: number;
}

export type ThrottleDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** Blocked once a window holds `max` failures, until that window ends. */
export function decideThrottle(
  window: { failures: number; windowStartedAt: number } | undefined,
  max: number,
  windowSeconds: number,
  nowMs: number,
): ThrottleDecision {
  if (!window || window.failures < max) return { allowed: true };
  const endsAt = window.windowStartedAt + windowSeconds * 1000;
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((endsAt - nowMs) / 1000)) };
}
