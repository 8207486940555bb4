import { verifyPassword } from '@extauth/server-kit/passwords';
import { generateRecoveryCode, hashRecoveryCode } from '../../domain/recovery-codes.js';
import { isTotpFormat } from '../../domain/totp.js';
import type { Account } from '../../store/accounts.js';
import { verifyOneTimeCode } from '../mfa-challenge/mfa-challenge.js';
import { type MfaDeps, revokeTrustAfterMfaChange } from '../mfa-enrollment/mfa-enrollment.js';

export type ProofResult =
  | { ok: true }
  | { ok: false; error: 'PASSWORD_WRONG' | 'CODE_WRONG' | 'CODE_REPLAYED' | 'LOCKED' };

/** What a "Password or one-time code" proof is: six digits are a code (passwords are 12+ characters). */
export const proofKind = (proof: string): 'code' | 'password' => (isTotpFormat(proof) ? 'code' : 'password');

/**
 * "Password or one-time code" on the account page. Six digits are a code (no password is that
 * short: the rule is 12 characters); anything else is the password. Codes obey the same window,
 * replay and lock rules as at login.
 */
export async function proveAccountHolder(deps: MfaDeps, account: Account, proof: string): Promise<ProofResult> {
  if (proofKind(proof) === 'code') return verifyOneTimeCode(deps, { accountId: account.id, code: proof });
  return (await verifyPassword(proof, account.passwordHash)) ? { ok: true } : { ok: false, error: 'PASSWORD_WRONG' };
}

/** A new recovery code, live at once (the old one stops working); an MFA change, so trust is revoked. */
export function regenerateRecoveryCode(deps: MfaDeps, accountId: string): string {
  const code = generateRecoveryCode(deps.random);
  deps.mfa.replaceRecoveryCode(accountId, hashRecoveryCode(code), deps.clock.now().getTime());
  revokeTrustAfterMfaChange(deps, accountId);
  return code;
}

/** Removes the factor (secret and recovery code); trust is revoked. */
export function turnOffMfa(deps: MfaDeps, accountId: string): void {
  deps.mfa.removeMfa(accountId);
  revokeTrustAfterMfaChange(deps, accountId);
}
