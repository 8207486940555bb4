import { parseForm } from '@extauth/server-kit/forms';
import { buttonOnlyFormSchema, emailCodeFormSchema } from '@extauth/shared/idp-forms';
import { idpMessages } from '@extauth/shared/idp-messages';
import { Router } from '@koa/router';
import type { Context } from 'koa';
import type { IdpDeps } from '../../deps.js';
import { codeFlowOf } from '../../http/code-flow.js';
import { formBody } from '../../http/form-body.js';
import { optionalInteraction, uidOf } from '../../http/interaction-scope.js';
import { noticeFromQuery } from '../../http/notice.js';
import { idpPaths, idpRoutes } from '../../http/routes.js';
import { completeSignIn } from '../../http/sign-in.js';
import { allowPasswordChoice } from '../password-reset/password-reset.js';
import { issueEmailCode, type VerifyEmailCodeResult, verifyEmailCode } from './email-code.js';
import { renderEmailCodePage, renderResendPage } from './email-code.views.js';

const CODE_ERRORS: Record<Exclude<VerifyEmailCodeResult, { ok: true }>['error'], string> = {
  NO_CODE: idpMessages.code_used,
  USED: idpMessages.code_used,
  EXPIRED: idpMessages.code_expired,
  DEAD: idpMessages.code_dead,
  WRONG: idpMessages.code_wrong,
};

export function emailCodeDeps(deps: IdpDeps) {
  return { ...deps, brand: deps.view.brand };
}

/** The login page this flow's mails point to: the interaction's, or the account pages'. */
export function loginUrlFor(deps: IdpDeps, ctx: Context): string {
  return new URL(idpPaths.loginPage(uidOf(ctx)), deps.provider.issuer).href;
}

function showCodePage(deps: IdpDeps, ctx: Context, state: { notice?: string; formError?: string } = {}): void {
  const flow = codeFlowOf(ctx);
  const uid = uidOf(ctx);
  ctx.type = 'text/html; charset=utf-8';
  ctx.body = renderEmailCodePage(deps.view, {
    action: idpPaths.emailCode(uid),
    resendHref: idpPaths.emailCodeResend(uid),
    csrfToken: ctx.state.csrfToken as string,
    purpose: flow.purpose,
    email: flow.email,
    ...state,
  });
}

/**
 * The one code page of signup, login of an unverified account and password reset; a right code
 * is dispatched by the flow's purpose.
 */
export function emailCodeRoutes(deps: IdpDeps): Router {
  const router = new Router();
  const scope = optionalInteraction(deps.provider);
  const awaitingCode = deps.codeFlow.require('awaiting_code');
  const post = [formBody(), deps.csrf.issue, deps.csrf.require, scope, awaitingCode] as const;

  router.get([...idpRoutes.emailCode], deps.csrf.issue, scope, awaitingCode, (ctx) =>
    showCodePage(deps, ctx, { notice: noticeFromQuery(ctx, ['code_sent']) }),
  );

  router.post([...idpRoutes.emailCode], ...post, async (ctx) => {
    const flow = codeFlowOf(ctx);
    const form = parseForm(emailCodeFormSchema, ctx.request.body);
    if (!form.ok) {
      ctx.status = 400;
      showCodePage(deps, ctx, { formError: form.fieldErrors.code ?? idpMessages.form_invalid });
      return;
    }
    const throttle = deps.codeThrottle.check(ctx, flow.email);
    if (!throttle.allowed) {
      ctx.status = 429;
      ctx.set('Retry-After', String(throttle.retryAfterSeconds));
      showCodePage(deps, ctx, { formError: throttle.message });
      return;
    }
    const result = verifyEmailCode(deps, { purpose: flow.purpose, email: flow.email, code: form.data.code });
    if (!result.ok) {
      // A guess: a wrong code, or digits typed at a code that is dead (not a used or expired one).
      if (result.error === 'WRONG' || result.error === 'DEAD') deps.codeThrottle.recordFailure(ctx, flow.email);
      ctx.status = 400;
      showCodePage(deps, ctx, { formError: CODE_ERRORS[result.error] });
      return;
    }
    deps.codeThrottle.recordSuccess(flow.email);
    if (flow.purpose === 'verify_email') {
      deps.accounts.markEmailVerified(result.accountId);
      deps.codeFlow.clear(ctx);
      await completeSignIn(deps, ctx, result.accountId);
      return;
    }
    const ticket = allowPasswordChoice(deps, result.accountId);
    deps.codeFlow.write(ctx, { ...flow, step: 'choosing_password', ticket });
    ctx.status = 303;
    ctx.redirect(idpPaths.newPassword(uidOf(ctx)));
  });

  router.get([...idpRoutes.emailCodeResend], deps.csrf.issue, scope, awaitingCode, (ctx) => {
    const uid = uidOf(ctx);
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = renderResendPage(deps.view, {
      action: idpPaths.emailCodeResend(uid),
      backHref: idpPaths.emailCode(uid),
      csrfToken: ctx.state.csrfToken as string,
      email: codeFlowOf(ctx).email,
    });
  });

  router.post([...idpRoutes.emailCodeResend], ...post, async (ctx) => {
    const flow = codeFlowOf(ctx);
    if (!parseForm(buttonOnlyFormSchema, ctx.request.body).ok) {
      ctx.status = 400;
      showCodePage(deps, ctx, { formError: idpMessages.form_invalid });
      return;
    }
    const result = await issueEmailCode(emailCodeDeps(deps), {
      purpose: flow.purpose,
      email: flow.email,
      loginUrl: loginUrlFor(deps, ctx),
    });
    if (!result.ok && result.error === 'RESEND_TOO_SOON') {
      ctx.status = 429;
      ctx.set('Retry-After', String(result.retryAfterSeconds));
      showCodePage(deps, ctx, { formError: idpMessages.resend_too_soon });
      return;
    }
    if (!result.ok) {
      ctx.status = 503;
      showCodePage(deps, ctx, { formError: idpMessages.mail_failed });
      return;
    }
    deps.codeFlow.write(ctx, flow);
    ctx.status = 303;
    ctx.redirect(`${idpPaths.emailCode(uidOf(ctx))}?notice=code_sent`);
  });

  return router;
}
