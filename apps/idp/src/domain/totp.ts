import { verify } from 'otplib';
import type { RandomSource } from './random.js';

/** spec/webpros-account.md, "TOTP": RFC 6238, SHA-1, 6 digits, 30 s, window ±1 step, 160-bit secret. */
export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
export const TOTP_WINDOW_STEPS = 1;
export const TOTP_SECRET_BYTES = 20;
/** spec: "after 5 wrong codes in a row … refused with HTTP 429 … for 15 minutes" (the defaults). */
export const MFA_MAX_FAILURES = 5;
export const MFA_LOCK_SECONDS = 15 * 60;

/** The MFA lock: this many wrong or replayed codes in a row refuse every attempt for `lockSeconds`. */
export interface MfaLock {
  maxFailures: number;
  lockSeconds: number;
}
export const SPEC_MFA_LOCK: MfaLock = { maxFailures: MFA_MAX_FAILURES, lockSeconds: MFA_LOCK_SECONDS };
/** spec: the enrollment link is single-use and expires after 24 h. */
export const ENROLLMENT_LINK_TTL_SECONDS = 24 * 60 * 60;

const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 §6 base32, upper case, without the `=` padding (authenticator apps expect none). */
export function base32Encode(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32_ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32_ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

/** A new 160-bit secret from the injected random source: 32 base32 characters. */
export function generateTotpSecret(random: RandomSource): string {
  return base32Encode(random.bytes(TOTP_SECRET_BYTES));
}

/** The secret as shown for manual entry: upper case, groups of four ("ABCD EFGH …"). */
export function formatSecretForDisplay(secret: string): string {
  return (secret.toUpperCase().match(/.{1,4}/g) ?? []).join(' ');
}

/**
 * The Key Uri Format of Google Authenticator (github.com/google/google-authenticator/wiki/Key-Uri-Format):
 * `otpauth://totp/ISSUER:ACCOUNT?secret=…&issuer=ISSUER&algorithm=SHA1&digits=6&period=30`. Label
 * parts and the issuer are percent-encoded (space is %20, `+` is %2B, `@` is %40, UTF-8 for the
 * rest); the `:` separating them stays literal. Built here rather than by otplib's generateURI,
 * which omits algorithm, digits and period when they are the defaults (the spec lists them).
 */
export function buildTotpUri(input: { issuer: string; accountName: string; secret: string }): string {
  const issuer = encodeURIComponent(input.issuer);
  const label = `${issuer}:${encodeURIComponent(input.accountName)}`;
  const query = [
    `secret=${input.secret}`,
    `issuer=${issuer}`,
    'algorithm=SHA1',
    `digits=${TOTP_DIGITS}`,
    `period=${TOTP_PERIOD_SECONDS}`,
  ].join('&');
  return `otpauth://totp/${label}?${query}`;
}

/** What a person types: spaces (some apps show "123 456") are ignored. */
export function normalizeTotpInput(input: string): string {
  return input.replace(/\s+/g, '');
}

export function isTotpFormat(input: string): boolean {
  return new RegExp(`^\\d{${TOTP_DIGITS}}$`).test(normalizeTotpInput(input));
}

export type TotpCheck = { ok: true; timeStep: number } | { ok: false };

/**
 * Checks a code against the secret at `nowMs` within ±1 step. Returns the matched time step: the
 * caller claims it once per account (no replay). Malformed input is a wrong code, not an error.
 */
export async function checkTotpCode(secret: string, input: string, nowMs: number): Promise<TotpCheck> {
  const token = normalizeTotpInput(input);
  if (!isTotpFormat(token)) return { ok: false };
  const result = await verify({
    secret,
    token,
    epoch: Math.floor(nowMs / 1000),
    period: TOTP_PERIOD_SECONDS,
    digits: TOTP_DIGITS,
    algorithm: 'sha1',
    // In seconds: ±30 s around now covers exactly the steps now-1, now and now+1.
    epochTolerance: TOTP_WINDOW_STEPS * TOTP_PERIOD_SECONDS,
  });
  // The TOTP strategy always reports the matched step (otplib 13: `{ valid, delta, timeStep }`).
  return result.valid && 'timeStep' in result ? { ok: true, timeStep: result.timeStep } : { ok: false };
}

/** The RFC 6238 time step (T) at `nowMs`. */
export function timeStepAt(nowMs: number): number {
  return Math.floor(nowMs / 1000 / TOTP_PERIOD_SECONDS);
}
