import { EMAIL_CODE_TTL_SECONDS } from '../domain/email-codes.js';
import { composeMessage, type MailMessage } from './messages.js';

/**
 * Every message the IdP sends, in one place. Subjects are stable (the code is the only part that
 * changes); nothing secret is included except the message's own code.
 */
export const mailSubjects = Object.freeze({
  verifyEmail: (brand: string, code: string) => `Your ${brand} Account verification code: ${code}`,
  resetPassword: (brand: string, code: string) => `Your ${brand} Account password reset code: ${code}`,
  accountExists: (brand: string) => `You already have a ${brand} Account`,
  mfaEnrollment: (brand: string, email: string) =>
    `Enable multi-factor authentication for your ${brand} Account ${email}`,
});

const minutes = EMAIL_CODE_TTL_SECONDS / 60;

export function verifyEmailMessage(brand: string, to: string, code: string): MailMessage {
  return composeMessage({
    brand,
    to,
    subject: mailSubjects.verifyEmail(brand, code),
    greeting: 'Hello,',
    paragraphs: [
      `Your verification code is ${code}`,
      `Enter it on the ${brand} Account page to confirm your email address. It is valid for ${minutes} minutes and works once.`,
      'If you did not create an account, you can ignore this email.',
    ],
  });
}

export function resetPasswordMessage(brand: string, to: string, code: string): MailMessage {
  return composeMessage({
    brand,
    to,
    subject: mailSubjects.resetPassword(brand, code),
    greeting: 'Hello,',
    paragraphs: [
      `Your password reset code is ${code}`,
      `Enter it on the ${brand} Account page to choose a new password. It is valid for ${minutes} minutes and works once.`,
      'If you did not ask to reset your password, you can ignore this email: your password stays as it is.',
    ],
  });
}

/** Sent instead of a code when someone signs up with an address that already has an account. */
export function accountExistsMessage(brand: string, to: string, loginUrl: string): MailMessage {
  return composeMessage({
    brand,
    to,
    subject: mailSubjects.accountExists(brand),
    greeting: 'Hello,',
    paragraphs: [
      `Someone, hopefully you, tried to create a ${brand} Account with this email address, which already has one.`,
      'Log in instead; if you forgot your password, use “Forgot password?” on the login page.',
    ],
    action: { label: 'Log in', url: loginUrl },
  });
}

/** The enrollment email: its subject names the account; the link works once, for 24 hours. */
export function mfaEnrollmentMessage(brand: string, to: string, url: string): MailMessage {
  return composeMessage({
    brand,
    to,
    subject: mailSubjects.mfaEnrollment(brand, to),
    greeting: 'Hello,',
    paragraphs: [
      `You asked to set up multi-factor authentication for your ${brand} Account ${to}.`,
      'Open the link below and scan the QR code with your authenticator app. The link is valid for 24 hours and works once.',
      'If you did not ask for this, you can ignore this email: nothing changes until the link is used.',
    ],
    action: { label: 'Enable multi-factor authentication', url },
  });
}
