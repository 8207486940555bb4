import { hashPassword, type ScryptParams, verifyPassword } from '@extauth/server-kit/passwords';
import type { AccountSessionStore } from '../../store/account-sessions.js';
import type { Account, AccountsStore } from '../../store/accounts.js';
import type { MfaStore } from '../../store/mfa.js';
import type { OidcModelStore } from '../../store/oidc-models.js';
import type { TrustedSiteStore } from '../../store/trusted-sites.js';
import { endAccessOfOldPassword } from '../password-reset/password-reset.js';

export type ChangePasswordResult =
  | { ok: true }
  | { ok: false; error: 'CURRENT_PASSWORD_WRONG' | 'PASSWORD_CHANGED_MEANWHILE' };

/**
 * "Change password": needs the current one. Ends every other account-page session, every OIDC
 * session, grant and token of the account, and all trust (by raising the credential version);
 * this browser's account-page session stays (its route then gives it a new id, decision 013).
 * The new hash is stored only if the one the current password was checked against is still there:
 * of parallel changes proved with the same password exactly one wins (not the last to write while
 * every one reports success); the others get PASSWORD_CHANGED_MEANWHILE.
 */
export async function changePassword(
  deps: {
    accounts: AccountsStore;
    accountSessions: AccountSessionStore;
    oidcModels: OidcModelStore;
    trustedSites: TrustedSiteStore;
    passwordHashing: ScryptParams;
  },
  input: { account: Account; currentPassword: string; newPassword: string; currentSessionIdHash: string | undefined },
): Promise<ChangePasswordResult> {
  if (!(await verifyPassword(input.currentPassword, input.account.passwordHash))) {
    return { ok: false, error: 'CURRENT_PASSWORD_WRONG' };
  }
  const hash = await hashPassword(input.newPassword, deps.passwordHashing);
  if (!deps.accounts.replacePasswordIfUnchanged(input.account.id, input.account.passwordHash, hash)) {
    return { ok: false, error: 'PASSWORD_CHANGED_MEANWHILE' };
  }
  endAccessOfOldPassword(deps, input.account.id, input.currentSessionIdHash);
  return { ok: true };
}

/** What the welcome page shows about multi-factor authentication (a pending enrolment is not on). */
export type MfaState = 'not_enabled' | 'enabled';

export function mfaStateOf(mfa: MfaStore, account: Account): MfaState {
  return mfa.findMfaFactor(account.id)?.status === 'active' ? 'enabled' : 'not_enabled';
}
