import { AppError } from '@extauth/server-kit/errors';
import { WHM_SERVICES } from '@extauth/shared/contract';
import type Router from '@koa/router';
import type { PanelContext, PanelDeps, PanelState } from '../../deps.js';
import { paths, routes, safeGotoUri } from '../../http/routes.js';
import { currentSession, setSessionCookie } from '../../http/session-cookie.js';
import type { ProviderState } from '../../providers/provider-state.js';
import { respondWithLoginPage, statusForNotice } from '../sign-in/login-page.js';
import { startSessionAfterPrimaryLogin } from '../two-factor/tfa-login.js';
import { completeExternalLogin } from './callback.js';
import { type CallbackQuery, readCallbackQuery, readStartQuery } from './oidc.schema.js';
import { beginExternalLogin } from './start.js';
import { serviceNamedInState } from './whm-state.js';

/**
 * Host canonicalisation (§3): both OIDC routes work only on the panel's public host name, or the
 * pre-auth cookie would not come back with the callback. Like cpsrvd we send other hosts to the
 * canonical root, which loses the flow, but visibly.
 */
function onCanonicalHost(ctx: PanelContext, deps: PanelDeps): boolean {
  const expected = `${deps.config.publicHostname}:${deps.config.port}`.toLowerCase();
  if (ctx.host.toLowerCase() === expected) return true;
  ctx.redirect(`${deps.config.publicUrl}/`);
  return false;
}

/**
 * The state-service check (§3): a round trip another service started (a cPanel login whose callback
 * lands on WHM's port) is sent to that service's root, without the query string, as cpsrvd does.
 */
function onStateService(ctx: PanelContext, deps: PanelDeps, query: CallbackQuery): boolean {
  const service = serviceNamedInState(query.state);
  if (service === undefined || service === 'whostmgrd') return true;
  ctx.redirect(`https://${deps.config.publicHostname}:${WHM_SERVICES[service]}/`);
  return false;
}

/** Unknown provider names get a 404, never a notice that would echo the name back. */
function knownProvider(ctx: PanelContext, deps: PanelDeps): ProviderState {
  const provider = deps.providers.findProvider(String(ctx.params.provider ?? ''));
  if (!provider) {
    throw new AppError('unknown_provider', 'This authentication provider does not exist.', { status: 404 });
  }
  return provider;
}

/**
 * POST/redirect/GET for a callback that leaves the browser waiting (SELECT_USER, NEED_LINK): the
 * login page renders that state from the session at a clean URL, so a reload shows it again instead
 * of replaying the spent code and state (which would answer "Your session has expired.").
 */
function showWaitingLoginPage(ctx: PanelContext): void {
  ctx.status = 303;
  ctx.redirect(paths.loginPage());
}

export function registerOidcRoutes(router: Router<PanelState>, deps: PanelDeps): void {
  router.get(routes.oidcStart, async (ctx) => {
    if (!onCanonicalHost(ctx, deps)) return;
    const provider = knownProvider(ctx, deps);
    const outcome = await beginExternalLogin(deps, currentSession(ctx), provider, readStartQuery(ctx.query));
    if (!outcome.ok) {
      const notice = { type: 'msg_code', code: outcome.notice, providerId: provider.id } as const;
      return respondWithLoginPage(ctx, deps, { status: statusForNotice(outcome.notice), notice });
    }
    setSessionCookie(ctx, outcome.session);
    ctx.redirect(outcome.authorizationUrl.href);
  });

  router.get(routes.oidcCallback, async (ctx) => {
    if (!onCanonicalHost(ctx, deps)) return;
    const query = readCallbackQuery(ctx.query, ctx.querystring);
    if (!onStateService(ctx, deps, query)) return;
    const provider = knownProvider(ctx, deps);
    const session = currentSession(ctx);
    const outcome = await completeExternalLogin(deps, session, provider, query);
    switch (outcome.kind) {
      case 'failed': {
        // WHM does not log a user's refusal (§4.1); everything else is worth a line.
        if (outcome.notice !== 'openid_access_denied') {
          deps.logger.warn(`openid connect: callback failed with ${outcome.notice}`, {
            provider: provider.id,
            detail: outcome.detail,
          });
        }
        const notice = {
          type: 'msg_code',
          code: outcome.notice,
          providerId: provider.id,
          ...(outcome.shownError !== undefined ? { error: outcome.shownError } : {}),
        } as const;
        return respondWithLoginPage(ctx, deps, { status: outcome.status ?? statusForNotice(outcome.notice), notice });
      }
      case 'logged_in': {
        const fresh = startSessionAfterPrimaryLogin(deps, session, outcome);
        deps.logger.info('login', {
          username: outcome.username,
          method: `openid_connect:${provider.id}`,
          twoFactor: fresh.username === null ? 'required' : 'not required',
        });
        setSessionCookie(ctx, fresh);
        ctx.redirect(paths.securedGoto(fresh.securityToken, safeGotoUri(outcome.gotoUri)));
        return;
      }
      case 'select_user': {
        if (session) {
          session.data = { ...session.data, pendingSelection: outcome.pendingSelection, pendingLink: undefined };
          deps.sessions.saveSession(session);
        }
        return showWaitingLoginPage(ctx);
      }
      case 'need_link': {
        if (session) {
          session.data = { ...session.data, pendingLink: outcome.pendingLink, pendingSelection: undefined };
          deps.sessions.saveSession(session);
        }
        return showWaitingLoginPage(ctx);
      }
    }
  });
}
