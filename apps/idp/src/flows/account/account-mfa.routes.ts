import { AppError } from '@extauth/server-kit/errors';
import { parseForm } from '@extauth/server-kit/forms';
import { buttonOnlyFormSchema } from '@extauth/shared/idp-forms';
import { idpMessages } from '@extauth/shared/idp-messages';
import { Router } from '@koa/router';
import type { Context } from 'koa';
import type { IdpDeps } from '../../deps.js';
import { requireAccountSession, rotateAccountSession, signedInAccount } from '../../http/account-session.js';
import { type AttemptOutcome, logThrottled, type ThrottleDecision } from '../../http/attempt-throttle.js';
import { formBody } from '../../http/form-body.js';
import { idpPaths, idpRoutes } from '../../http/routes.js';
import { mfaLockState } from '../mfa-challenge/mfa-challenge.js';
import { accountMfaFormSchema } from '../mfa-enrollment/mfa.schema.js';
import { isMfaActive, sendEnrollmentEmail } from '../mfa-enrollment/mfa-enrollment.js';
import { refuseOnAccountPage, showAccountPage } from './account.routes.js';
import { proofKind, proveAccountHolder, regenerateRecoveryCode, turnOffMfa } from './account-mfa.js';

const done = (ctx: Context, notice: string) => {
  ctx.status = 303;
  ctx.redirect(idpPaths.account(notice));
};

/** The account page's MFA and trust actions: enrollment email, new recovery code, MFA off, Revoke. */
export function accountMfaRoutes(deps: IdpDeps): Router {
  const router = new Router();
  const signedIn = requireAccountSession(deps);
  const post = [formBody(), deps.csrf.issue, deps.csrf.require, signedIn] as const;

  router.post(idpRoutes.accountEnrollmentEmail, ...post, async (ctx) => {
    if (!parseForm(buttonOnlyFormSchema, ctx.request.body).ok) {
      throw new AppError('form_invalid', idpMessages.form_invalid, { status: 400 });
    }
    let result: Awaited<ReturnType<typeof sendEnrollmentEmail>>;
    try {
      result = await sendEnrollmentEmail(
        { ...deps, brand: deps.view.brand },
        { account: signedInAccount(ctx), linkUrl: (token) => `${deps.issuer}${idpPaths.mfaEnrollmentLink(token)}` },
      );
    } catch (err) {
      throw new AppError('mail_failed', idpMessages.mail_failed, { status: 503, cause: err });
    }
    done(ctx, result.ok ? 'enrollment_email_sent' : 'mfa_already_enabled');
  });

  /** The MFA lock (five wrong proofs, spec: 15 minutes) refused on the account page's MFA form. */
  const refuseWhileLocked = async (ctx: Context, accountId: string): Promise<boolean> => {
    const lock = mfaLockState(deps, accountId);
    if (!lock.locked) return false;
    logThrottled(deps.logger, ctx, { attempts: 'mfa', limit: 'account', retryAfterSeconds: lock.retryAfterSeconds });
    await refuseOnAccountPage(deps, ctx, {
      retryAfterSeconds: lock.retryAfterSeconds,
      errors: { mfa: idpMessages.mfa_locked },
    });
    return true;
  };

  router.post(idpRoutes.accountMfa, ...post, async (ctx) => {
    const account = signedInAccount(ctx);
    if (await refuseWhileLocked(ctx, account.id)) return;
    const form = parseForm(accountMfaFormSchema, ctx.request.body);
    if (!form.ok || !isMfaActive(deps, account.id)) {
      ctx.status = 400;
      await showAccountPage(deps, ctx, {
        errors: { mfa: form.ok ? idpMessages.form_invalid : (form.fieldErrors.proof ?? idpMessages.form_invalid) },
      });
      return;
    }
    // A guessed password here is a password attempt like any other (counted before the check, so
    // parallel guesses cannot all pass it), a guessed code a code attempt.
    const prove = () => proveAccountHolder(deps, account, form.data.proof);
    const attempt =
      proofKind(form.data.proof) === 'password'
        ? await deps.loginThrottle.attempt(ctx, account.email, prove, (proved) => proved.ok)
        : await checkCode(deps.codeThrottle.check(ctx), prove);
    if (!attempt.allowed) {
      await refuseOnAccountPage(deps, ctx, {
        retryAfterSeconds: attempt.retryAfterSeconds,
        errors: { mfa: attempt.message },
      });
      return;
    }
    const proof = attempt.result;
    if (!proof.ok) {
      if (proof.error === 'CODE_WRONG') deps.codeThrottle.recordFailure(ctx);
      if (proof.error === 'LOCKED' && (await refuseWhileLocked(ctx, account.id))) return;
      ctx.status = 400;
      await showAccountPage(deps, ctx, { errors: { mfa: idpMessages.mfa_proof_wrong } });
      return;
    }
    if (form.data.action === 'disable') {
      turnOffMfa(deps, account.id);
      rotateAccountSession(deps, ctx, account.id);
      done(ctx, 'mfa_disabled');
      return;
    }
    deps.mfaFlow.write(ctx, {
      step: 'recording_recovery_code',
      accountId: account.id,
      recoveryCode: regenerateRecoveryCode(deps, account.id),
      completes: 'back_to_account',
    });
    ctx.status = 303;
    ctx.redirect(idpPaths.mfaRecoveryCode());
  });

  router.post(idpRoutes.accountTrustRevoke, ...post, async (ctx) => {
    if (!parseForm(buttonOnlyFormSchema, ctx.request.body).ok) {
      throw new AppError('form_invalid', idpMessages.form_invalid, { status: 400 });
    }
    if (!deps.trustedSites.revokeTrust(signedInAccount(ctx).id, String(ctx.params.id))) {
      // Unknown, another account's, or already revoked: say so rather than report a revocation.
      ctx.status = 404;
      await showAccountPage(deps, ctx, { errors: { trust: idpMessages.trust_not_found } });
      return;
    }
    done(ctx, 'trust_revoked');
  });

  return router;
}

/** A code proof, checked only when its throttle allows (a wrong code is counted by the route). */
async function checkCode<T>(throttle: ThrottleDecision, prove: () => Promise<T>): Promise<AttemptOutcome<T>> {
  return throttle.allowed ? { allowed: true, result: await prove() } : throttle;
}
