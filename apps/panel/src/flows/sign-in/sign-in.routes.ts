import type { createCsrf } from '@extauth/server-kit/csrf';
import { parseForm } from '@extauth/server-kit/forms';
import type Router from '@koa/router';
import type { PanelContext, PanelDeps, PanelState } from '../../deps.js';
import { parseFormBody } from '../../http/form-encoding.js';
import { paths, routes, safeGotoUri } from '../../http/routes.js';
import { currentSession, setSessionCookie } from '../../http/session-cookie.js';
import type { ExternalAuth } from '../../sessions/session-data.js';
import { completeAccountLink } from '../account-linking/account-linking.js';
import { externalLoginStateOf } from '../oidc/external-login-state.js';
import { startSessionAfterPrimaryLogin } from '../two-factor/tfa-login.js';
import { answerAjaxLogin, isAjaxLogin, requireLoginCsrf } from './login-only.js';
import { type LoginPageNotice, respondWithLoginPage } from './login-page.js';
import { checkPostLogoutState, endPanelSession } from './logout.js';
import { verifyPasswordWithinLimits } from './password-attempts.js';
import { loginFormSchema } from './sign-in.schema.js';

const formBody = parseFormBody({ limit: '16kb' });

/**
 * Logout (§3 "GET /logout/"): ends the session and shows the login page with a success notice, or
 * first sends the browser to the IdP's logout (PANEL_IDP_LOGOUT), which returns it here.
 */
function logOut(deps: PanelDeps) {
  return async (ctx: PanelContext) => {
    checkPostLogoutState(deps, ctx);
    const idpLogout = await endPanelSession(deps, ctx);
    if (idpLogout) return ctx.redirect(idpLogout.href);
    respondWithLoginPage(ctx, deps, { status: 200, notice: { type: 'logged_out' } });
  };
}

export function registerSignInRoutes(
  router: Router<PanelState>,
  deps: PanelDeps,
  csrf: ReturnType<typeof createCsrf>,
): void {
  router.get(routes.loginPage, (ctx) => {
    const session = currentSession(ctx);
    const state = externalLoginStateOf(session);
    if (session && (state === 'logged_in' || state === 'tfa_prompt')) {
      ctx.redirect(paths.home(session.securityToken));
      return;
    }
    respondWithLoginPage(ctx, deps, { status: 200 });
  });

  // A bookmarked or reloaded form target: send the browser to the form instead of a 405.
  router.get(routes.loginSubmit, (ctx) => ctx.redirect(paths.loginPage()));

  router.post(routes.loginSubmit, formBody, requireLoginCsrf(deps, csrf), async (ctx) => {
    const ajax = isAjaxLogin(ctx);
    const refuse = (status: number, notice: LoginPageNotice, message: string, username?: string) =>
      ajax
        ? answerAjaxLogin(ctx, status, { status: 0, message })
        : respondWithLoginPage(ctx, deps, { status, notice, ...(username !== undefined ? { username } : {}) });
    const form = parseForm(loginFormSchema, ctx.request.body);
    if (!form.ok) return refuse(400, { type: 'login_message', code: 'invalid_login' }, 'invalid_login');
    const { user, pass } = form.data;
    if (!user) return refuse(400, { type: 'login_message', code: 'missing_username' }, 'missing_username');
    const checked = await verifyPasswordWithinLimits(deps, {
      username: user,
      password: pass,
      clientIp: ctx.ip,
      via: 'login_form',
    });
    if (!checked.ok && checked.error === 'too_many_failures') {
      ctx.set('Retry-After', String(checked.retryAfterSeconds));
      const notice = { type: 'too_many_failures', retryAfterSeconds: checked.retryAfterSeconds } as const;
      return refuse(429, notice, 'too_many_failures', user);
    }
    if (!checked.ok) {
      // In NEED_LINK the session keeps the link data, so the banner shows again (spec §11).
      return refuse(401, { type: 'login_message', code: 'invalid_login' }, 'invalid_login', user);
    }
    const session = currentSession(ctx);
    const pending = externalLoginStateOf(session) === 'need_link' ? session?.data.pendingLink : undefined;
    let externalAuth: ExternalAuth | undefined;
    if (session && pending) {
      const linked = await completeAccountLink(deps, pending, checked.username);
      if (!linked.ok) {
        // The stored ID token will not become valid: drop it, so the user starts the flow again.
        session.data.pendingLink = undefined;
        deps.sessions.saveSession(session);
        if (linked.error === 'openid_access_token_expired') {
          const notice = { type: 'msg_code', code: linked.error, providerId: pending.providerId } as const;
          return refuse(401, notice, linked.error, user);
        }
        const status = linked.error === 'invalid_login' ? 403 : 502;
        return refuse(status, { type: 'login_message', code: linked.error }, linked.error, user);
      }
      externalAuth = linked.externalAuth;
    }
    const gotoUri = safeGotoUri(pending?.gotoUri ?? form.data.goto_uri);
    const fresh = startSessionAfterPrimaryLogin(deps, session, { username: checked.username, gotoUri, externalAuth });
    deps.logger.info('login', {
      username: checked.username,
      method: pending ? 'password+link' : 'password',
      twoFactor: fresh.username === null ? 'required' : 'not required',
    });
    setSessionCookie(ctx, fresh);
    // Spec §13.4, the KB's step 6: after linking, the round trip may run again, now finding the new link.
    const next =
      pending && deps.config.relinkRoundTrip
        ? paths.oidcStartWithGoto(pending.providerId, gotoUri)
        : paths.securedGoto(fresh.securityToken, gotoUri);
    if (ajax) {
      return answerAjaxLogin(ctx, 200, {
        status: 1,
        security_token: paths.securityTokenPrefix(fresh.securityToken),
        redirect: next,
        notices: [],
      });
    }
    ctx.status = 303;
    ctx.redirect(next);
  });

  /**
   * Home's "Log out" is a real button: a POST inside the security-token prefix with a CSRF token,
   * answered with a redirect to `/logout/` (POST/redirect/GET). WHM's own GET forms stay for
   * fidelity (§3): `/logout/` and `/cpsess…/logout/`; at worst a foreign page ends a session there.
   */
  router.post(routes.securedLogout, formBody, csrf.require, async (ctx) => {
    const idpLogout = await endPanelSession(deps, ctx);
    ctx.status = 303;
    ctx.redirect(idpLogout?.href ?? paths.logout());
  });
  router.get(routes.logout, logOut(deps));
  router.get(routes.securedLogout, logOut(deps));
}
