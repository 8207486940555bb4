import { parseForm } from '@extauth/server-kit/forms';
import { idpMessages } from '@extauth/shared/idp-messages';
import { Router } from '@koa/router';
import type { Context, Middleware } from 'koa';
import type { IdpDeps } from '../../deps.js';
import { formBody } from '../../http/form-body.js';
import { interactionOf } from '../../http/interaction.js';
import { optionalInteraction, uidOf } from '../../http/interaction-scope.js';
import { noticeFromQuery } from '../../http/notice.js';
import { idpPaths, idpRoutes } from '../../http/routes.js';
import { completeSignIn } from '../../http/sign-in.js';
import { issueEmailCode } from '../email-code/email-code.js';
import { emailCodeDeps, loginUrlFor } from '../email-code/email-code.routes.js';
import { authenticateWithPassword } from './login.js';
import { loginFormSchema } from './login.schema.js';
import { type LoginPageModel, renderLoginPage } from './login.views.js';

type LoginPageState = Pick<LoginPageModel, 'email' | 'notice' | 'formError' | 'fieldErrors'>;

/** Notices a login page may show after a redirect (`?notice=`). */
export const LOGIN_NOTICES = ['password_reset_done', 'logged_out', 'account_login_required'] as const;

/** Renders the login page: the current interaction's login step, or the account pages' own login. */
export function showLoginPage(deps: IdpDeps, ctx: Context, state: LoginPageState): void {
  const uid = uidOf(ctx);
  ctx.type = 'text/html; charset=utf-8';
  ctx.body = renderLoginPage(deps.view, {
    action: idpPaths.loginAction(uid),
    signupHref: idpPaths.signup(uid),
    resetHref: idpPaths.passwordReset(uid),
    csrfToken: ctx.state.csrfToken as string,
    ...state,
    notice: state.notice ?? noticeFromQuery(ctx, LOGIN_NOTICES),
  });
}

/** The email to show back: what was typed, or the client's `login_hint` on first display. */
export function initialLoginEmail(ctx: Context): string {
  const hint = interactionOf(ctx).params.login_hint;
  return typeof hint === 'string' ? hint : '';
}

const typedEmailOf = (ctx: Context): string => {
  const body = ctx.request.body as Record<string, unknown> | undefined;
  return typeof body?.email === 'string' ? body.email : '';
};

/**
 * Guard (after the body parser): while a login counter is full, the login page again with the
 * sentence and the typed email, HTTP 429 and Retry-After (spec: Errors and Rate limits). It comes
 * before the form's validation, so a full counter is reported first; the handler checks again
 * when it counts the attempt (`attempt`).
 */
function refuseWhileThrottled(deps: IdpDeps): Middleware {
  return async (ctx, next) => {
    const email = typedEmailOf(ctx);
    const decision = await deps.loginThrottle.checkSettled(ctx, email);
    if (!decision.allowed) {
      refuseThrottled(deps, ctx, email, decision);
      return;
    }
    await next();
  };
}

function refuseThrottled(
  deps: IdpDeps,
  ctx: Context,
  email: string,
  refusal: { message: string; retryAfterSeconds: number },
): void {
  ctx.status = 429;
  ctx.set('Retry-After', String(refusal.retryAfterSeconds));
  showLoginPage(deps, ctx, { email, formError: refusal.message });
}

export function loginRoutes(deps: IdpDeps): Router {
  const router = new Router();

  router.get(idpRoutes.accountLogin, deps.csrf.issue, (ctx) => showLoginPage(deps, ctx, { email: '' }));

  router.post(
    [idpRoutes.login, idpRoutes.accountLogin],
    formBody(),
    deps.csrf.issue,
    deps.csrf.require,
    optionalInteraction(deps.provider),
    refuseWhileThrottled(deps),
    async (ctx) => {
      const typedEmail = typedEmailOf(ctx);
      const form = parseForm(loginFormSchema, ctx.request.body);
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
      // Counted before the password is checked, so parallel guesses cannot all pass the guard above.
      const attempt = await deps.loginThrottle.attempt(
        ctx,
        form.data.email,
        () => authenticateWithPassword(deps, form.data),
        (checked) => checked.ok || checked.error !== 'INVALID_CREDENTIALS',
      );
      if (!attempt.allowed) {
        refuseThrottled(deps, ctx, typedEmail, attempt);
        return;
      }
      const result = attempt.result;
      if (!result.ok && result.error === 'INVALID_CREDENTIALS') {
        deps.logger.warn('login refused', { error: result.error, email: form.data.email });
        ctx.status = 400;
        showLoginPage(deps, ctx, { email: typedEmail, formError: idpMessages.invalid_credentials });
        return;
      }
      deps.loginThrottle.recordSuccess(form.data.email);
      if (!result.ok) {
        // Right password, unconfirmed address: a fresh code (unless one left seconds ago) and the code page.
        await issueEmailCode(emailCodeDeps(deps), {
          purpose: 'verify_email',
          email: result.email,
          loginUrl: loginUrlFor(deps, ctx),
        });
        const uid = uidOf(ctx);
        deps.codeFlow.write(ctx, { purpose: 'verify_email', email: result.email, uid, step: 'awaiting_code' });
        ctx.status = 303;
        ctx.redirect(idpPaths.emailCode(uid));
        return;
      }
      await completeSignIn(deps, ctx, result.accountId);
    },
  );

  return router;
}
