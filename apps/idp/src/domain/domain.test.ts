import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decoyCodeHash, emailCodeMatches, generateEmailCode, hashEmailCode } from './email-codes.js';
import { GENERATED_PASSWORD_ALPHABET, generatePassword } from './passwords.js';
import { cryptoRandom, type RandomSource, randomInt } from './random.js';
import { decideThrottle } from './rate-limits.js';

/** A random source that replays fixed 32-bit values. */
const fixed = (...values: number[]): RandomSource => ({
  bytes: (count) => {
    const buf = Buffer.alloc(count);
    buf.writeUInt32BE(values.shift() ?? 0, 0);
    return buf;
  },
});

describe('domain', () => {
  test('email codes are 6 digits with leading zeros, and rejection sampling discards biased values', () => {
    assert.equal(generateEmailCode(fixed(42)), '000042');
    // 2^32 - 1 lies in the last, incomplete block of a million, so it is redrawn.
    assert.equal(generateEmailCode(fixed(2 ** 32 - 1, 7)), '000007');
    assert.match(generateEmailCode(cryptoRandom), /^\d{6}$/);
    assert.throws(() => randomInt(cryptoRandom, 0), RangeError);
  });

  test('codes are stored as salted HMACs compared in constant time; a decoy matches no code', () => {
    const a = hashEmailCode('key', 'salt-1', '123456');
    assert.notEqual(a, hashEmailCode('key', 'salt-2', '123456'), 'per-code salt');
    assert.notEqual(a, hashEmailCode('other-key', 'salt-1', '123456'), 'server key');
    assert.equal(emailCodeMatches('key', { salt: 'salt-1', codeHash: a }, '123456'), true);
    assert.equal(emailCodeMatches('key', { salt: 'salt-1', codeHash: a }, '123457'), false);
    const decoy = { salt: 's', codeHash: decoyCodeHash('key', 's', cryptoRandom) };
    for (const code of ['000000', '123456', '999999']) assert.equal(emailCodeMatches('key', decoy, code), false);
  });

  test('"Generate" makes 20 characters of the alphabet, different every time', () => {
    const a = generatePassword(cryptoRandom);
    assert.equal(a.length, 20);
    assert.ok([...a].every((c) => GENERATED_PASSWORD_ALPHABET.includes(c)));
    assert.notEqual(a, generatePassword(cryptoRandom));
  });

  test('the throttle blocks at the limit until the window ends, with a whole number of seconds', () => {
    assert.deepEqual(decideThrottle(undefined, 3, 60, 0), { allowed: true });
    assert.deepEqual(decideThrottle({ failures: 2, windowStartedAt: 0 }, 3, 60, 1000), { allowed: true });
    assert.deepEqual(decideThrottle({ failures: 3, windowStartedAt: 0 }, 3, 60, 1500), {
      allowed: false,
      retryAfterSeconds: 59,
    });
  });
});
