import { randomBytes } from 'node:crypto';
import type { ExternalAuthProblem } from '@extauth/shared/external-auth-texts';
import type { TwoFactorProblem } from '@extauth/shared/two-factor-texts';
import { ROOT_USERNAME } from '../bootstrap/root-password.js';
import type { PanelDeps } from '../deps.js';
import { parseTfaIssuer, resolveTfaIssuer } from '../domain/tfa-issuer.js';
import {
  buildTfaOtpauthUri,
  checkTfaCode,
  normalizeTfaSecret,
  TFA_SECRET_BYTES,
  tfaSecretFromBytes,
} from '../domain/totp.js';
import { SYSTEM_WIDE_ISSUER_SCOPE, type TfaUserConfigRecord, TWO_FACTOR_POLICY } from '../store/two-factor.store.js';

/**
 * WHM two-factor authentication settings (spec §8, §10), one set of use cases for the WHM API 1
 * functions and the Two-Factor Authentication page. Secrets are sealed with the user name as
 * associated data, so a sealed secret cannot be moved to another user.
 */
export type TfaDeps = Pick<PanelDeps, 'twoFactor' | 'tfaSealer' | 'users' | 'clock' | 'config' | 'logger'>;

type Problem = ExternalAuthProblem | TwoFactorProblem;
type Result<T extends object = object> = ({ ok: true } & T) | { ok: false; problem: Problem };

const secretAad = (username: string) => `tfa-secret:${username}`;

export function isTwoFactorPolicyEnabled(deps: Pick<TfaDeps, 'twoFactor'>): boolean {
  return deps.twoFactor.isPolicyEnabled(TWO_FACTOR_POLICY);
}

export function setTwoFactorPolicy(deps: TfaDeps, enabled: boolean): Result {
  try {
    deps.twoFactor.setPolicyEnabled(TWO_FACTOR_POLICY, enabled, deps.clock.now().getTime());
  } catch (err) {
    deps.logger.error('two-factor: could not change the security policy', { err });
    return { ok: false, problem: { code: 'policy_update_failed', action: enabled ? 'enable' : 'disable' } };
  }
  deps.logger.info('two-factor: security policy changed', { enabled });
  return { ok: true };
}

/** The security policy applies to this user: it is on and the user has a secret (§2.3 "configured"). */
export function requiresTwoFactor(deps: Pick<TfaDeps, 'twoFactor'>, username: string): boolean {
  return isTwoFactorPolicyEnabled(deps) && deps.twoFactor.findUserConfig(username) !== undefined;
}

export function openTfaSecret(deps: Pick<TfaDeps, 'tfaSealer'>, record: TfaUserConfigRecord): string {
  return deps.tfaSealer.open(record.secretSealed, secretAad(record.username));
}

/** The issuer in a user's otpauth URI (§10); only root sets one here, the system-wide issuer. */
export function tfaIssuerFor(deps: Pick<TfaDeps, 'twoFactor' | 'config'>, username: string): string {
  return resolveTfaIssuer({
    own: username === ROOT_USERNAME ? undefined : deps.twoFactor.findIssuer(username),
    systemWide: deps.twoFactor.findIssuer(SYSTEM_WIDE_ISSUER_SCOPE),
    hostname: deps.config.publicHostname,
  });
}

/** `twofactorauth_get_issuer`: the caller's effective issuer and the stored system-wide one ('' if unset). */
export function readTfaIssuers(deps: TfaDeps, caller: string): { issuer: string; system_wide_issuer: string } {
  return {
    issuer: tfaIssuerFor(deps, caller),
    system_wide_issuer: deps.twoFactor.findIssuer(SYSTEM_WIDE_ISSUER_SCOPE) ?? '',
  };
}

/** Root's issuer is the system-wide one (§2.3). An empty value clears it. */
export function saveTfaIssuer(deps: TfaDeps, caller: string, input: string): Result<{ issuer: string }> {
  const parsed = parseTfaIssuer(input);
  if (!parsed.ok) return { ok: false, problem: { code: 'invalid_issuer' } };
  const scope = caller === ROOT_USERNAME ? SYSTEM_WIDE_ISSUER_SCOPE : caller;
  deps.twoFactor.setIssuer(scope, parsed.issuer, deps.clock.now().getTime());
  return { ok: true, issuer: parsed.issuer };
}

/** `twofactorauth_generate_tfa_config`: a new 16-character secret and its otpauth URI for `username`. */
export function generateTfaConfig(
  deps: TfaDeps,
  username: string,
  bytes: Uint8Array = randomBytes(TFA_SECRET_BYTES),
): { secret: string; otpauthUri: string } {
  const secret = tfaSecretFromBytes(bytes);
  return {
    secret,
    otpauthUri: buildTfaOtpauthUri({ issuer: tfaIssuerFor(deps, username), account: username, secret }),
  };
}

/**
 * `twofactorauth_set_tfa_config` and "Configure Two-Factor Authentication": the code must match the
 * secret; its time step counts as used, so the same code cannot log in afterwards.
 */
export function setTfaConfig(deps: TfaDeps, username: string, input: { secret: string; token: string }): Result {
  const secret = normalizeTfaSecret(input.secret);
  if (!secret) return { ok: false, problem: { code: 'invalid_secret' } };
  const now = deps.clock.now().getTime();
  const check = checkTfaCode(secret, input.token, now);
  if (!check.ok) return { ok: false, problem: { code: 'invalid_security_code' } };
  deps.twoFactor.saveUserConfig({
    username,
    secretSealed: deps.tfaSealer.seal(secret, secretAad(username)),
    lastUsedStep: check.timeStep,
    configuredAt: now,
  });
  deps.twoFactor.clearFailures(username);
  deps.logger.info('two-factor: configured', { username });
  return { ok: true };
}

/** `twofactorauth_remove_user_config` and "Disable" (§8): per user, removed or the reason it was not. */
export function removeTfaConfigs(
  deps: TfaDeps,
  usernames: readonly string[],
): { failed: Record<string, string>; usersModified: string[] } {
  const failed: Record<string, string> = {};
  const usersModified: string[] = [];
  for (const username of new Set(usernames)) {
    if (!deps.users.findUser(username)) failed[username] = `You do not have access to an account named “${username}”.`;
    else if (!deps.twoFactor.deleteUserConfig(username)) {
      failed[username] = `The user “${username}” has not configured Two-Factor Authentication.`;
    } else usersModified.push(username);
  }
  if (usersModified.length > 0) deps.logger.info('two-factor: removed', { usernames: usersModified });
  return { failed, usersModified };
}

export interface TfaUserSummary {
  username: string;
  isEnabled: boolean;
  /** For root the hostname (§8), otherwise the account's domain. */
  primaryDomain: string;
}

function summaryOf(deps: TfaDeps, username: string, domain: string | null): TfaUserSummary {
  return {
    username,
    isEnabled: deps.twoFactor.findUserConfig(username) !== undefined,
    primaryDomain: username === ROOT_USERNAME ? deps.config.publicHostname : (domain ?? ''),
  };
}

/** `twofactorauth_get_user_configs`: one user, or every account root controls. */
export function listTfaUsers(deps: TfaDeps, only?: string): Result<{ users: TfaUserSummary[] }> {
  if (only !== undefined) {
    const user = deps.users.findUser(only);
    if (!user) return { ok: false, problem: { code: 'no_access_to_user', username: only } };
    return { ok: true, users: [summaryOf(deps, user.username, user.domain)] };
  }
  return { ok: true, users: deps.users.listUsers().map((u) => summaryOf(deps, u.username, u.domain)) };
}
