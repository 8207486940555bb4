import { createHmac } from 'node:crypto';
import { constantTimeEqual } from '@extauth/server-kit/crypto';
import { type RandomSource, randomInt, randomTokenFrom } from './random.js';

/** spec/webpros-account.md, "Email code": 6 digits, 10 minutes, dead after 5 wrong tries. */
export const EMAIL_CODE_DIGITS = 6;
export const EMAIL_CODE_TTL_SECONDS = 10 * 60;
export const EMAIL_CODE_MAX_FAILED_ATTEMPTS = 5;

export function generateEmailCode(random: RandomSource): string {
  return String(randomInt(random, 10 ** EMAIL_CODE_DIGITS)).padStart(EMAIL_CODE_DIGITS, '0');
}

/**
 * HMAC-SHA-256 under a server key with a per-code salt: a copy of the database alone does not
 * allow an offline search of the million possible codes.
 */
export function hashEmailCode(key: string, salt: string, code: string): string {
  return createHmac('sha256', key).update(`${salt}:${code}`).digest('base64url');
}

export function newCodeSalt(random: RandomSource): string {
  return randomTokenFrom(random, 16);
}

/**
 * A hash no 6-digit input can match: stored when there is nothing the code may act on (an
 * address without an account), so such an address behaves exactly like one with an account.
 */
export function decoyCodeHash(key: string, salt: string, random: RandomSource): string {
  return hashEmailCode(key, salt, `decoy:${randomTokenFrom(random)}`);
}

export function emailCodeMatches(key: string, stored: { salt: string; codeHash: string }, input: string): boolean {
  return constantTimeEqual(hashEmailCode(key, stored.salt, input), stored.codeHash);
}
