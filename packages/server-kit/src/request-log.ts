import type { Middleware } from 'koa';
import type { Logger } from './logger.js';
import { isSafeRequestId, newRequestId, runWithRequestId } from './request-context.js';

export const REQUEST_ID_HEADER = 'X-Request-Id';

/**
 * The first middleware of an app: gives the request an id (the client's `X-Request-Id` when it is
 * a short safe token, else a new one), echoes it, runs the rest of the app under it so every log
 * line carries it, and writes one info line when the response is ready: method, path (never the
 * query string), status and duration. Paths for which `quiet` says so (health probes) get a debug
 * line instead.
 */
export function requestLog(options: { logger: Logger; quiet?: (path: string) => boolean }): Middleware {
  return (ctx, next) => {
    const offered = ctx.get(REQUEST_ID_HEADER) || undefined;
    const requestId = isSafeRequestId(offered) ? offered : newRequestId();
    ctx.set(REQUEST_ID_HEADER, requestId);
    const started = performance.now();
    return runWithRequestId(requestId, async () => {
      let failed = false;
      try {
        await next();
      } catch (err) {
        failed = true;
        throw err;
      } finally {
        const line = {
          method: ctx.method,
          path: ctx.path,
          status: failed ? 500 : ctx.status,
          durationMs: Math.round((performance.now() - started) * 10) / 10,
        };
        if (options.quiet?.(ctx.path)) options.logger.debug?.('request', line);
        else options.logger.info('request', line);
      }
    });
  };
}
