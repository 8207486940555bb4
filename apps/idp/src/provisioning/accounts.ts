import { hashPassword, type ScryptParams, verifyPassword } from '@extauth/server-kit/passwords';
import type { SeedAccount } from '@extauth/shared/seed';
import { generatePassword } from '../domain/passwords.js';
import { generateRecoveryCode, hashRecoveryCode } from '../domain/recovery-codes.js';
import { buildTotpUri, generateTotpSecret } from '../domain/totp.js';
import {
  type MfaDeps,
  openTotpSecret,
  revokeTrustAfterMfaChange,
  sealTotpSecret,
} from '../flows/mfa-enrollment/mfa-enrollment.js';
import { revokeOidcAccessOfAccount } from '../oidc/adapter.js';
import type { AccountSessionStore } from '../store/account-sessions.js';
import type { Account } from '../store/accounts.js';
import type { OidcModelStore } from '../store/oidc-models.js';
import { newAccountId } from '../store/seed.js';

/** Accounts made by a seed file or the admin API rather than by signing up. */
export interface ProvisioningDeps extends MfaDeps {
  accountSessions: AccountSessionStore;
  oidcModels: OidcModelStore;
  passwordHashing: ScryptParams;
  /** The issuer name in otpauth:// URIs (the brand, as on "Secure Your Account"). */
  brand: string;
}

/** Base32 as authenticator apps take it: upper case, no padding. */
export const normalizeTotpSecret = (secret: string) => secret.replace(/=+$/, '').toUpperCase();

const nowMs = (deps: Pick<MfaDeps, 'clock'>) => deps.clock.now().getTime();

export type UpsertOutcome = 'created' | 'updated' | 'unchanged';

/**
 * Makes the account match the seed: created when missing; otherwise names and flags set again, the
 * password replaced only when it is not the seed's (which revokes trust, as any password change),
 * and MFA set when the seed names a secret that is not the one in force. MFA the person enrolled
 * is kept when the seed names none.
 */
export async function upsertSeedAccount(
  deps: ProvisioningDeps,
  seed: SeedAccount,
): Promise<{ account: Account; outcome: UpsertOutcome }> {
  const existing = deps.accounts.findAccountByEmail(seed.email);
  let outcome: UpsertOutcome = 'unchanged';
  let account: Account;
  if (!existing) {
    const created = deps.accounts.createAccount({
      id: newAccountId(),
      email: seed.email,
      emailVerified: seed.verified,
      givenName: seed.givenName,
      familyName: seed.familyName,
      newsletter: seed.newsletter,
      passwordHash: await hashPassword(seed.password, deps.passwordHashing),
      createdAt: deps.clock.now(),
    });
    if (!created.ok) return upsertSeedAccount(deps, seed);
    account = created.account;
    outcome = 'created';
  } else {
    account = existing;
    const profile = {
      givenName: seed.givenName,
      familyName: seed.familyName,
      emailVerified: seed.verified,
      newsletter: seed.newsletter,
    };
    if (Object.entries(profile).some(([k, v]) => account[k as keyof typeof profile] !== v)) {
      deps.accounts.applySeededProfile(account.id, profile);
      outcome = 'updated';
    }
    if (!(await verifyPassword(seed.password, account.passwordHash))) {
      deps.accounts.replacePassword(account.id, await hashPassword(seed.password, deps.passwordHashing));
      outcome = 'updated';
    }
  }
  if (seed.totpSecret !== undefined && !hasThisMfa(deps, account.id, seed.totpSecret, seed.recoveryCode)) {
    turnOnMfa(deps, account.id, seed.totpSecret, seed.recoveryCode);
    if (outcome === 'unchanged') outcome = 'updated';
  }
  const current = deps.accounts.findAccountById(account.id);
  if (!current) throw new Error(`account ${account.id} vanished while seeding`);
  return { account: current, outcome };
}

/**
 * The seed account written with a hash made beforehand, without awaiting anything, so that a reset
 * can erase and rebuild every account inside one database transaction: created with `id` when
 * missing, else (the demo account's email repeated in the seed) given the seed's profile and hash.
 */
