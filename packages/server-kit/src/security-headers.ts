import type { Middleware } from 'koa';

/** Scripts and styles come only from our own origin. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/** The headers every answer carries besides the policy (also those Node writes itself: https-server). */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
});

/**
 * Headers every page of both apps carries.
 * No HSTS: it is per host, not per port, and would force the plain-HTTP mail catcher on localhost
 * onto HTTPS in the user's browser.
 * `presetCsp`: set the policy before the handler runs and keep what the handler makes of it.
 * oidc-provider needs this: its form_post response appends the hash of its one inline script to an
 * existing `script-src` (lib/helpers/script_src_sha.js); a policy set afterwards would block it.
 */
export function securityHeaders(options: { presetCsp?: boolean } = {}): Middleware {
  return async (ctx, next) => {
    if (options.presetCsp) ctx.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    await next();
    if (!options.presetCsp) ctx.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    ctx.set(SECURITY_HEADERS);
    if (ctx.type?.startsWith('text/html') && !ctx.response.get('Cache-Control')) ctx.set('Cache-Control', 'no-store');
  };
}
