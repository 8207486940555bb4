import type { Context, Middleware } from 'koa';
import type { Provider } from 'oidc-provider';
import { requireInteraction } from './interaction.js';

/**
 * Guard for self-service pages that exist both directly and inside an interaction: under
 * `/interaction/:uid/…` the login step of that interaction must be pending.
 */
export function optionalInteraction(provider: Provider): Middleware {
  const inside = requireInteraction(provider, 'login');
  return (ctx, next) => (typeof ctx.params?.uid === 'string' ? inside(ctx, next) : next());
}

/** The interaction this page belongs to, or undefined for the direct pages. */
export function uidOf(ctx: Context): string | undefined {
  return typeof ctx.params?.uid === 'string' ? ctx.params.uid : undefined;
}