export function writeSeedAccountNow(
  deps: ProvisioningDeps,
  seed: SeedAccount,
  id: string,
  passwordHash: string,
): { account: Account; outcome: Exclude<UpsertOutcome, 'unchanged'> } {
  const existing = deps.accounts.findAccountByEmail(seed.email);
  const profile = {
    givenName: seed.givenName,
    familyName: seed.familyName,
    emailVerified: seed.verified,
    newsletter: seed.newsletter,
  };
  let accountId: string;
  if (existing) {
    deps.accounts.applySeededProfile(existing.id, profile);
    deps.accounts.replacePassword(existing.id, passwordHash);
    accountId = existing.id;
  } else {
    const created = deps.accounts.createAccount({
      id,
      email: seed.email,
      ...profile,
      passwordHash,
      createdAt: deps.clock.now(),
    });
    if (!created.ok) throw new Error(`seed account ${seed.email} could not be created`);
    accountId = created.account.id;
  }
  if (seed.totpSecret !== undefined) turnOnMfa(deps, accountId, seed.totpSecret, seed.recoveryCode);
  const current = deps.accounts.findAccountById(accountId);
  if (!current) throw new Error(`account ${accountId} vanished while seeding`);
  return { account: current, outcome: existing ? 'updated' : 'created' };
}

function hasThisMfa(deps: ProvisioningDeps, accountId: string, secret: string, recoveryCode: string | undefined) {
  const factor = deps.mfa.findMfaFactor(accountId);
  if (factor?.status !== 'active') return false;
  if (openTotpSecret(deps, accountId, factor.sealedSecret) !== normalizeTotpSecret(secret)) return false;
  return recoveryCode === undefined || factor.recoveryCodeHash === hashRecoveryCode(recoveryCode);
}

/** An active factor at once (no enrolment); an MFA change, so trust is revoked. */
function turnOnMfa(deps: ProvisioningDeps, accountId: string, secret: string, recoveryCode: string | undefined) {
  const sealed = sealTotpSecret(deps, accountId, normalizeTotpSecret(secret));
  const recoveryHash = recoveryCode === undefined ? undefined : hashRecoveryCode(recoveryCode);
  deps.mfa.setActiveTotpFactor(accountId, sealed, recoveryHash, nowMs(deps));
  revokeTrustAfterMfaChange(deps, accountId);
}

export interface MfaSecrets {
  totpSecret: string;
  recoveryCode: string;
  otpauthUri: string;
}

/** Sets MFA with the given or new secret and recovery code; both are returned once, never stored in plaintext. */
export function setAccountMfa(
  deps: ProvisioningDeps,
  account: Account,
  input: { totpSecret?: string | undefined; recoveryCode?: string | undefined },
): MfaSecrets {
  const totpSecret = normalizeTotpSecret(input.totpSecret ?? generateTotpSecret(deps.random));
  const recoveryCode = input.recoveryCode ?? generateRecoveryCode(deps.random);
  turnOnMfa(deps, account.id, totpSecret, recoveryCode);
  return {
    totpSecret,
    recoveryCode,
    otpauthUri: buildTotpUri({ issuer: deps.brand, accountName: account.email, secret: totpSecret }),
  };
}

/** Removes the factor and, with it, every trusted site. */
export function clearAccountMfa(deps: ProvisioningDeps, accountId: string): void {
  deps.mfa.removeMfa(accountId);
  revokeTrustAfterMfaChange(deps, accountId);
}

/** Ends everything that keeps the account signed in somewhere: trust, account-page and OIDC sessions, grants, tokens. */
export function revokeAccountAccess(
  deps: ProvisioningDeps,
  accountId: string,
): { accountSessions: number; oidcArtefacts: number } {
  revokeTrustAfterMfaChange(deps, accountId);
  return {
    accountSessions: deps.accountSessions.endAccountSessionsOfAccount(accountId),
    oidcArtefacts: revokeOidcAccessOfAccount(deps.oidcModels, accountId),
  };
}

export function deleteAccount(deps: ProvisioningDeps, accountId: string): boolean {
  revokeOidcAccessOfAccount(deps.oidcModels, accountId);
  return deps.accounts.eraseAccount(accountId);
}

/** A password for an account the admin API creates without one. */
export const newAccountPassword = (deps: Pick<MfaDeps, 'random'>) => generatePassword(deps.random);

/** What the admin API shows of an account: never a hash or a secret. */
export function describeAccount(deps: ProvisioningDeps, account: Account) {
  const factor = deps.mfa.findMfaFactor(account.id);
  return {
    sub: account.id,
    email: account.email,
    givenName: account.givenName,
    familyName: account.familyName,
    verified: account.emailVerified,
    newsletter: account.newsletter,
    mfa: factor?.status === 'active' ? 'active' : factor ? 'enrolling' : 'off',
    hasRecoveryCode: factor?.status === 'active' && factor.recoveryCodeHash !== undefined,
    createdAt: account.createdAt.toISOString(),
  };
}
