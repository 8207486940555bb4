import { generateRecoveryCode, hashRecoveryCode, normalizeRecoveryCode } from '../../domain/recovery-codes.js';
import { checkTotpCode, SPEC_MFA_LOCK } from '../../domain/totp.js';
import { type MfaDeps, openTotpSecret } from '../mfa-enrollment/mfa-enrollment.js';

/**
 * The second step of a login for an account with MFA ("Verify Your Identity"):
 *
 * ```mermaid
 * stateDiagram-v2
 *   [*] --> awaiting_second_factor: right password
 *   awaiting_second_factor --> awaiting_second_factor: wrong or replayed code (counted)
 *   awaiting_second_factor --> locked: 5th failure in a row
 *   locked --> awaiting_second_factor: 15 minutes later (every attempt meanwhile: 429)
 *   awaiting_second_factor --> completed: one-time code (amr pwd+otp, acr 2)
 *   awaiting_second_factor --> recording_recovery_code: recovery code (used up, a new one issued)
 *   recording_recovery_code --> completed: I have safely recorded this code (amr pwd+mfa, acr 2)
 *   completed --> [*]: login finished once (interactionResult) or account-page session
 * ```
 */
export type MfaChallengeState = 'awaiting_second_factor' | 'locked' | 'recording_recovery_code' | 'completed';

const nowMs = (deps: Pick<MfaDeps, 'clock'>) => deps.clock.now().getTime();

export type LockState = { locked: false } | { locked: true; retryAfterSeconds: number };

/** Whether every second-factor attempt of this account is refused right now. */
export function mfaLockState(deps: Pick<MfaDeps, 'mfa' | 'clock'>, accountId: string): LockState {
  const lockedUntil = deps.mfa.findMfaFactor(accountId)?.lockedUntil ?? 0;
  const now = nowMs(deps);
  return lockedUntil > now
    ? { locked: true, retryAfterSeconds: Math.max(1, Math.ceil((lockedUntil - now) / 1000)) }
    : { locked: false };
}

function recordFailure(deps: Pick<MfaDeps, 'mfa' | 'clock' | 'mfaLock'>, accountId: string): void {
  const lock = deps.mfaLock ?? SPEC_MFA_LOCK;
  deps.mfa.recordMfaFailure(accountId, nowMs(deps), lock.maxFailures, lock.lockSeconds * 1000);
}

export type SecondFactorResult = { ok: true } | { ok: false; error: 'CODE_WRONG' | 'CODE_REPLAYED' | 'LOCKED' };

/**
 * A one-time code of the active factor: within ±1 step, and its step not used before (claimed
 * atomically). Wrong and replayed codes count towards the lock; a right one clears the count.
 * Callers check the lock first (guard), and this checks again so a race cannot slip past it.
 * The lock check, the code check and the recorded failure run without another request in between:
 * otplib's `verify` only wraps a synchronous HMAC, so its await yields to nothing but microtasks.
 * Were it ever to wait on real work (a thread-pool HMAC), parallel guesses would all pass the lock
 * check; mfa-codes-parallel.test.ts fails then, and the count must move before the check, as the
 * password limits do (http/attempt-throttle.ts `attempt`).
 */
export async function verifyOneTimeCode(
  deps: MfaDeps,
  input: { accountId: string; code: string },
): Promise<SecondFactorResult> {
  if (mfaLockState(deps, input.accountId).locked) return { ok: false, error: 'LOCKED' };
  const factor = deps.mfa.findMfaFactor(input.accountId);
  if (factor?.status !== 'active') return { ok: false, error: 'CODE_WRONG' };
  const secret = openTotpSecret(deps, input.accountId, factor.sealedSecret);
  const check = await checkTotpCode(secret, input.code, nowMs(deps));
  if (!check.ok) {
    recordFailure(deps, input.accountId);
    return { ok: false, error: 'CODE_WRONG' };
  }
  if (!deps.mfa.claimTotpStep(input.accountId, check.timeStep)) {
    recordFailure(deps, input.accountId);
    return { ok: false, error: 'CODE_REPLAYED' };
  }
  deps.mfa.clearMfaFailures(input.accountId);
  return { ok: true };
}

export type RecoveryCodeResult = { ok: true; newRecoveryCode: string } | { ok: false; error: 'CODE_WRONG' | 'LOCKED' };

/**
 * awaiting_second_factor → recording_recovery_code. The used code is replaced by a new one in one
 * conditional UPDATE, so of two concurrent submits exactly one wins; the new code is live at once
 * (the old one is dead, and the person must not be left without a way in).
 */
export function redeemRecoveryCode(deps: MfaDeps, input: { accountId: string; code: string }): RecoveryCodeResult {
  if (mfaLockState(deps, input.accountId).locked) return { ok: false, error: 'LOCKED' };
  const normalized = normalizeRecoveryCode(input.code);
  const newRecoveryCode = generateRecoveryCode(deps.random);
  const won =
    normalized !== undefined &&
    deps.mfa.consumeRecoveryCode(
      input.accountId,
      hashRecoveryCode(normalized),
      hashRecoveryCode(newRecoveryCode),
      nowMs(deps),
    );
  if (!won) {
    recordFailure(deps, input.accountId);
    return { ok: false, error: 'CODE_WRONG' };
  }
  deps.mfa.clearMfaFailures(input.accountId);
  return { ok: true, newRecoveryCode };
}
