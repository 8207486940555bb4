import { AppError } from '@extauth/server-kit/errors';
import { parseForm } from '@extauth/server-kit/forms';
import { newPasswordFormSchema, passwordResetRequestSchema } from '@extauth/shared/idp-forms';
import { idpMessages } from '@extauth/shared/idp-messages';
import { Router } from '@koa/router';
import type { Context } from 'koa';
import type { IdpDeps } from '../../deps.js';
import { codeFlowOf } from '../../http/code-flow.js';
import { formBody } from '../../http/form-body.js';
import { optionalInteraction, uidOf } from '../../http/interaction-scope.js';
import { idpPaths, idpRoutes } from '../../http/routes.js';
import { issueEmailCode } from '../email-code/email-code.js';
import { emailCodeDeps, loginUrlFor } from '../email-code/email-code.routes.js';
import { isPasswordChoiceAllowed, resetPassword } from './password-reset.js';
import { renderNewPasswordPage, renderResetRequestPage } from './password-reset.views.js';

const bodyString = (ctx: Context, name: string) => {
  const value = (ctx.request.body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : '';
};

function showRequestPage(deps: IdpDeps, ctx: Context, state: { email: string; fieldErrors?: { email?: string } }) {
  const uid = uidOf(ctx);
  ctx.type = 'text/html; charset=utf-8';
  ctx.body = renderResetRequestPage(deps.view, {
    action: idpPaths.passwordReset(uid),
    loginHref: idpPaths.loginPage(uid),
    csrfToken: ctx.state.csrfToken as string,
    ...state,
  });
}

function showNewPasswordPage(deps: IdpDeps, ctx: Context, fieldErrors?: { password?: string }) {
  ctx.type = 'text/html; charset=utf-8';
  ctx.body = renderNewPasswordPage(deps.view, {
    action: idpPaths.newPassword(uidOf(ctx)),
    csrfToken: ctx.state.csrfToken as string,
    email: codeFlowOf(ctx).email,
    fieldErrors,
  });
}

const resetExpired = () => new AppError('reset_expired', idpMessages.reset_expired, { status: 400 });

export function passwordResetRoutes(deps: IdpDeps): Router {
  const router = new Router();
  const scope = optionalInteraction(deps.provider);
  const post = [formBody(), deps.csrf.issue, deps.csrf.require, scope] as const;
  const choosing = deps.codeFlow.require('choosing_password');

  router.get([...idpRoutes.passwordReset], deps.csrf.issue, scope, (ctx) => showRequestPage(deps, ctx, { email: '' }));

  router.post([...idpRoutes.passwordReset], ...post, async (ctx) => {
    const form = parseForm(passwordResetRequestSchema, ctx.request.body);
    if (!form.ok) {
      ctx.status = 400;
      showRequestPage(deps, ctx, {
        email: bodyString(ctx, 'email'),
        fieldErrors: { email: form.fieldErrors.email ?? idpMessages.form_invalid },
      });
      return;
    }
    // Same answer whether or not the address has an account (and whether a code was sent just now).
    await issueEmailCode(emailCodeDeps(deps), {
      purpose: 'reset_password',
      email: form.data.email,
      loginUrl: loginUrlFor(deps, ctx),
    });
    const uid = uidOf(ctx);
    deps.codeFlow.write(ctx, { purpose: 'reset_password', email: form.data.email, uid, step: 'awaiting_code' });
    ctx.status = 303;
    ctx.redirect(idpPaths.emailCode(uid));
  });

  router.get([...idpRoutes.newPassword], deps.csrf.issue, scope, choosing, (ctx) => {
    const { ticket } = codeFlowOf(ctx);
    if (!ticket || !isPasswordChoiceAllowed(deps, ticket)) throw resetExpired();
    showNewPasswordPage(deps, ctx);
  });

  router.post([...idpRoutes.newPassword], ...post, choosing, async (ctx) => {
    const flow = codeFlowOf(ctx);
    const form = parseForm(newPasswordFormSchema, ctx.request.body);
    if (!form.ok) {
      ctx.status = 400;
      showNewPasswordPage(deps, ctx, { password: form.fieldErrors.password ?? idpMessages.form_invalid });
      return;
    }
    const result = flow.ticket
      ? await resetPassword(deps, { ticket: flow.ticket, password: form.data.password })
      : undefined;
    if (!result?.ok) throw resetExpired();
    deps.loginThrottle.recordSuccess(flow.email);
    deps.codeFlow.clear(ctx);
    ctx.status = 303;
    ctx.redirect(idpPaths.loginPage(uidOf(ctx), 'password_reset_done'));
  });

  return router;
}
