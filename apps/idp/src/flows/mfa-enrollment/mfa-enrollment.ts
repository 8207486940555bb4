import type { Clock } from '@extauth/server-kit/clock';
import { type Sealer, sha256Hex } from '@extauth/server-kit/crypto';
import { type RandomSource, randomTokenFrom } from '../../domain/random.js';
import { generateRecoveryCode, hashRecoveryCode } from '../../domain/recovery-codes.js';
import {
  buildTotpUri,
  checkTotpCode,
  ENROLLMENT_LINK_TTL_SECONDS,
  formatSecretForDisplay,
  generateTotpSecret,
  type MfaLock,
} from '../../domain/totp.js';
import type { Mailer } from '../../mail/mailer.js';
import { mfaEnrollmentMessage } from '../../mail/templates.js';
import type { Account, AccountsStore } from '../../store/accounts.js';
import type { MfaStore } from '../../store/mfa.js';
import type { TrustedSiteStore } from '../../store/trusted-sites.js';

/**
 * MFA enrolment, by the emailed link (account page) or inside an authorization asking `acr_values=2`:
 *
 * ```mermaid
 * stateDiagram-v2
 *   [*] --> link_sent: Send an enrollment email
 *   link_sent --> enrolling: Enable multi-factor authentication (link used once, 24 h)
 *   [*] --> enrolling: acr_values=2, account without MFA (after the password)
 *   enrolling --> enrolling: wrong code (the pending secret stays)
 *   enrolling --> recording_recovery_code: right code (its time step is used up)
 *   recording_recovery_code --> recording_recovery_code: Continue without the box ticked
 *   recording_recovery_code --> active: I have safely recorded this code + Continue
 *   active --> [*]: trust revoked (MFA changed)
 * ```
 */
export type MfaEnrollmentState = 'link_sent' | 'enrolling' | 'recording_recovery_code' | 'active';

export interface MfaDeps {
  accounts: AccountsStore;
  mfa: MfaStore;
  trustedSites: TrustedSiteStore;
  /** AES-256-GCM for TOTP secrets at rest. */
  totpSealer: Sealer;
  clock: Clock;
  random: RandomSource;
  /** IDP_MFA_MAX_FAILURES / IDP_MFA_LOCK_SECONDS; the spec's 5 and 15 minutes when absent. */
  mfaLock?: MfaLock;
}

/** The ciphertext is bound to its account: a secret copied onto another row does not open. */
export const sealTotpSecret = (deps: Pick<MfaDeps, 'totpSealer'>, accountId: string, secret: string) =>
  deps.totpSealer.seal(secret, `totp:${accountId}`);
export const openTotpSecret = (deps: Pick<MfaDeps, 'totpSealer'>, accountId: string, sealed: string) =>
  deps.totpSealer.open(sealed, `totp:${accountId}`);

const now = (deps: Pick<MfaDeps, 'clock'>) => deps.clock.now().getTime();

export function isMfaActive(deps: Pick<MfaDeps, 'mfa'>, accountId: string): boolean {
  return deps.mfa.findMfaFactor(accountId)?.status === 'active';
}

export type SendEnrollmentEmailResult = { ok: true } | { ok: false; error: 'MFA_ALREADY_ACTIVE' };

/** [*] → link_sent. Only the token's hash is stored; a new email makes earlier links useless. */
export async function sendEnrollmentEmail(
  deps: MfaDeps & { mailer: Mailer; brand: string },
  input: { account: Account; linkUrl: (token: string) => string },
): Promise<SendEnrollmentEmailResult> {
  if (isMfaActive(deps, input.account.id)) return { ok: false, error: 'MFA_ALREADY_ACTIVE' };
  const token = randomTokenFrom(deps.random);
  deps.mfa.issueEnrollmentLink({
    tokenHash: sha256Hex(token),
    accountId: input.account.id,
    expiresAt: now(deps) + ENROLLMENT_LINK_TTL_SECONDS * 1000,
  });
  await deps.mailer.send(mfaEnrollmentMessage(deps.brand, input.account.email, input.linkUrl(token)));
  return { ok: true };
}

