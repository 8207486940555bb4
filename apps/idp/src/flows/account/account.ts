import { hashPassword, type ScryptParams, verifyPassword } from '@extauth/server-kit/passwords';
import type { AccountSessionStore } from '../../store/account-sessions.js';
import type { Account, AccountsStore } from '../../store/accounts.js';
import type { OidcModelStore } from '../../store/oidc-models.js';
import { revokeEverything } from '../password-reset/password-reset.js';

export type ChangePasswordResult = { ok: true } | { ok: false; error: 'CURRENT_PASSWORD_WRONG' };

/**
 * "Change password": needs the current one. Ends every other account-page session, every OIDC
 * session, grant and token of the account, and all trust (by raising the credential version);
 * this browser's account-page session stays.
 */
export async function changePassword(
  deps: {
    accounts: AccountsStore;
    accountSessions: AccountSessionStore;
    oidcModels: OidcModelStore;
    passwordHashing: ScryptParams;
  },
  input: { account: Account; currentPassword: string; newPassword: string; currentSessionIdHash: string | undefined },
): Promise<ChangePasswordResult> {
  if (!(await verifyPassword(input.currentPassword, input.account.passwordHash))) {
    return { ok: false, error: 'CURRENT_PASSWORD_WRONG' };
  }
  const hash = await hashPassword(input.newPassword, deps.passwordHashing);
  revokeEverything(deps, input.account.id, hash, input.currentSessionIdHash);
  return { ok: true };
}

/** What the welcome page shows about multi-factor authentication until issue 4 wires enrolment. */
export type MfaState = 'not_enabled';

export function mfaStateOf(_account: Account): MfaState {
  return 'not_enabled';
}
