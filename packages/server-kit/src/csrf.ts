import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Middleware } from 'koa';
import { AppError } from './errors.js';

export const CSRF_FIELD = '_csrf';
const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Synchroniser tokens bound to a per-browser cookie: the form token is an HMAC of the cookie's
 * random value, so a page on another origin can neither read nor forge it.
 */
export function createCsrf(options: { cookieName: string; secret: string }) {
  const mac = (value: string) => createHmac('sha256', options.secret).update(value).digest('base64url');

  /** Makes sure the browser has the CSRF cookie and exposes the form token as `ctx.state.csrfToken`. */
  const issue: Middleware = async (ctx, next) => {
    let value = ctx.cookies.get(options.cookieName);
    if (!value || !/^[A-Za-z0-9_-]{43}$/.test(value)) {
      value = randomBytes(32).toString('base64url');
      ctx.cookies.set(options.cookieName, value, {
        httpOnly: true,
        secure: true,
        sameSite: 'lax',
        path: '/',
        signed: false,
        overwrite: true,
      });
    }
    ctx.state.csrfToken = mac(value);
    await next();
  };

  /** Refuses an unsafe request whose body does not carry the token (run after the body parser). */
  const require: Middleware = async (ctx, next) => {
    if (UNSAFE_METHODS.has(ctx.method)) {
      const cookie = ctx.cookies.get(options.cookieName);
      const body = (ctx.request as { body?: unknown }).body;
      const sent = body && typeof body === 'object' ? (body as Record<string, unknown>)[CSRF_FIELD] : undefined;
      const expected = cookie ? Buffer.from(mac(cookie)) : undefined;
      const given = typeof sent === 'string' ? Buffer.from(sent) : undefined;
      if (!expected || !given || expected.length !== given.length || !timingSafeEqual(expected, given)) {
        throw new AppError(
          'csrf_failed',
          'This form has expired or was sent from another page. Go back, reload the page and try again.',
          { status: 403 },
        );
      }
    }
    await next();
  };

  return { issue, require };
}
