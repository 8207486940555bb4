import { dummyPasswordHash, type ScryptParams, verifyPassword } from '@extauth/server-kit/passwords';
import type { AccountsStore } from '../../store/accounts.js';
import type { LoginForm } from './login.schema.js';

export type PasswordLoginResult =
  | { ok: true; accountId: string }
  | { ok: false; error: 'INVALID_CREDENTIALS' }
  /** The password is right but the address was never confirmed: the code page comes next. */
  | { ok: false; error: 'EMAIL_NOT_VERIFIED'; accountId: string; email: string };

/**
 * Checks an email and password. An unknown email costs the same scrypt work as a wrong password
 * (a verification against a dummy hash), so neither the answer nor its timing tells them apart.
 */
export async function authenticateWithPassword(
  deps: { accounts: AccountsStore; passwordHashing: ScryptParams },
  input: LoginForm,
): Promise<PasswordLoginResult> {
  const account = deps.accounts.findAccountByEmail(input.email);
  if (!account) {
    await verifyPassword(input.password, await dummyPasswordHash(deps.passwordHashing));
    return { ok: false, error: 'INVALID_CREDENTIALS' };
  }
  if (!(await verifyPassword(input.password, account.passwordHash))) return { ok: false, error: 'INVALID_CREDENTIALS' };
  if (!account.emailVerified) {
    return { ok: false, error: 'EMAIL_NOT_VERIFIED', accountId: account.id, email: account.email };
  }
  return { ok: true, accountId: account.id };
}
