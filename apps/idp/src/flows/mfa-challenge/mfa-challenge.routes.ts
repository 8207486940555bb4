import { AppError } from '@extauth/server-kit/errors';
import { parseForm } from '@extauth/server-kit/forms';
import { idpMessages } from '@extauth/shared/idp-messages';
import { Router } from '@koa/router';
import type { Context, Middleware } from 'koa';
import type { IdpDeps } from '../../deps.js';
import { logThrottled } from '../../http/attempt-throttle.js';
import { formBody } from '../../http/form-body.js';
import { optionalInteraction, uidOf } from '../../http/interaction-scope.js';
import { mfaFlowOf } from '../../http/mfa-flow.js';
import { idpPaths, idpRoutes } from '../../http/routes.js';
import { finishSignIn, WITH_ONE_TIME_CODE } from '../../http/sign-in.js';
import { oneTimeCodeFormSchema, recoveryCodeFormSchema } from '../mfa-enrollment/mfa.schema.js';
import type { MfaDeps } from '../mfa-enrollment/mfa-enrollment.js';
import { mfaLockState, redeemRecoveryCode, verifyOneTimeCode } from './mfa-challenge.js';
import { renderChallengePage, renderRecoveryLoginPage } from './mfa-challenge.views.js';

/** A 429 with Retry-After and the catalogue's sentence, for every attempt while the factor is locked. */
export function throwMfaLocked(retryAfterSeconds: number): never {
  throw new AppError('mfa_locked', idpMessages.mfa_locked, {
    status: 429,
    headers: { 'Retry-After': String(retryAfterSeconds) },
  });
}

/** Guard: refuses any second-factor attempt for `accountOf(ctx)` while it is locked (spec: 15 minutes). */
export function requireMfaUnlocked(
  deps: Pick<MfaDeps, 'mfa' | 'clock'>,
  accountOf: (ctx: Context) => string,
): Middleware {
  return async (ctx, next) => {
    const lock = mfaLockState(deps, accountOf(ctx));
    if (lock.locked) throwMfaLocked(lock.retryAfterSeconds);
    await next();
  };
}

function showChallenge(deps: IdpDeps, ctx: Context, error?: string): void {
  const uid = uidOf(ctx);
  ctx.type = 'text/html; charset=utf-8';
  ctx.body = renderChallengePage(deps.view, {
    action: idpPaths.mfaChallenge(uid),
    csrfToken: ctx.state.csrfToken as string,
    switchHref: idpPaths.mfaRecovery(uid),
    error,
  });
}

function showRecovery(deps: IdpDeps, ctx: Context, error?: string): void {
  const uid = uidOf(ctx);
  ctx.type = 'text/html; charset=utf-8';
  ctx.body = renderRecoveryLoginPage(deps.view, {
    action: idpPaths.mfaRecovery(uid),
    csrfToken: ctx.state.csrfToken as string,
    switchHref: idpPaths.mfaChallenge(uid),
    error,
  });
}

type ShowPage = (deps: IdpDeps, ctx: Context, error?: string) => void;

/** The lockout on the page that was submitted (spec: Errors): the sentence, 429 and Retry-After. */
function showLocked(deps: IdpDeps, ctx: Context, show: ShowPage, retryAfterSeconds: number): void {
  logThrottled(deps.logger, ctx, { attempts: 'mfa', limit: 'account', retryAfterSeconds });
  ctx.status = 429;
  ctx.set('Retry-After', String(retryAfterSeconds));
  show(deps, ctx, idpMessages.mfa_locked);
}

/**
 * Guard: while this login's account is locked, or this client has guessed too many codes, the
 * page answers every attempt with the lockout's sentence, 429 and Retry-After.
 */
