import { constantTimeEqual } from '@extauth/server-kit/crypto';
import { describePanelNotice } from '@extauth/shared/panel-notices';
import type { Middleware } from 'koa';
import type { PanelContext, PanelDeps, PanelState } from '../deps.js';
import { respondWithLoginPage } from '../flows/sign-in/login-page.js';
import { routes } from './routes.js';
import { clearSessionCookie } from './session-cookie.js';

/** An API call under the token prefix gets the §8 envelope, never the login page. */
function refuseApiCall(
  ctx: PanelContext,
  code: 'invalid_session' | 'expired_session' | 'token_missing' | 'token_incorrect',
): void {
  const command = /\/json-api\/([^/]*)$/.exec(ctx.path)?.[1] ?? '';
  ctx.status = 401;
  ctx.type = 'application/json';
  ctx.body = {
    metadata: { command, reason: describePanelNotice(code, { provider: '' }).text, result: 0, version: 1 },
  };
}

/**
 * Guards every `/cpsess…/` URL (spec §2.4): it needs a logged-in session whose security token is the
 * one in the path. Otherwise the login page is shown in place with WHM's session notice:
 * `invalid_session` (cookie unreadable), `expired_session` (no live logged-in session),
 * `token_missing` (live session, no token: `/cpsess/…`, or a WHM page such as `/scripts2/…` asked
 * for without the prefix), `token_incorrect` (live session, another or malformed token).
 */
export function guardSecuredArea(deps: PanelDeps): Middleware<PanelState> {
  return async (ctx, next) => {
    const match = routes.securedArea.exec(ctx.path);
    if (!match && !routes.tokenlessSecuredPage.test(ctx.path)) return next();
    const lookup = ctx.state.sessionLookup;
    const providerId = 'webpros';
    const isApiCall = /^\/cpsess[^/]*\/json-api\//.test(ctx.path);
    if (lookup.status === 'malformed') {
      clearSessionCookie(ctx);
      if (isApiCall) return refuseApiCall(ctx, 'invalid_session');
      return respondWithLoginPage(ctx, deps, {
        status: 401,
        notice: { type: 'msg_code', code: 'invalid_session', providerId },
      });
    }
    if (lookup.status !== 'active' || lookup.session.username === null) {
      if (lookup.status === 'expired') clearSessionCookie(ctx);
      if (isApiCall) return refuseApiCall(ctx, 'expired_session');
      return respondWithLoginPage(ctx, deps, {
        status: 401,
        notice: { type: 'msg_code', code: 'expired_session', providerId },
      });
    }
    const token = match?.[1] ?? '';
    if (token === '') {
      if (isApiCall) return refuseApiCall(ctx, 'token_missing');
      return respondWithLoginPage(ctx, deps, {
        status: 401,
        notice: { type: 'msg_code', code: 'token_missing', providerId },
      });
    }
    if (!/^\d{10}$/.test(token) || !constantTimeEqual(token, lookup.session.securityToken)) {
      if (isApiCall) return refuseApiCall(ctx, 'token_incorrect');
      return respondWithLoginPage(ctx, deps, {
        status: 401,
        notice: { type: 'msg_code', code: 'token_incorrect', providerId },
      });
    }
    return next();
  };
}