export type StartEnrollmentResult = { ok: true; accountId: string } | { ok: false; error: 'MFA_ALREADY_ACTIVE' };

/** → enrolling: a new 160-bit secret, pending until a code from it is entered. */
export function startTotpEnrollment(deps: MfaDeps, accountId: string): StartEnrollmentResult {
  const sealed = sealTotpSecret(deps, accountId, generateTotpSecret(deps.random));
  return deps.mfa.startTotpEnrollment(accountId, sealed, now(deps))
    ? { ok: true, accountId }
    : { ok: false, error: 'MFA_ALREADY_ACTIVE' };
}

export type OpenEnrollmentLinkResult = StartEnrollmentResult | { ok: false; error: 'LINK_INVALID' };

/** link_sent → enrolling: the link is consumed (once, even under concurrency). */
export function openEnrollmentLink(deps: MfaDeps, token: string): OpenEnrollmentLinkResult {
  const link = deps.mfa.consumeEnrollmentLink(sha256Hex(token), now(deps));
  if (!link) return { ok: false, error: 'LINK_INVALID' };
  return startTotpEnrollment(deps, link.accountId);
}

export interface PendingEnrollment {
  secretForDisplay: string;
  otpauthUri: string;
}

/** What "Secure Your Account" shows for the pending secret; undefined when nothing is pending. */
export function describePendingEnrollment(
  deps: MfaDeps & { brand: string },
  accountId: string,
): PendingEnrollment | undefined {
  const factor = deps.mfa.findMfaFactor(accountId);
  const account = deps.accounts.findAccountById(accountId);
  if (factor?.status !== 'pending' || !account) return undefined;
  const secret = openTotpSecret(deps, accountId, factor.sealedSecret);
  return {
    secretForDisplay: formatSecretForDisplay(secret),
    otpauthUri: buildTotpUri({ issuer: deps.brand, accountName: account.email, secret }),
  };
}

export type ConfirmEnrollmentResult =
  | { ok: true; recoveryCode: string }
  | { ok: false; error: 'CODE_WRONG' | 'CODE_REPLAYED' | 'NOT_PENDING' };

/**
 * enrolling → recording_recovery_code. The step of the confirming code is claimed, so the same
 * code cannot be used again to log in. The recovery code is stored hashed and returned once.
 */
export async function confirmTotpEnrollment(
  deps: MfaDeps,
  input: { accountId: string; code: string },
): Promise<ConfirmEnrollmentResult> {
  const factor = deps.mfa.findMfaFactor(input.accountId);
  if (factor?.status !== 'pending') return { ok: false, error: 'NOT_PENDING' };
  const check = await checkTotpCode(openTotpSecret(deps, input.accountId, factor.sealedSecret), input.code, now(deps));
  if (!check.ok) return { ok: false, error: 'CODE_WRONG' };
  if (!deps.mfa.claimTotpStep(input.accountId, check.timeStep)) return { ok: false, error: 'CODE_REPLAYED' };
  const recoveryCode = generateRecoveryCode(deps.random);
  if (!deps.mfa.confirmTotpEnrollment(input.accountId, hashRecoveryCode(recoveryCode), now(deps))) {
    return { ok: false, error: 'NOT_PENDING' };
  }
  return { ok: true, recoveryCode };
}

/** recording_recovery_code → active. An MFA change: every trusted site is forgotten. */
export function activateMfa(deps: MfaDeps, accountId: string): boolean {
  if (!deps.mfa.activateMfa(accountId, now(deps))) return false;
  revokeTrustAfterMfaChange(deps, accountId);
  return true;
}

/** spec: "a password change, password reset or MFA change revokes all trust". */
export function revokeTrustAfterMfaChange(deps: Pick<MfaDeps, 'accounts' | 'trustedSites'>, accountId: string): void {
  deps.accounts.raiseCredentialVersion(accountId);
  deps.trustedSites.revokeAllTrustOfAccount(accountId);
}
