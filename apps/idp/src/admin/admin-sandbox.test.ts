import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { seedFileSchema } from '@extauth/shared/seed';
import { adminClient, TEST_ADMIN_TOKEN } from '../testing/admin-client.js';
import { decodeJwt, signIn, submitForm, type TokenResponse, verifyRs256 } from '../testing/oidc-driver.js';
import { settleMail, uniqueEmail } from '../testing/self-service.js';
import { PANEL_CALLBACK, startTestIdp, TEST_CLIENT_ID, TEST_CLIENT_SECRET, type TestIdp } from '../testing/test-idp.js';
import { adminRoutes } from './admin.routes.js';

let t: TestIdp;
const seed = seedFileSchema.parse({
  idp: {
    accounts: [{ email: 'kept@example.com', password: 'kept-password-123' }],
    clients: [{ client_id: 'kept-rp', redirect_uris: ['http://localhost:4000/cb'] }],
  },
}).idp;
before(async () => {
  t = await startTestIdp({ seed, env: { IDP_ADMIN_TOKEN: TEST_ADMIN_TOKEN } });
});
after(() => t.close());

type Jwks = { keys: { kid: string }[] };

async function idTokenOf(): Promise<string> {
  const browser = t.browser();
  const callback = await signIn(browser, t.issuer, t.config.demo);
  const res = await browser.post(`${t.issuer}/token`, {
    grant_type: 'authorization_code',
    code: callback.searchParams.get('code') ?? '',
    redirect_uri: PANEL_CALLBACK,
    client_id: TEST_CLIENT_ID,
    client_secret: TEST_CLIENT_SECRET,
  });
  assert.equal(res.status, 200, res.text);
  return res.json<TokenResponse>().id_token;
}