function refuseWhileLocked(deps: IdpDeps, show: ShowPage): Middleware {
  return async (ctx, next) => {
    const lock = mfaLockState(deps, mfaFlowOf(ctx, 'awaiting_second_factor').accountId);
    if (lock.locked) {
      showLocked(deps, ctx, show, lock.retryAfterSeconds);
      return;
    }
    const throttle = deps.codeThrottle.check(ctx);
    if (!throttle.allowed) {
      ctx.status = 429;
      ctx.set('Retry-After', String(throttle.retryAfterSeconds));
      show(deps, ctx, throttle.message);
      return;
    }
    await next();
  };
}

/** "Verify Your Identity": the one-time code, or "Use a recovery code". */
export function mfaChallengeRoutes(deps: IdpDeps): Router {
  const router = new Router();
  const scope = optionalInteraction(deps.provider);
  const pending = deps.mfaFlow.require('awaiting_second_factor');
  const post = [formBody(), deps.csrf.issue, deps.csrf.require, scope, pending] as const;

  router.get(idpRoutes.mfaChallenge, deps.csrf.issue, scope, pending, (ctx) => showChallenge(deps, ctx));
  router.get(idpRoutes.mfaRecovery, deps.csrf.issue, scope, pending, (ctx) => showRecovery(deps, ctx));

  router.post(idpRoutes.mfaChallenge, ...post, refuseWhileLocked(deps, showChallenge), async (ctx) => {
    const { accountId } = mfaFlowOf(ctx, 'awaiting_second_factor');
    const form = parseForm(oneTimeCodeFormSchema, ctx.request.body);
    if (!form.ok) {
      ctx.status = 400;
      showChallenge(deps, ctx, form.fieldErrors.code ?? idpMessages.form_invalid);
      return;
    }
    const result = await verifyOneTimeCode(deps, { accountId, code: form.data.code });
    if (!result.ok) {
      deps.logger.warn('MFA: one-time code refused', { error: result.error, accountId });
      if (result.error === 'CODE_WRONG') deps.codeThrottle.recordFailure(ctx);
      const lock = mfaLockState(deps, accountId);
      if (result.error === 'LOCKED' && lock.locked) {
        showLocked(deps, ctx, showChallenge, lock.retryAfterSeconds);
        return;
      }
      ctx.status = 400;
      showChallenge(deps, ctx, idpMessages[result.error === 'CODE_REPLAYED' ? 'totp_replayed' : 'totp_wrong']);
      return;
    }
    deps.mfaFlow.finish(ctx);
    await finishSignIn(deps, ctx, accountId, WITH_ONE_TIME_CODE);
  });

  router.post(idpRoutes.mfaRecovery, ...post, refuseWhileLocked(deps, showRecovery), (ctx) => {
    const { accountId } = mfaFlowOf(ctx, 'awaiting_second_factor');
    const form = parseForm(recoveryCodeFormSchema, ctx.request.body);
    if (!form.ok) {
      ctx.status = 400;
      showRecovery(deps, ctx, form.fieldErrors.recovery_code ?? idpMessages.form_invalid);
      return;
    }
    const result = redeemRecoveryCode(deps, { accountId, code: form.data.recovery_code });
    if (!result.ok) {
      deps.logger.warn('MFA: recovery code refused', { error: result.error, accountId });
      if (result.error === 'CODE_WRONG') deps.codeThrottle.recordFailure(ctx);
      const lock = mfaLockState(deps, accountId);
      if (result.error === 'LOCKED' && lock.locked) {
        showLocked(deps, ctx, showRecovery, lock.retryAfterSeconds);
        return;
      }
      ctx.status = 400;
      showRecovery(deps, ctx, idpMessages.recovery_code_wrong);
      return;
    }
    const uid = uidOf(ctx);
    deps.mfaFlow.finish(ctx);
    deps.mfaFlow.write(ctx, {
      step: 'recording_recovery_code',
      accountId,
      uid,
      recoveryCode: result.newRecoveryCode,
      completes: 'finish_recovery_login',
    });
    ctx.status = 303;
    ctx.redirect(idpPaths.mfaRecoveryCode(uid));
  });

  return router;
}
