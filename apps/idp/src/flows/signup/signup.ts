import { hashPassword } from '@extauth/server-kit/passwords';
import type { SignupForm } from '@extauth/shared/idp-forms';
import { newAccountId } from '../../store/seed.js';
import { type EmailCodeDeps, issueEmailCode } from '../email-code/email-code.js';

/**
 * Signup. The code step is the shared email-code page; inside an OIDC interaction a right code
 * finishes that interaction's login (then consent, then back to the client), directly it opens
 * the welcome page.
 *
 * ```mermaid
 * stateDiagram-v2
 *   [*] --> filling_form: Create one
 *   filling_form --> filling_form: Generate / invalid input
 *   filling_form --> awaiting_code: Create account (code mailed)
 *   awaiting_code --> awaiting_code: wrong code / Resend code
 *   awaiting_code --> verified: right code
 *   verified --> [*]: signed in (interaction continues, or welcome page)
 * ```
 */
export type SignupState = 'filling_form' | 'awaiting_code' | 'verified';

/** The Terms of Use version a new account agrees to, stored with the time of consent. */
export const TERMS_VERSION = '2025-01';

export type SignUpResult = { ok: true } | { ok: false; error: 'MAIL_FAILED' };

/**
 * Creates an unverified account and mails its code. The answer never reveals whether the address
 * was taken (spec): a verified account is left untouched and its owner is mailed "you already
 * have an account" instead of a code; an unverified one (nobody proved they own the address) takes
 * the new signup's details, so whoever controls the mailbox decides, and a squatter's password
 * does not survive. The password is hashed first on every path, so timing does not tell either.
 */
export async function signUp(
  deps: EmailCodeDeps & { passwordHashing: Parameters<typeof hashPassword>[1] },
  input: SignupForm & { loginUrl: string },
): Promise<SignUpResult> {
  const passwordHash = await hashPassword(input.password, deps.passwordHashing);
  const details = {
    passwordHash,
    givenName: input.first_name,
    familyName: input.last_name,
    termsAcceptedAt: deps.clock.now(),
    termsVersion: TERMS_VERSION,
    newsletter: input.newsletter === 'on',
  };
  const existing = deps.accounts.findAccountByEmail(input.email);
  if (!existing) {
    deps.accounts.createAccount({
      id: newAccountId(),
      email: input.email,
      emailVerified: false,
      createdAt: deps.clock.now(),
      ...details,
    });
  } else if (!existing.emailVerified) {
    deps.accounts.replaceUnverifiedSignup(existing.id, details);
  }
  const issued = await issueEmailCode(deps, { purpose: 'verify_email', email: input.email, loginUrl: input.loginUrl });
  // A code sent moments ago for the same address is still valid: the code page is the answer.
  if (!issued.ok && issued.error === 'MAIL_FAILED') return { ok: false, error: 'MAIL_FAILED' };
  return { ok: true };
}
