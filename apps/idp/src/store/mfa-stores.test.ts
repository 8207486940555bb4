import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createAdjustableClock } from '@extauth/server-kit/clock';
import { createSealer, randomToken } from '@extauth/server-kit/crypto';
import { cryptoRandom } from '../domain/random.js';
import { trustCookieName } from '../domain/trust.js';
import { createTrustCookies } from '../flows/consent/trust.js';
import { createSqliteAccountsStore } from './accounts.js';
import { openIdpDatabase } from './database.js';
import { createSqliteMfaStore } from './mfa.js';
import { createSqliteMfaFlowStore } from './mfa-flows.js';
import { createSqliteTrustedSiteStore } from './trusted-sites.js';

function setup() {
  const db = openIdpDatabase(undefined);
  const accounts = createSqliteAccountsStore(db);
  const create = (id: string) =>
    accounts.createAccount({
      id,
      email: `${id}@example.com`,
      emailVerified: true,
      givenName: 'A',
      familyName: 'B',
      passwordHash: 'x',
      createdAt: new Date(0),
    });
  return { db, accounts, create, mfa: createSqliteMfaStore(db), trustedSites: createSqliteTrustedSiteStore(db) };
}

describe('MFA and trust stores', () => {
  test('a TOTP step is accepted once and never an earlier one; an active factor is never replaced by a new enrolment', () => {
    const { mfa } = setup();
    assert.ok(mfa.startTotpEnrollment('a', 'sealed-1', 0));
    assert.ok(mfa.claimTotpStep('a', 100));
    assert.equal(mfa.claimTotpStep('a', 100), false, 'replay');
    assert.equal(mfa.claimTotpStep('a', 99), false, 'an earlier step');
    assert.ok(mfa.claimTotpStep('a', 101));
    assert.ok(mfa.confirmTotpEnrollment('a', 'hash-1', 0));
    assert.ok(mfa.activateMfa('a', 0));
    assert.equal(mfa.startTotpEnrollment('a', 'sealed-2', 0), false);
    assert.equal(mfa.findMfaFactor('a')?.sealedSecret, 'sealed-1');
  });

  test('a recovery code is consumed once; the fifth failure in a row locks and restarts the count', () => {
    const { mfa } = setup();
    mfa.startTotpEnrollment('a', 's', 0);
    mfa.confirmTotpEnrollment('a', 'old', 0);
    mfa.activateMfa('a', 0);
    assert.ok(mfa.consumeRecoveryCode('a', 'old', 'new', 0));
    assert.equal(mfa.consumeRecoveryCode('a', 'old', 'newer', 0), false);
    assert.equal(mfa.findMfaFactor('a')?.recoveryCodeHash, 'new');
    for (let i = 1; i <= 4; i += 1) assert.equal(mfa.recordMfaFailure('a', 1_000, 5, 900_000).lockedUntil, 0);
    assert.equal(mfa.recordMfaFailure('a', 1_000, 5, 900_000).lockedUntil, 901_000);
    assert.equal(mfa.findMfaFactor('a')?.failures, 0);
  });

  test('an enrollment link is consumed once and not after it expired', () => {
    const { mfa } = setup();
    mfa.issueEnrollmentLink({ tokenHash: 'h1', accountId: 'a', expiresAt: 10 });
    assert.equal(mfa.consumeEnrollmentLink('h1', 10), undefined, 'expired');
    mfa.issueEnrollmentLink({ tokenHash: 'h2', accountId: 'a', expiresAt: 100 });
    assert.deepEqual(mfa.consumeEnrollmentLink('h2', 5), { accountId: 'a' });
    assert.equal(mfa.consumeEnrollmentLink('h2', 5), undefined, 'used');
  });

  test('TOTP secrets are sealed to their account: the ciphertext holds no secret and opens only for that account', () => {
    const sealer = createSealer(randomToken(32));
    const sealed = sealer.seal('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', 'totp:alice');
    assert.ok(!sealed.includes('JBSWY3DP'));
    assert.throws(() => sealer.open(sealed, 'totp:bob'));
  });

  test("Alice's trust cookie presented under Bob's cookie name is refused, and a raised credential version ends it", () => {
    const { accounts, create, trustedSites } = setup();
    create('alice');
    create('bob');
    const clock = createAdjustableClock();
    const trust = createTrustCookies({ accounts, trustedSites, key: randomToken(), clock, random: cryptoRandom });
    const jar = new Map<string, string>();
    const ctx = {
      cookies: {
        set: (name: string, value: string) => jar.set(name, value),
        get: (name: string) => jar.get(name),
      },
    } as unknown as Parameters<typeof trust.rememberTrust>[0];
    const alice = { accountId: 'alice', clientId: 'app', hostname: 'one.example.test' };
    trust.rememberTrust(ctx, alice);
    assert.ok(trust.isTrusted(ctx, alice));
    const bob = { ...alice, accountId: 'bob' };
    jar.set(trustCookieName(bob), jar.get(trustCookieName(alice)) ?? '');
    assert.equal(trust.isTrusted(ctx, bob), false);
    assert.equal(trustedSites.listTrustOfAccount('alice', 1, clock.now().getTime()).length, 1);
    accounts.raiseCredentialVersion('alice');
    assert.equal(trust.isTrusted(ctx, alice), false);
  });

  test('an MFA step is consumed once, even by two finishes, and not after it expires or ends', () => {
    const { db } = setup();
    const flows = createSqliteMfaFlowStore(db);
    const record = { accountId: 'a', credentialVersion: 3 };
    flows.startMfaFlow({ ...record, idHash: 'h1', expiresAt: 1000 });
    flows.startMfaFlow({ ...record, idHash: 'h2', expiresAt: 1000 });
    flows.startMfaFlow({ ...record, idHash: 'h3', expiresAt: 1000 });
    assert.deepEqual(flows.findMfaFlow('h1', 999), record);
    assert.deepEqual(flows.consumeMfaFlow('h1', 999), record);
    assert.equal(flows.consumeMfaFlow('h1', 999), undefined, 'consumed once');
    assert.equal(flows.findMfaFlow('h1', 999), undefined);
    assert.equal(flows.findMfaFlow('h2', 1000), undefined, 'expired');
    assert.equal(flows.consumeMfaFlow('h2', 1000), undefined);
    flows.endMfaFlow('h3');
    assert.equal(flows.findMfaFlow('h3', 0), undefined, 'ended');
  });
});
