import type { AccountClaims } from '@extauth/shared/claims';
import type { FindAccount } from 'oidc-provider';
import type { Account, AccountsStore } from '../store/accounts.js';

export function accountClaims(account: Account): AccountClaims {
  return {
    sub: account.id,
    email: account.email,
    email_verified: account.emailVerified,
    given_name: account.givenName,
    family_name: account.familyName,
    name: `${account.givenName} ${account.familyName}`.trim(),
  };
}

/** oidc-provider's account lookup; it filters these claims by the granted scopes itself. */
export function createFindAccount(accounts: AccountsStore): FindAccount {
  return async (_ctx, sub) => {
    const account = accounts.findAccountById(sub);
    if (!account) return undefined;
    return { accountId: account.id, claims: async () => accountClaims(account) };
  };
}
