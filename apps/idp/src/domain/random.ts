import { randomBytes } from 'node:crypto';

/** The one source of randomness for codes, tokens and generated passwords; tests may fix it. */
export interface RandomSource {
  bytes(count: number): Buffer;
}

export const cryptoRandom: RandomSource = { bytes: (count) => randomBytes(count) };

/** A uniform integer in [0, max) by rejection sampling on 32-bit values (no modulo bias). */
export function randomInt(random: RandomSource, max: number): number {
  if (!Number.isInteger(max) || max <= 0 || max > 2 ** 32) throw new RangeError('max must be in 1..2^32');
  const limit = 2 ** 32 - (2 ** 32 % max);
  for (;;) {
    const value = random.bytes(4).readUInt32BE(0);
    if (value < limit) return value % max;
  }
}

export function randomTokenFrom(random: RandomSource, bytes = 32): string {
  return random.bytes(bytes).toString('base64url');
}
