import type { createCsrf } from '@extauth/server-kit/csrf';
import { parseForm } from '@extauth/server-kit/forms';
import type Router from '@koa/router';
import { z } from 'zod';
import type { PanelDeps, PanelState } from '../../deps.js';
import { parseFormBody } from '../../http/form-encoding.js';
import { paths, routes, safeGotoUri } from '../../http/routes.js';
import { currentSession, setSessionCookie } from '../../http/session-cookie.js';
import { respondWithLoginPage, statusForNotice } from '../sign-in/login-page.js';
import { startSessionAfterPrimaryLogin } from '../two-factor/tfa-login.js';
import { chooseLinkedAccount, type SelectionChoice } from './user-selection.js';

const formBody = parseFormBody({ limit: '16kb' });

const selectionFormSchema = z.object({
  openid_user_selection: z.string().max(255).optional(),
  link_another_account: z.string().max(8).optional(),
});

/** The user-selection POST-back to the callback URL (§3: `openid_user_selection=<user>`). */
export function registerUserSelectionRoutes(
  router: Router<PanelState>,
  deps: PanelDeps,
  csrf: ReturnType<typeof createCsrf>,
): void {
  router.post(routes.oidcCallback, formBody, csrf.require, (ctx) => {
    const form = parseForm(selectionFormSchema, ctx.request.body);
    const session = currentSession(ctx);
    const providerId = String(ctx.params.provider ?? '');
    let choice: SelectionChoice | undefined;
    if (form.ok && form.data.link_another_account) choice = { kind: 'link_another' };
    else if (form.ok && form.data.openid_user_selection)
      choice = { kind: 'user', username: form.data.openid_user_selection };
    if (!choice) {
      return respondWithLoginPage(ctx, deps, { status: 400, notice: { type: 'login_message', code: 'invalid_login' } });
    }
    const outcome = chooseLinkedAccount(deps, session, choice);
    switch (outcome.kind) {
      case 'failed': {
        if (session?.data.pendingSelection) {
          session.data = { ...session.data, pendingSelection: undefined };
          deps.sessions.saveSession(session);
        }
        const notice = { type: 'msg_code', code: outcome.notice, providerId } as const;
        return respondWithLoginPage(ctx, deps, { status: statusForNotice(outcome.notice), notice });
      }
      case 'invalid_choice':
        return respondWithLoginPage(ctx, deps, {
          status: 400,
          notice: { type: 'login_message', code: 'invalid_login' },
        });
      case 'need_link': {
        if (session) {
          session.data = { ...session.data, pendingSelection: undefined, pendingLink: outcome.pendingLink };
          deps.sessions.saveSession(session);
        }
        ctx.status = 303;
        ctx.redirect(paths.loginPage());
        return;
      }
      case 'logged_in': {
        const fresh = startSessionAfterPrimaryLogin(deps, session, outcome);
        deps.logger.info('login', {
          username: outcome.username,
          method: `openid_connect:${providerId}:selection`,
          twoFactor: fresh.username === null ? 'required' : 'not required',
        });
        setSessionCookie(ctx, fresh);
        ctx.status = 303;
        ctx.redirect(paths.securedGoto(fresh.securityToken, safeGotoUri(outcome.gotoUri)));
        return;
      }
    }
  });
}
