import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { generate } from 'otplib';
import { generateRecoveryCode, hashRecoveryCode, normalizeRecoveryCode } from './recovery-codes.js';
import { base32Encode, buildTotpUri, checkTotpCode, formatSecretForDisplay, generateTotpSecret } from './totp.js';
import { openTrustClaim, signTrustClaim, trustCookieName } from './trust.js';

const counting = () => {
  let n = 0;
  return { bytes: (count: number) => Buffer.from(Array.from({ length: count }, () => (n++ * 37) % 256)) };
};

describe('TOTP, recovery codes and trust (pure)', () => {
  test('secrets are 160 bits as 32 uppercase base32 characters without padding (RFC 4648 vectors)', () => {
    assert.equal(base32Encode(Buffer.from('foobar')), 'MZXW6YTBOI');
    assert.equal(base32Encode(Buffer.from('f')), 'MY');
    const secret = generateTotpSecret(counting());
    assert.match(secret, /^[A-Z2-7]{32}$/);
    assert.equal(formatSecretForDisplay('abcdefghijklmnop'), 'ABCD EFGH IJKL MNOP');
  });

  test('the otpauth URI parses with URL and URLSearchParams back to its issuer, label and parameters', () => {
    const issuer = 'Web Pros+ Über';
    const accountName = 'ana+mfa@exämple.com';
    const uri = buildTotpUri({ issuer, accountName, secret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' });
    const url = new URL(uri);
    assert.equal(url.protocol, 'otpauth:');
    assert.equal(url.host, 'totp');
    const [labelIssuer, labelAccount] = url.pathname.slice(1).split(':').map(decodeURIComponent);
    assert.equal(labelIssuer, issuer);
    assert.equal(labelAccount, accountName);
    assert.deepEqual(Object.fromEntries(url.searchParams), {
      secret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
      issuer,
      algorithm: 'SHA1',
      digits: '6',
      period: '30',
    });
    assert.doesNotMatch(uri, /[ @+]|[^\x21-\x7e]/, 'spaces, @, + and non-ASCII are percent-encoded');
    assert.ok(uri.includes('Web%20Pros%2B%20%C3%9Cber:ana%2Bmfa%40ex%C3%A4mple.com'));
  });

  test('codes are accepted from -1 to +1 steps and refused at -2 and +2, with the matched step', async () => {
    const secret = generateTotpSecret(counting());
    const now = Date.UTC(2026, 0, 1, 0, 0, 15);
    const step = Math.floor(now / 30_000);
    for (const offset of [-2, -1, 0, 1, 2]) {
      const code = await generate({ secret, epoch: now / 1000 + offset * 30 });
      const result = await checkTotpCode(secret, code, now);
      assert.deepEqual(
        result,
        Math.abs(offset) <= 1 ? { ok: true, timeStep: step + offset } : { ok: false },
        `${offset}`,
      );
    }
    assert.deepEqual(await checkTotpCode(secret, '12345', now), { ok: false }, 'malformed input is a wrong code');
    assert.deepEqual(await checkTotpCode(secret, 'abcdef', now), { ok: false });
  });

  test('recovery codes carry 125 bits, grouped; typed lowercase, with spaces or without separators they hash alike', () => {
    const code = generateRecoveryCode(counting());
    assert.match(code, /^[A-Z2-7]{5}(-[A-Z2-7]{5}){4}$/);
    const variants = [code.toLowerCase(), code.replace(/-/g, ' '), ` ${code.replace(/-/g, '')} `];
    for (const v of variants) assert.equal(hashRecoveryCode(v), hashRecoveryCode(code));
    assert.equal(normalizeRecoveryCode('too-short'), undefined);
    assert.notEqual(generateRecoveryCode(counting()), generateRecoveryCode({ bytes: (n) => Buffer.alloc(n, 7) }));
  });

  test('a trust cookie is refused when tampered with, signed with another key or expired', () => {
    const claim = {
      trustId: 't1',
      accountId: 'alice',
      clientId: 'app',
      hostname: 'one.example.test',
      credentialVersion: 1,
      expiresAt: 2_000,
    };
    const value = signTrustClaim('key-1', claim);
    assert.deepEqual(openTrustClaim('key-1', value, 1_000), claim);
    assert.equal(openTrustClaim('key-2', value, 1_000), undefined);
    assert.equal(openTrustClaim('key-1', value, 2_000), undefined);
    const forged = Buffer.from(JSON.stringify({ ...claim, accountId: 'bob' })).toString('base64url');
    assert.equal(openTrustClaim('key-1', `${forged}.${value.split('.')[1]}`, 1_000), undefined);
    assert.notEqual(
      trustCookieName({ accountId: 'alice', clientId: 'app', hostname: 'h' }),
      trustCookieName({ accountId: 'bob', clientId: 'app', hostname: 'h' }),
    );
    assert.match(trustCookieName({ accountId: 'alice', clientId: 'app', hostname: 'h' }), /^idp_trust_[\w-]{22}$/);
  });
});
