import type { Middleware } from 'koa';

export const HEALTH_PATHS = Object.freeze({ live: '/healthz', ready: '/readyz' });

export type Readiness = { ready: true } | { ready: false; reason: string };

/** One readiness check: resolves to a reason when it is not ready, undefined when it is. */
export type ReadinessCheck = () => Promise<string | undefined> | string | undefined;

export const isHealthPath = (path: string): boolean => path === HEALTH_PATHS.live || path === HEALTH_PATHS.ready;

/** Runs the checks in order and stops at the first that is not ready; a check that throws is not ready. */
export async function checkReadiness(checks: readonly ReadinessCheck[]): Promise<Readiness> {
  for (const check of checks) {
    try {
      const reason = await check();
      if (reason !== undefined) return { ready: false, reason };
    } catch (err) {
      return { ready: false, reason: err instanceof Error ? err.message : String(err) };
    }
  }
  return { ready: true };
}

/**
 * `/healthz` (the process answers: 200 `{"status":"ok"}`) and `/readyz` (200 when every check
 * passes, else 503 `{"status":"unavailable","reason":…}`), answered before any session, CSRF or
 * routing middleware, for GET and HEAD only and never cached.
 */
export function healthEndpoints(checks: readonly ReadinessCheck[]): Middleware {
  return async (ctx, next) => {
    if (!isHealthPath(ctx.path) || (ctx.method !== 'GET' && ctx.method !== 'HEAD')) return next();
    ctx.set('Cache-Control', 'no-store');
    ctx.type = 'application/json';
    if (ctx.path === HEALTH_PATHS.live) {
      ctx.body = { status: 'ok' };
      return;
    }
    const readiness = await checkReadiness(checks);
    ctx.status = readiness.ready ? 200 : 503;
    ctx.body = readiness.ready ? { status: 'ok' } : { status: 'unavailable', reason: readiness.reason };
  };
}

/** A check's result kept for `ttlMs`, so probes every second do not each cost a network round trip. */
export function cachedCheck(check: ReadinessCheck, ttlMs: number, now: () => number = Date.now): ReadinessCheck {
  let cached: { at: number; result: Promise<string | undefined> } | undefined;
  return () => {
    const t = now();
    if (!cached || t - cached.at >= ttlMs) {
      const result = Promise.resolve()
        .then(check)
        .catch((err: unknown) => (err instanceof Error ? err.message : String(err)));
      cached = { at: t, result };
    }
    return cached.result;
  };
}

/** Readiness of a SQLite database: it answers `SELECT 1`. */
export function storageAnswers(db: { prepare(sql: string): { get(): unknown } }): ReadinessCheck {
  return () => {
    try {
      db.prepare('SELECT 1').get();
      return undefined;
    } catch (err) {
      return `storage does not answer (${err instanceof Error ? err.message : String(err)})`;
    }
  };
}
