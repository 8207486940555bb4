import { createHash } from 'node:crypto';
import type { RandomSource } from './random.js';
import { base32Encode } from './totp.js';

/**
 * spec/webpros-account.md, "Recovery code": one code, at least 120 bits, shown once, stored hashed,
 * accepted case-insensitively with or without separators. 25 base32 characters carry 125 bits;
 * shown as five groups of five.
 */
export const RECOVERY_CODE_CHARS = 25;
const GROUP = 5;

export function generateRecoveryCode(random: RandomSource): string {
  const chars = base32Encode(random.bytes(16)).slice(0, RECOVERY_CODE_CHARS);
  return (chars.match(new RegExp(`.{${GROUP}}`, 'g')) ?? []).join('-');
}

/** Upper case, separators (spaces, hyphens) removed; undefined when it cannot be a recovery code. */
export function normalizeRecoveryCode(input: string): string | undefined {
  const compact = input.replace(/[\s\-_.]+/g, '').toUpperCase();
  return new RegExp(`^[A-Z2-7]{${RECOVERY_CODE_CHARS}}$`).test(compact) ? compact : undefined;
}

/**
 * SHA-256 of the normalised code. With 125 bits of entropy no salt or slow hash is needed (the
 * Copenhagen Book's rule for high-entropy tokens), and the hash can be looked up in one statement.
 */
export function hashRecoveryCode(code: string): string {
  const normalized = normalizeRecoveryCode(code);
  if (!normalized) throw new Error('not a recovery code');
  return createHash('sha256').update(`recovery-code:${normalized}`).digest('hex');
}
