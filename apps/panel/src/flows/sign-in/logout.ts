import { constantTimeEqual, randomToken } from '@extauth/server-kit/crypto';
import { requiresTwoFactor } from '../../accounts/two-factor.js';
import type { PanelContext, PanelDeps } from '../../deps.js';
import { paths } from '../../http/routes.js';
import { clearSessionCookie, currentSession } from '../../http/session-cookie.js';
import type { Session } from '../../sessions/session-manager.js';

/** The `state` of an RP-initiated logout in flight; only `/logout/` (where the IdP returns) reads it. */
export const LOGOUT_STATE_COOKIE = 'whm_logout_state';
const LOGOUT_STATE_TTL_SECONDS = 10 * 60;
const stateCookieOptions = { httpOnly: true, secure: true, sameSite: 'lax' as const, path: '/logout/', signed: false };

/**
 * WHM two-factor authentication allows one session per user: logging out in one window logs out
 * the others (spec §10). Without 2FA, only this session ends.
 */
function endSessions(deps: PanelDeps, session: Session): void {
  deps.sessions.destroySession(session);
  const username = session.username;
  if (username === null || !requiresTwoFactor(deps, username)) return;
  const others = deps.sessions.destroySessionsOfUser(username);
  if (others > 0) deps.logger.info('logout: two-factor user, other sessions ended', { username, sessions: others });
}

/**
 * Ends the panel session. With PANEL_IDP_LOGOUT and a session that logged in through a provider,
 * it also returns where to send the browser so the IdP ends its own session (RP-initiated logout:
 * our ID token as the hint, the registered `/logout/` address to come back to, and a fresh `state`
 * kept in a cookie). Without that setting, or if the IdP cannot be reached, only the panel session
 * ends, as in real WHM.
 */
export async function endPanelSession(deps: PanelDeps, ctx: PanelContext): Promise<URL | undefined> {
  const session = currentSession(ctx);
  const external = session?.data.externalAuth ?? session?.data.pendingTwoFactor?.externalAuth;
  if (session) endSessions(deps, session);
  clearSessionCookie(ctx);
  ctx.state.sessionLookup = { status: 'none' };
  if (!deps.config.idpLogout || !external) return undefined;
  const client = deps.providers.findProvider(external.providerId)?.client;
  if (!client) return undefined;
  const state = randomToken(24);
  const built = await deps.relyingParty.buildEndSessionUrl(client, {
    idTokenHint: external.idToken,
    postLogoutRedirectUri: `${deps.config.publicUrl}${paths.logout()}`,
    state,
  });
  if (!built.ok) {
    deps.logger.warn('logout: the IdP session could not be ended', {
      provider: external.providerId,
      detail: built.detail,
    });
    return undefined;
  }
  ctx.cookies.set(LOGOUT_STATE_COOKIE, state, {
    ...stateCookieOptions,
    maxAge: LOGOUT_STATE_TTL_SECONDS * 1000,
    overwrite: true,
  });
  return built.url;
}

/**
 * The IdP's return from RP-initiated logout: `state` must be the one this browser sent. A foreign
 * or replayed `state` is logged; the page is the same either way, since nothing is left to end.
 */
export function checkPostLogoutState(deps: PanelDeps, ctx: PanelContext): void {
  const returned = typeof ctx.query.state === 'string' ? ctx.query.state : undefined;
  const expected = ctx.cookies.get(LOGOUT_STATE_COOKIE);
  if (expected) ctx.cookies.set(LOGOUT_STATE_COOKIE, '', { ...stateCookieOptions, maxAge: 0, overwrite: true });
  if (returned === undefined) return;
  if (!expected || !constantTimeEqual(returned, expected)) {
    deps.logger.warn('logout: the IdP returned a state this browser did not send');
    return;
  }
  deps.logger.info('logout: the IdP session ended (RP-initiated logout)');
}
