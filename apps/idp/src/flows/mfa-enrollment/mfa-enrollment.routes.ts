import { AppError } from '@extauth/server-kit/errors';
import { parseForm } from '@extauth/server-kit/forms';
import { idpMessages } from '@extauth/shared/idp-messages';
import { Router } from '@koa/router';
import type { Context } from 'koa';
import QRCode from 'qrcode';
import type { IdpDeps } from '../../deps.js';
import { rotateAccountSession } from '../../http/account-session.js';
import { formBody } from '../../http/form-body.js';
import { optionalInteraction, uidOf } from '../../http/interaction-scope.js';
import { mfaFlowOf } from '../../http/mfa-flow.js';
import { idpPaths, idpRoutes } from '../../http/routes.js';
import { finishSignIn, WITH_ONE_TIME_CODE, WITH_RECOVERY_CODE } from '../../http/sign-in.js';
import { oneTimeCodeFormSchema, recordedFormSchema } from './mfa.schema.js';
import { activateMfa, confirmTotpEnrollment, describePendingEnrollment, openEnrollmentLink } from './mfa-enrollment.js';
import { renderAlmostTherePage, renderSecureYourAccountPage } from './mfa-enrollment.views.js';

const INTROS = {
  activate_mfa:
    'Your authenticator app is set up. One last step: record your recovery code. You need it if you lose your phone.',
  finish_recovery_login:
    'You used your recovery code, so it no longer works. Here is your new one: record it before you continue.',
  back_to_account: 'Here is your new recovery code. The previous one no longer works.',
} as const;

async function showSecureYourAccount(deps: IdpDeps, ctx: Context, codeError?: string): Promise<void> {
  const flow = mfaFlowOf(ctx, 'enrolling');
  const pending = describePendingEnrollment({ ...deps, brand: deps.view.brand }, flow.accountId);
  if (!pending) throw new AppError('mfa_flow_expired', idpMessages.mfa_flow_expired, { status: 400 });
  ctx.type = 'text/html; charset=utf-8';
  ctx.body = renderSecureYourAccountPage(deps.view, {
    action: idpPaths.mfaSetup(uidOf(ctx)),
    csrfToken: ctx.state.csrfToken as string,
    qrDataUri: await QRCode.toDataURL(pending.otpauthUri, { errorCorrectionLevel: 'M', margin: 2, width: 220 }),
    secretForDisplay: pending.secretForDisplay,
    codeError,
  });
}

function showAlmostThere(deps: IdpDeps, ctx: Context, error?: string): void {
  const flow = mfaFlowOf(ctx, 'recording_recovery_code');
  ctx.type = 'text/html; charset=utf-8';
  ctx.body = renderAlmostTherePage(deps.view, {
    action: idpPaths.mfaRecoveryCode(uidOf(ctx)),
    csrfToken: ctx.state.csrfToken as string,
    recoveryCode: flow.recoveryCode,
    intro: INTROS[flow.completes],
    error,
  });
}

/** "Enable multi-factor authentication" (emailed link), "Secure Your Account" and "Almost There!". */
export function mfaEnrollmentRoutes(deps: IdpDeps): Router {
  const router = new Router();
  const scope = optionalInteraction(deps.provider);
  const post = [formBody(), deps.csrf.issue, deps.csrf.require, scope] as const;

  // The link is used up here and the browser moves on without the token in its address bar.
  router.get(idpRoutes.mfaEnrollmentLink, (ctx) => {
    const token = typeof ctx.query.token === 'string' ? ctx.query.token : '';
    const result = token ? openEnrollmentLink(deps, token) : ({ ok: false, error: 'LINK_INVALID' } as const);
    if (!result.ok) {
      const code = result.error === 'LINK_INVALID' ? 'enrollment_link_invalid' : 'mfa_already_enabled';
      throw new AppError(code, idpMessages[code], { status: 400 });
    }
    deps.mfaFlow.write(ctx, { step: 'enrolling', accountId: result.accountId });
    ctx.status = 303;
    ctx.redirect(idpPaths.mfaSetup());
  });

  router.get(idpRoutes.mfaSetup, deps.csrf.issue, scope, deps.mfaFlow.require('enrolling'), (ctx) =>
    showSecureYourAccount(deps, ctx),
  );

  router.post(idpRoutes.mfaSetup, ...post, deps.mfaFlow.require('enrolling'), async (ctx) => {
    const flow = mfaFlowOf(ctx, 'enrolling');
    const form = parseForm(oneTimeCodeFormSchema, ctx.request.body);
    if (!form.ok) {
      ctx.status = 400;
      await showSecureYourAccount(deps, ctx, form.fieldErrors.code ?? idpMessages.form_invalid);
      return;
    }
    const result = await confirmTotpEnrollment(deps, { accountId: flow.accountId, code: form.data.code });
    if (!result.ok) {
      if (result.error === 'NOT_PENDING') throw new AppError('mfa_flow_expired', idpMessages.mfa_flow_expired);
      ctx.status = 400;
      await showSecureYourAccount(
        deps,
        ctx,
        idpMessages[result.error === 'CODE_WRONG' ? 'totp_wrong' : 'totp_replayed'],
      );
      return;
    }
    const uid = uidOf(ctx);
    deps.mfaFlow.finish(ctx);
    deps.mfaFlow.write(ctx, {
      step: 'recording_recovery_code',
      accountId: flow.accountId,
      uid,
      recoveryCode: result.recoveryCode,
      completes: 'activate_mfa',
    });
    ctx.status = 303;
    ctx.redirect(idpPaths.mfaRecoveryCode(uid));
  });

  router.get(
    idpRoutes.mfaRecoveryCode,
    deps.csrf.issue,
    scope,
    deps.mfaFlow.require('recording_recovery_code'),
    (ctx) => showAlmostThere(deps, ctx),
  );

  router.post(idpRoutes.mfaRecoveryCode, ...post, deps.mfaFlow.require('recording_recovery_code'), async (ctx) => {
    const flow = mfaFlowOf(ctx, 'recording_recovery_code');
    if (!parseForm(recordedFormSchema, ctx.request.body).ok) {
      ctx.status = 400;
      showAlmostThere(deps, ctx, idpMessages.recovery_code_ack_required);
      return;
    }
    deps.mfaFlow.finish(ctx);
    switch (flow.completes) {
      case 'activate_mfa':
        if (!activateMfa(deps, flow.accountId)) throw new AppError('mfa_flow_expired', idpMessages.mfa_flow_expired);
        if (flow.uid !== undefined) {
          await finishSignIn(deps, ctx, flow.accountId, WITH_ONE_TIME_CODE);
          return;
        }
        // From the account pages: MFA on is a privilege change, so a signed-in browser gets a new id.
        rotateAccountSession(deps, ctx, flow.accountId);
        ctx.status = 303;
        ctx.redirect(idpPaths.account('mfa_enabled'));
        return;
      case 'finish_recovery_login':
        await finishSignIn(deps, ctx, flow.accountId, WITH_RECOVERY_CODE);
        return;
      case 'back_to_account':
        ctx.status = 303;
        ctx.redirect(idpPaths.account('recovery_code_replaced'));
        return;
    }
  });

  return router;
}
