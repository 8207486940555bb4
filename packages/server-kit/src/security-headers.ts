import type { Middleware } from 'koa';

/**
 * Headers every page of both apps carries; scripts and styles come only from our own origin.
 * No HSTS: it is per host, not per port, and would force the plain-HTTP mail catcher on localhost
 * onto HTTPS in the user's browser.
 */
export function securityHeaders(): Middleware {
  return async (ctx, next) => {
    await next();
    ctx.set({
      'Content-Security-Policy':
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
      'Referrer-Policy': 'no-referrer',
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
      'Cross-Origin-Opener-Policy': 'same-origin',
    });
    if (ctx.type?.startsWith('text/html') && !ctx.response.get('Cache-Control')) ctx.set('Cache-Control', 'no-store');
  };
}
