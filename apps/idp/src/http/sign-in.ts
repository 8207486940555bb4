import type { Context } from 'koa';
import type { IdpDeps } from '../deps.js';
import { isMfaActive, startTotpEnrollment } from '../flows/mfa-enrollment/mfa-enrollment.js';
import { ACR_MFA, requestsMfa } from '../oidc/step-up-and-trust.js';
import { startAccountSession } from './account-session.js';
import { finishInteraction, interactionOf } from './interaction.js';
import { uidOf } from './interaction-scope.js';
import { idpPaths } from './routes.js';

/** How the person proved who they are: the ID token's `amr` and `acr` (RFC 8176 values). */
export type AuthStrength =
  | { amr: ['pwd']; acr: '1' }
  | { amr: ['pwd', 'otp']; acr: typeof ACR_MFA }
  | { amr: ['pwd', 'mfa']; acr: typeof ACR_MFA };

export const PASSWORD_ONLY: AuthStrength = { amr: ['pwd'], acr: '1' };
export const WITH_ONE_TIME_CODE: AuthStrength = { amr: ['pwd', 'otp'], acr: ACR_MFA };
export const WITH_RECOVERY_CODE: AuthStrength = { amr: ['pwd', 'mfa'], acr: ACR_MFA };

const redirect = (ctx: Context, location: string) => {
  ctx.status = 303;
  ctx.redirect(location);
};

/**
 * The one way a right password (or a verified signup) continues: to "Verify Your Identity" when
 * the account has MFA, to enrolment when the client asked `acr_values=2` and the account has none,
 * otherwise straight to the end of the sign-in.
 */
export async function completeSignIn(deps: IdpDeps, ctx: Context, accountId: string): Promise<void> {
  const uid = uidOf(ctx);
  if (isMfaActive(deps, accountId)) {
    deps.mfaFlow.write(ctx, { step: 'awaiting_second_factor', accountId, uid });
    redirect(ctx, idpPaths.mfaChallenge(uid));
    return;
  }
  if (uid !== undefined && requestsMfa(interactionOf(ctx).params.acr_values)) {
    startTotpEnrollment(deps, accountId);
    deps.mfaFlow.write(ctx, { step: 'enrolling', accountId, uid });
    redirect(ctx, idpPaths.mfaSetup(uid));
    return;
  }
  await finishSignIn(deps, ctx, accountId, PASSWORD_ONLY);
}

/**
 * Ends the sign-in: inside an interaction it finishes oidc-provider's login prompt, once, with the
 * `amr`/`acr` that reach the ID token; otherwise it starts the account pages' session.
 */
export async function finishSignIn(
  deps: IdpDeps,
  ctx: Context,
  accountId: string,
  strength: AuthStrength,
): Promise<void> {
  const uid = uidOf(ctx);
  if (uid !== undefined) {
    await finishInteraction(deps.provider, ctx, {
      login: { accountId, amr: [...strength.amr], acr: strength.acr, remember: true },
    });
    return;
  }
  startAccountSession(deps, ctx, accountId);
  redirect(ctx, idpPaths.account());
}
