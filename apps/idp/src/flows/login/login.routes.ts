import { parseForm } from '@extauth/server-kit/forms';
import { idpMessages } from '@extauth/shared/idp-messages';
import { Router } from '@koa/router';
import type { Context } from 'koa';
import type { IdpDeps } from '../../deps.js';
import { formBody } from '../../http/form-body.js';
import { finishInteraction, interactionOf, requireInteraction } from '../../http/interaction.js';
import { idpPaths, idpRoutes } from '../../http/routes.js';
import { authenticateWithPassword } from './login.js';
import { loginFormSchema } from './login.schema.js';
import { type LoginPageModel, renderLoginPage } from './login.views.js';

type LoginPageState = Pick<LoginPageModel, 'email' | 'formError' | 'fieldErrors'>;

/** Renders the login step of the current interaction (GET, or a POST with errors). */
export function showLoginPage(deps: IdpDeps, ctx: Context, state: LoginPageState): void {
  const details = interactionOf(ctx);
  ctx.type = 'text/html; charset=utf-8';
  ctx.body = renderLoginPage(deps.view, {
    action: idpPaths.login(details.uid),
    csrfToken: ctx.state.csrfToken as string,
    ...state,
  });
}

/** The email to show back: what was typed, or the client's `login_hint` on first display. */
export function initialLoginEmail(ctx: Context): string {
  const hint = interactionOf(ctx).params.login_hint;
  return typeof hint === 'string' ? hint : '';
}

export function loginRoutes(deps: IdpDeps): Router {
  const router = new Router();

  router.post(
    idpRoutes.login,
    formBody(),
    deps.csrf.issue,
    deps.csrf.require,
    requireInteraction(deps.provider, 'login'),
    async (ctx) => {
      const body = ctx.request.body as Record<string, unknown> | undefined;
      const typedEmail = typeof body?.email === 'string' ? body.email : '';
      const form = parseForm(loginFormSchema, body);
      if (!form.ok) {
        const { email, password, ...others } = form.fieldErrors;
        ctx.status = 400;
        showLoginPage(deps, ctx, {
          email: typedEmail,
          formError: Object.keys(others).length > 0 ? idpMessages.form_invalid : undefined,
          fieldErrors: { email, password },
        });
        return;
      }
      const result = await authenticateWithPassword(deps, form.data);
      if (!result.ok) {
        ctx.status = 400;
        showLoginPage(deps, ctx, { email: typedEmail, formError: idpMessages.invalid_credentials });
        return;
      }
      // Second factors (issue 4) run before this point: `login` is finished exactly once.
      await finishInteraction(deps.provider, ctx, {
        login: { accountId: result.accountId, amr: ['pwd'], acr: '1', remember: true },
      });
    },
  );

  return router;
}
