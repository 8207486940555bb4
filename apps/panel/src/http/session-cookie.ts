import type { Middleware } from 'koa';
import type { PanelContext, PanelDeps, PanelState } from '../deps.js';
import type { Session } from '../sessions/session-manager.js';

/** WHM's session cookie name (§2.4). */
export const SESSION_COOKIE = 'whostmgrsession';

/**
 * SameSite=Lax, not Strict: the IdP's redirect back to the callback is a cross-site top-level GET
 * that must carry the pre-auth session (spec §13.10). No Max-Age: the server enforces idle expiry.
 */
export function setSessionCookie(ctx: PanelContext, session: Session): void {
  ctx.cookies.set(SESSION_COOKIE, session.id, {
    httpOnly: true,
    secure: true,
    sameSite: 'lax',
    path: '/',
    signed: false,
    overwrite: true,
  });
}

export function clearSessionCookie(ctx: PanelContext): void {
  ctx.cookies.set(SESSION_COOKIE, '', {
    httpOnly: true,
    secure: true,
    sameSite: 'lax',
    path: '/',
    signed: false,
    overwrite: true,
    expires: new Date(0),
  });
}

/** Looks the cookie's session up once per request. */
export function loadSession(deps: PanelDeps): Middleware<PanelState> {
  return async (ctx, next) => {
    ctx.state.sessionLookup = deps.sessions.loadSession(ctx.cookies.get(SESSION_COOKIE));
    await next();
  };
}

export function currentSession(ctx: PanelContext): Session | undefined {
  const lookup = ctx.state.sessionLookup;
  return lookup.status === 'active' ? lookup.session : undefined;
}

/** The session of a logged-in user (not pre-auth). */
export function authenticatedSession(ctx: PanelContext): (Session & { username: string }) | undefined {
  const session = currentSession(ctx);
  return session && session.username !== null ? (session as Session & { username: string }) : undefined;
}
