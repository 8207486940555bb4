import { randomToken } from '@extauth/server-kit/crypto';
import { hashPassword, type ScryptParams } from '@extauth/server-kit/passwords';
import type { AccountsStore } from './accounts.js';

export interface DemoAccountSeed {
  email: string;
  password: string;
  givenName: string;
  familyName: string;
}

/** An opaque, random account id: the stable `sub`, never derived from the email. */
export function newAccountId(): string {
  return randomToken(16);
}

/**
 * Creates the demo account when no account has its email. An existing account is left alone, so
 * a password the person changed later survives restarts; hashing happens only on creation.
 */
export async function seedDemoAccount(
  deps: { accounts: AccountsStore; passwordHashing: ScryptParams; now: () => Date },
  seed: DemoAccountSeed,
): Promise<'created' | 'exists'> {
  if (deps.accounts.findAccountByEmail(seed.email)) return 'exists';
  const result = deps.accounts.createAccount({
    id: newAccountId(),
    email: seed.email,
    emailVerified: true,
    givenName: seed.givenName,
    familyName: seed.familyName,
    passwordHash: await hashPassword(seed.password, deps.passwordHashing),
    createdAt: deps.now(),
  });
  // Another process sharing the data folder may have created it meanwhile: same outcome.
  return result.ok ? 'created' : 'exists';
}
