import { timingSafeEqual } from 'node:crypto';
import { sha256Hex } from '@extauth/server-kit/crypto';
import { AppError } from '@extauth/server-kit/errors';
import type { Logger } from '@extauth/server-kit/logger';
import type { Context, Middleware } from 'koa';
import type { z } from 'zod';

/** The admin API's own routes; every path starts with this. */
export const ADMIN_PREFIX = '/admin';

export const adminError = (status: number, error: string, description: string) =>
  new AppError(error, description, { status, expose: true });

/** `Authorization: Bearer TOKEN`, compared through SHA-256 digests so neither length nor content leaks. */
export function requireAdminToken(token: string): Middleware {
  const expected = Buffer.from(sha256Hex(token), 'hex');
  return async (ctx, next) => {
    const given = /^Bearer\s+(\S+)$/i.exec(ctx.get('authorization'))?.[1];
    if (!given || !timingSafeEqual(Buffer.from(sha256Hex(given), 'hex'), expected)) {
      ctx.set('WWW-Authenticate', 'Bearer realm="extauth-sandbox admin"');
      throw adminError(401, 'unauthorized', 'This needs the admin token: Authorization: Bearer <IDP_ADMIN_TOKEN>.');
    }
    await next();
  };
}

/**
 * JSON errors for the admin API, whatever the client accepts: `{ error, error_description }`.
 * Plumbing errors (a body that is not JSON, too large) keep their 4xx status; anything unexpected
 * is logged and answered as 500 without details.
 */
export function adminErrors(logger: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      let status = 500;
      let error = 'server_error';
      let description = 'The admin request failed; the error was logged.';
      if (err instanceof AppError) {
        status = err.status;
        error = err.code;
        description = err.expose ? err.message : description;
        ctx.set(err.headers);
      } else if (typeof (err as { status?: unknown }).status === 'number' && (err as { status: number }).status < 502) {
        // koa-router answers 501 for a method no route knows: for this API that is a 405 too.
        const raw = (err as { status: number }).status;
        status = raw === 501 ? 405 : raw;
        error = status === 405 ? 'method_not_allowed' : 'invalid_request';
        description =
          status === 405
            ? 'This method is not allowed here (see ADMIN-API.md).'
            : status === 413
              ? 'The request body is too large.'
              : 'The request body must be valid JSON.';
      } else {
        logger.error('admin request failed', { err, path: ctx.path, method: ctx.method });
      }
      ctx.status = status;
      ctx.type = 'application/json';
      ctx.body = { error, error_description: description };
    }
  };
}

/** The zod-checked value, or a 400 naming each bad field. */
export function parseOrReject<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`);
  throw adminError(400, 'invalid_request', problems.join('; '));
}

export function reply(ctx: Context, status: number, body?: object): void {
  ctx.status = status;
  ctx.set('Cache-Control', 'no-store');
  if (body !== undefined) ctx.body = body;
}
