import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeBase32, freshTotp, nextTotpStep, totp } from './totp.js';

// RFC 6238 appendix B: the SHA-1 secret is ASCII "12345678901234567890", 8 digits.
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

test('matches the RFC 6238 SHA-1 test vectors', () => {
  const vectors: [number, string][] = [
    [59, '94287082'],
    [1111111109, '07081804'],
    [1234567890, '89005924'],
    [2000000000, '69279037'],
  ];
  for (const [seconds, code] of vectors) assert.equal(totp(RFC_SECRET, { at: seconds * 1000, digits: 8 }), code);
});

test('decodes base32 with lower case, spaces and padding', () => {
  assert.equal(decodeBase32('gezd gnbv gy3t qojq').toString(), '1234567890');
  assert.equal(decodeBase32('MZXW6===').toString(), 'foo');
  assert.throws(() => decodeBase32('not base32!'), /unexpected/);
});

test('six digits by default; the next step starts on a 30 s boundary', () => {
  assert.match(totp(RFC_SECRET), /^\d{6}$/);
  assert.equal(nextTotpStep(new Date('2026-01-01T00:00:10Z')).toISOString(), '2026-01-01T00:00:30.000Z');
});

test('freshTotp never gives a step twice per secret: now, then the next step, then it waits', async () => {
  const secret = 'MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U';
  const period = 2;
  const codeAt = (step: number) => totp(secret, { at: step * period * 1000, period });
  const started = Math.floor(Date.now() / 1000 / period);
  const first = await freshTotp(secret, { period });
  const second = await freshTotp(secret.toLowerCase(), { period }); // the same secret, spelt differently
  const third = await freshTotp(secret, { period });
  const ended = Math.floor(Date.now() / 1000 / period);
  assert.ok([codeAt(started), codeAt(started + 1)].includes(first));
  assert.notEqual(second, first);
  assert.notEqual(third, second);
  assert.notEqual(third, first);
  assert.ok(ended > started, 'the third code needed the next step to begin');
  // `at` wins: exactly that moment's code, however often.
  const at = new Date('2026-01-01T00:00:00Z');
  assert.equal(await freshTotp(secret, { at, period }), totp(secret, { at, period }));
  assert.equal(await freshTotp(secret, { at, period }), totp(secret, { at, period }));
});
