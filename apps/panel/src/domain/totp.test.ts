import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseTfaIssuer, resolveTfaIssuer } from './tfa-issuer.js';
import {
  base32Decode,
  base32Encode,
  buildTfaOtpauthUri,
  checkTfaCode,
  normalizeTfaSecret,
  tfaCodeAt,
  tfaSecretFromBytes,
  timeStepAt,
} from './totp.js';

// RFC 6238 Appendix B, SHA-1 seed "12345678901234567890"; the 6-digit codes are the last six of the 8-digit ones.
const RFC_SECRET = base32Encode(Buffer.from('12345678901234567890', 'ascii'));
const RFC_VECTORS: [number, string][] = [
  [59, '287082'],
  [1111111109, '081804'],
  [1111111111, '050471'],
  [1234567890, '005924'],
  [2000000000, '279037'],
  [20000000000, '353130'],
];

describe('WHM TOTP (RFC 6238)', () => {
  test('matches the RFC 6238 SHA-1 test vectors', () => {
    assert.equal(RFC_SECRET, 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
    for (const [unix, code] of RFC_VECTORS)
      assert.equal(tfaCodeAt(RFC_SECRET, timeStepAt(unix * 1000)), code, `T=${unix}`);
  });

  test('a WHM secret is 16 base32 characters from 10 bytes, and decodes back to them', () => {
    const bytes = Buffer.from('0123456789abcdef0123', 'hex');
    const secret = tfaSecretFromBytes(bytes);
    assert.match(secret, /^[A-Z2-7]{16}$/);
    assert.deepEqual(base32Decode(secret), bytes);
    assert.throws(() => tfaSecretFromBytes(Buffer.alloc(20)), /10 bytes/);
  });

  test('normalises a typed secret and refuses other alphabets and lengths', () => {
    assert.equal(normalizeTfaSecret('jbsw y3dp ehpk 3pxp'), 'JBSWY3DPEHPK3PXP');
    assert.equal(normalizeTfaSecret('JBSWY3DPEHPK3PX'), undefined, '15 characters');
    assert.equal(normalizeTfaSecret('JBSWY3DPEHPK3PX1'), undefined, '1 is not base32');
    assert.equal(normalizeTfaSecret('A'.repeat(33)), undefined);
  });

  test('accepts the previous, current and next step and refuses two steps away', () => {
    const secret = 'JBSWY3DPEHPK3PXP';
    const now = Date.UTC(2026, 11, 3, 12, 0, 10);
    const step = timeStepAt(now);
    const at = (offset: number) => checkTfaCode(secret, tfaCodeAt(secret, step + offset), now);
    assert.deepEqual(at(-2), { ok: false });
    assert.deepEqual(at(-1), { ok: true, timeStep: step - 1 });
    assert.deepEqual(at(0), { ok: true, timeStep: step });
    assert.deepEqual(at(1), { ok: true, timeStep: step + 1 });
    assert.deepEqual(at(2), { ok: false });
  });

  test('ignores spaces in what is typed; anything but six digits is simply wrong', () => {
    const secret = 'JBSWY3DPEHPK3PXP';
    const now = Date.UTC(2026, 11, 3, 12, 0, 10);
    const code = tfaCodeAt(secret, timeStepAt(now));
    assert.equal(checkTfaCode(secret, `${code.slice(0, 3)} ${code.slice(3)}`, now).ok, true);
    for (const input of ['', '12345', '1234567', 'abcdef', `${code}\n1`]) {
      assert.deepEqual(checkTfaCode(secret, input, now), { ok: false }, JSON.stringify(input));
    }
  });

  test('builds the otpauth URI without algorithm, digits or period, with encoded issuer and account', () => {
    assert.equal(
      buildTfaOtpauthUri({ issuer: 'My Host', account: 'root', secret: 'JBSWY3DPEHPK3PXP' }),
      'otpauth://totp/My%20Host:root?secret=JBSWY3DPEHPK3PXP&issuer=My%20Host',
    );
  });
});

describe('WHM 2FA issuer', () => {
  test('strips surrounding quotes and allows 32 characters of letters, digits, space, . _ -', () => {
    assert.deepEqual(parseTfaIssuer('"My Host.example_1-2"'), { ok: true, issuer: 'My Host.example_1-2' });
    assert.deepEqual(parseTfaIssuer("'x'"), { ok: true, issuer: 'x' });
    assert.deepEqual(parseTfaIssuer('a'.repeat(32)), { ok: true, issuer: 'a'.repeat(32) });
    assert.deepEqual(parseTfaIssuer(''), { ok: true, issuer: '' });
    assert.deepEqual(parseTfaIssuer('a'.repeat(33)), { ok: false });
    for (const bad of ['a:b', 'a/b', 'née', 'a"b', '<b>']) assert.deepEqual(parseTfaIssuer(bad), { ok: false }, bad);
  });

  test('resolves own → owner → system-wide → hostname', () => {
    const hostname = 'host.example';
    assert.equal(resolveTfaIssuer({ own: 'A', owner: 'B', systemWide: 'C', hostname }), 'A');
    assert.equal(resolveTfaIssuer({ owner: 'B', systemWide: 'C', hostname }), 'B');
    assert.equal(resolveTfaIssuer({ systemWide: 'C', hostname }), 'C');
    assert.equal(resolveTfaIssuer({ systemWide: '', hostname }), hostname);
  });
});
