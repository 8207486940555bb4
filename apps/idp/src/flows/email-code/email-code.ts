import type { Clock } from '@extauth/server-kit/clock';
import type { Logger } from '@extauth/server-kit/logger';
import {
  decoyCodeHash,
  EMAIL_CODE_MAX_FAILED_ATTEMPTS,
  EMAIL_CODE_TTL_SECONDS,
  emailCodeMatches,
  generateEmailCode,
  hashEmailCode,
  newCodeSalt,
} from '../../domain/email-codes.js';
import type { RandomSource } from '../../domain/random.js';
import type { Mailer } from '../../mail/mailer.js';
import type { MailMessage } from '../../mail/messages.js';
import { accountExistsMessage, resetPasswordMessage, verifyEmailMessage } from '../../mail/templates.js';
import { type AccountsStore, normalizeEmail } from '../../store/accounts.js';
import type { EmailCodePurpose, EmailCodeStore } from '../../store/email-codes.js';

export interface EmailCodeDeps {
  accounts: AccountsStore;
  emailCodes: EmailCodeStore;
  mailer: Mailer;
  clock: Clock;
  random: RandomSource;
  logger: Logger;
  emailCodeKey: string;
  emailCodeResendSeconds: number;
  brand: string;
}

export type IssueEmailCodeResult =
  | { ok: true }
  | { ok: false; error: 'RESEND_TOO_SOON'; retryAfterSeconds: number }
  | { ok: false; error: 'MAIL_FAILED' };

/**
 * Issues the code of `purpose` for an address, replacing (so invalidating) any previous one, at
 * most once per `emailCodeResendSeconds` per address. What is mailed depends on the account:
 * - verify_email: an unverified account gets a code; a verified one gets "you already have an
 *   account" (signup must not reveal that it exists); no account gets nothing.
 * - reset_password: an account gets a code; no account gets nothing.
 * Where nothing may be done, a decoy that no input can match is stored instead, so attempts,
 * expiry and resend limits behave identically and the pages cannot tell the cases apart.
 * Reset mail is sent in the background so that its SMTP time does not reveal the account either.
 */
export async function issueEmailCode(
  deps: EmailCodeDeps,
  input: { purpose: EmailCodePurpose; email: string; loginUrl: string },
): Promise<IssueEmailCodeResult> {
  const now = deps.clock.now().getTime();
  const emailNormalized = normalizeEmail(input.email);
  const previous = deps.emailCodes.findEmailCode(input.purpose, emailNormalized);
  const nextAllowedAt = previous ? previous.sentAt + deps.emailCodeResendSeconds * 1000 : 0;
  if (now < nextAllowedAt) {
    return { ok: false, error: 'RESEND_TOO_SOON', retryAfterSeconds: Math.ceil((nextAllowedAt - now) / 1000) };
  }
  const account = deps.accounts.findAccountByEmail(input.email);
  const actsOn = input.purpose === 'verify_email' ? (account && !account.emailVerified ? account : undefined) : account;
  const salt = newCodeSalt(deps.random);
  const code = generateEmailCode(deps.random);
  deps.emailCodes.replaceEmailCode({
    purpose: input.purpose,
    emailNormalized,
    accountId: actsOn?.id,
    salt,
    codeHash: actsOn
      ? hashEmailCode(deps.emailCodeKey, salt, code)
      : decoyCodeHash(deps.emailCodeKey, salt, deps.random),
    sentAt: now,
    expiresAt: now + EMAIL_CODE_TTL_SECONDS * 1000,
  });

  // The address as stored for an account (as entered at signup), else as typed now.
  const to = actsOn?.email ?? account?.email ?? input.email;
  let message: MailMessage | undefined;
  if (input.purpose === 'verify_email') {
    if (actsOn) message = verifyEmailMessage(deps.brand, to, code);
    else if (account) message = accountExistsMessage(deps.brand, to, input.loginUrl);
  } else if (actsOn) {
    message = resetPasswordMessage(deps.brand, to, code);
  }
  if (input.purpose === 'reset_password') {
    if (message) {
      deps.mailer.send(message).catch((err: unknown) => deps.logger.error('sending a reset code failed', { err }));
    }
    return { ok: true };
  }
  if (!message) return { ok: true };
  try {
    await deps.mailer.send(message);
    return { ok: true };
  } catch (err) {
    deps.logger.error('sending an email code failed', { err });
    return { ok: false, error: 'MAIL_FAILED' };
  }
}

export type VerifyEmailCodeResult =
  | { ok: true; accountId: string }
  | { ok: false; error: 'NO_CODE' | 'EXPIRED' | 'DEAD' | 'WRONG' | 'USED' };

/**
 * Checks a typed code against the live code of (purpose, address). A right code is consumed in
 * one conditional DELETE, so of two concurrent submits exactly one succeeds; a wrong one counts
 * against that very code, which is dead after EMAIL_CODE_MAX_FAILED_ATTEMPTS.
 */
export function verifyEmailCode(
  deps: Pick<EmailCodeDeps, 'emailCodes' | 'clock' | 'emailCodeKey'>,
  input: { purpose: EmailCodePurpose; email: string; code: string },
): VerifyEmailCodeResult {
  const now = deps.clock.now().getTime();
  const emailNormalized = normalizeEmail(input.email);
  const stored = deps.emailCodes.findEmailCode(input.purpose, emailNormalized);
  if (!stored) return { ok: false, error: 'NO_CODE' };
  if (stored.failedAttempts >= EMAIL_CODE_MAX_FAILED_ATTEMPTS) return { ok: false, error: 'DEAD' };
  if (stored.expiresAt <= now) return { ok: false, error: 'EXPIRED' };
  if (!emailCodeMatches(deps.emailCodeKey, stored, input.code)) {
    const failed = deps.emailCodes.recordWrongEmailCode(input.purpose, emailNormalized, stored.codeHash);
    return { ok: false, error: failed >= EMAIL_CODE_MAX_FAILED_ATTEMPTS ? 'DEAD' : 'WRONG' };
  }
  const consumed = deps.emailCodes.consumeEmailCode(
    input.purpose,
    emailNormalized,
    stored.codeHash,
    now,
    EMAIL_CODE_MAX_FAILED_ATTEMPTS,
  );
  // A decoy has no account: unreachable with 6 digits, kept for the type.
  if (!consumed?.accountId) return { ok: false, error: 'USED' };
  return { ok: true, accountId: consumed.accountId };
}
