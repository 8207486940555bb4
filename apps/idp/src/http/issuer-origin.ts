import type { Middleware } from 'koa';

/**
 * oidc-provider builds every URL it advertises (discovery's endpoints, `jwks_uri`, redirects to its
 * own pages) from the request's Host header. This IdP serves one origin, the issuer's, so the
 * provider sees that host whatever a client sent: a forged Host cannot make discovery advertise
 * somebody else's token endpoint, and a client that reached the IdP by another name (an IP, a
 * container name through PANEL_IDP_CONNECT_TO) still gets the issuer's URLs.
 */
export function pinHostToIssuer(issuer: string): Middleware {
  const host = new URL(issuer).host;
  return async (ctx, next) => {
    ctx.req.headers.host = host;
    delete ctx.req.headers['x-forwarded-host'];
    await next();
  };
}