describe('admin API: signing keys, clock, outbox, reset', () => {
  test('rotation: the new key signs, the old one stays in the JWKS for the grace period, then the sweeper drops it', async () => {
    const call = adminClient(t);
    const jwks = async () => (await t.browser().get(`${t.issuer}/jwks`)).json<Jwks>();
    const before = await idTokenOf();
    const oldKid = String(decodeJwt(before).header.kid);
    const rotated = await call<{ kid: string; keys: { kid: string; signing: boolean }[] }>(
      'POST',
      adminRoutes.rotateSigningKey,
      { graceSeconds: 3600 },
    );
    assert.equal(rotated.status, 200);
    assert.notEqual(rotated.body.kid, oldKid);
    assert.deepEqual(
      rotated.body.keys.map((k) => [k.kid, k.signing]),
      [
        [rotated.body.kid, true],
        [oldKid, false],
      ],
    );
    const both = await jwks();
    assert.deepEqual(both.keys.map((k) => k.kid).sort(), [oldKid, rotated.body.kid].sort());
    const after = await idTokenOf();
    assert.equal(decodeJwt(after).header.kid, rotated.body.kid);
    verifyRs256(after, both);
    verifyRs256(before, both);

    const moved = await call<{ droppedSigningKeys: string[] }>('POST', adminRoutes.clock, { advanceSeconds: 3601 });
    assert.deepEqual(moved.body.droppedSigningKeys, [oldKid]);
    assert.deepEqual(
      (await jwks()).keys.map((k) => k.kid),
      [rotated.body.kid],
    );
    await call('POST', adminRoutes.clock, { reset: true });

    const bad = await call('POST', adminRoutes.rotateSigningKey, { graceSeconds: -1 });
    assert.equal(bad.status, 400);
    assert.match(String(bad.body.error_description), /graceSeconds/);
  });

  test('the clock moves the sandbox rules only; bad bodies are refused', async () => {
    const call = adminClient(t);
    const moved = await call<{ now: string; offsetSeconds: number }>('POST', adminRoutes.clock, {
      advanceSeconds: 600,
    });
    assert.equal(moved.status, 200);
    assert.ok(Math.abs(moved.body.offsetSeconds - 600) <= 1);
    assert.ok(Math.abs(t.clock.now().getTime() - Date.now() - 600_000) < 1000);
    const set = await call<{ now: string }>('POST', adminRoutes.clock, { set: '2030-01-01T00:00:00Z' });
    assert.match(set.body.now, /^2030-01-01T00:00:0/);
    const read = await call<{ offsetSeconds: number }>('GET', adminRoutes.clock);
    assert.ok(read.body.offsetSeconds > 0);
    const reset = await call<{ offsetSeconds: number }>('POST', adminRoutes.clock, { reset: true });
    assert.equal(reset.body.offsetSeconds, 0);
    for (const body of [{}, { advanceSeconds: 'ten' }, { set: 'tomorrow' }, { advanceSeconds: 1, reset: true }]) {
      const res = await call('POST', adminRoutes.clock, body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.error, 'invalid_request');
    }
  });

  test('the outbox holds the last messages to an address, newest first, case-insensitively', async () => {
    const call = adminClient(t);
    const email = uniqueEmail('outbox');
    await call('POST', adminRoutes.accounts, { email, password: 'outbox-password-1' });
    const browser = t.browser();
    const page = await browser.get(`${t.issuer}/password-reset`);
    await submitForm(browser, page, '/password-reset', { email });
    await settleMail();
    const outbox = await call<{ messages: { to: string; subject: string; text: string }[] }>(
      'GET',
      `${adminRoutes.outbox}?to=${encodeURIComponent(email.toUpperCase())}`,
    );
    assert.equal(outbox.status, 200);
    assert.equal(outbox.body.messages.length, 1);
    assert.match(outbox.body.messages[0]?.subject ?? '', /password reset code: \d{6}$/);
    assert.equal((await call('GET', `${adminRoutes.outbox}?to=not-an-email`)).status, 400);
    assert.equal((await call('GET', `${adminRoutes.outbox}?to=${encodeURIComponent(email)}&limit=0`)).status, 400);
  });

  test('seed applies the IdP part of a seed file, idempotently; a bad one is refused whole', async () => {
    const call = adminClient(t);
    const body = {
      accounts: [{ email: 'via-api@example.com', password: 'via-api-password-1' }],
      clients: [{ client_id: 'via-api-rp', redirect_uris: ['http://localhost:4100/cb'] }],
    };
    const first = await call<{ accounts: { outcome: string }[]; clients: string[] }>('POST', adminRoutes.seed, body);
    assert.equal(first.status, 200);
    assert.deepEqual(
      first.body.accounts.map((a) => a.outcome),
      ['created'],
    );
    const second = await call<{ accounts: { outcome: string }[] }>('POST', adminRoutes.seed, body);
    assert.deepEqual(
      second.body.accounts.map((a) => a.outcome),
      ['unchanged'],
    );
    const bad = await call('POST', adminRoutes.seed, { accounts: [{ email: 'x' }] });
    assert.equal(bad.status, 400);
    assert.match(String(bad.body.error_description), /accounts\.0\.email/);
    const refused = await call('POST', adminRoutes.seed, {
      accounts: [{ email: 'not-written@example.com', password: 'not-written-pass-1' }],
      clients: [{ client_id: TEST_CLIENT_ID, redirect_uris: [PANEL_CALLBACK] }],
    });
    assert.equal(refused.status, 400);
    assert.equal(refused.body.error, 'invalid_seed');
    assert.equal((await call('GET', `/admin/accounts/${encodeURIComponent('not-written@example.com')}`)).status, 404);
  });

  test('reset returns to the seed: accounts made since are gone, seeded ones and clients are back', async () => {
    const call = adminClient(t);
    const accountPath = (email: string) => `/admin/accounts/${encodeURIComponent(email)}`;
    const subOf = async (email: string) =>
      (await call<{ account: { sub: string } }>('GET', accountPath(email))).body.account.sub;
    await call('POST', adminRoutes.reset, {}); // accounts other tests made are not counted below
    const before = { kept: await subOf('kept@example.com'), demo: await subOf(t.config.demo.email) };
    const email = uniqueEmail('temporary');
    await call('POST', adminRoutes.accounts, { email, password: 'temporary-password-1' });
    await call('DELETE', '/admin/clients/kept-rp');
    const reset = await call<{ accounts: number; clients: number }>('POST', adminRoutes.reset, {});
    assert.equal(reset.status, 200);
    assert.deepEqual(reset.body, { accounts: 2, clients: 1, removedAccounts: 1 });
    assert.equal((await call('GET', accountPath(email))).status, 404);
    assert.deepEqual(
      { kept: await subOf('kept@example.com'), demo: await subOf(t.config.demo.email) },
      before,
      'seeded accounts keep their subjects, so relying parties’ links to them survive the reset',
    );
    const clients = await call<{ clients: { client_id: string }[] }>('GET', adminRoutes.clients);
    assert.ok(clients.body.clients.some((c) => c.client_id === 'kept-rp'));

    await call('DELETE', accountPath('kept@example.com'));
    const again = await call<{ removedAccounts: number }>('POST', adminRoutes.reset, {});
    assert.equal(again.body.removedAccounts, 0);
    assert.equal((await call('GET', accountPath('kept@example.com'))).status, 200, 'a deleted seeded account is back');
    assert.equal((await call('POST', adminRoutes.reset, { everything: true })).status, 400);
  });
});
