import { type RandomSource, randomInt } from './random.js';

/** "Generate" (spec: at least 16 characters from a CSPRNG): 20 characters, about 118 bits. */
export const GENERATED_PASSWORD_LENGTH = 20;
/** Letters and digits without look-alikes (0/O, 1/l/I) plus a few symbols, all typable. */
export const GENERATED_PASSWORD_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789-_.!@#%+=';

export function generatePassword(random: RandomSource): string {
  let out = '';
  for (let i = 0; i < GENERATED_PASSWORD_LENGTH; i += 1) {
    out += GENERATED_PASSWORD_ALPHABET[randomInt(random, GENERATED_PASSWORD_ALPHABET.length)];
  }
  return out;
}
