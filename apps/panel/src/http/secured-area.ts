import { constantTimeEqual } from '@extauth/server-kit/crypto';
import type { Middleware } from 'koa';
import type { PanelDeps, PanelState } from '../deps.js';
import { respondWithLoginPage } from '../flows/sign-in/login-page.js';
import { routes } from './routes.js';
import { clearSessionCookie } from './session-cookie.js';

/**
 * Guards every `/cpsess…/` URL (spec §2.4): it needs a logged-in session whose security token is the
 * one in the path. Otherwise the login page is shown in place with WHM's session notice:
 * `invalid_session` (cookie unreadable), `expired_session` (no live logged-in session),
 * `token_incorrect` (live session, other token).
 */
export function guardSecuredArea(deps: PanelDeps): Middleware<PanelState> {
  return async (ctx, next) => {
    const match = routes.securedArea.exec(ctx.path);
    if (!match) return next();
    const lookup = ctx.state.sessionLookup;
    const providerId = 'webpros';
    if (lookup.status === 'malformed') {
      clearSessionCookie(ctx);
      return respondWithLoginPage(ctx, deps, {
        status: 401,
        notice: { type: 'msg_code', code: 'invalid_session', providerId },
      });
    }
    if (lookup.status !== 'active' || lookup.session.username === null) {
      if (lookup.status === 'expired') clearSessionCookie(ctx);
      return respondWithLoginPage(ctx, deps, {
        status: 401,
        notice: { type: 'msg_code', code: 'expired_session', providerId },
      });
    }
    const token = match[1] ?? '';
    if (!/^\d{10}$/.test(token) || !constantTimeEqual(token, lookup.session.securityToken)) {
      return respondWithLoginPage(ctx, deps, {
        status: 401,
        notice: { type: 'msg_code', code: 'token_incorrect', providerId },
      });
    }
    return next();
  };
}
