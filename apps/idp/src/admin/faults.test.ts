import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { adminClient, TEST_ADMIN_TOKEN } from '../testing/admin-client.js';
import { decodeJwt, signIn, type TokenResponse, verifyRs256 } from '../testing/oidc-driver.js';
import { PANEL_CALLBACK, startTestIdp, TEST_CLIENT_ID, TEST_CLIENT_SECRET, type TestIdp } from '../testing/test-idp.js';
import { adminRoutes } from './admin.routes.js';

let t: TestIdp;
before(async () => {
  t = await startTestIdp({ env: { IDP_ADMIN_TOKEN: TEST_ADMIN_TOKEN } });
});
after(() => t.close());

/** A fresh authorization code of the panel's client, and a way to exchange it. */
async function freshCode() {
  const browser = t.browser();
  const callback = await signIn(browser, t.issuer, t.config.demo);
  const exchange = () =>
    browser.post(`${t.issuer}/token`, {
      grant_type: 'authorization_code',
      code: callback.searchParams.get('code') ?? '',
      redirect_uri: PANEL_CALLBACK,
      client_id: TEST_CLIENT_ID,
      client_secret: TEST_CLIENT_SECRET,
    });
  return { browser, exchange };
}

const jwks = async () => (await t.browser().get(`${t.issuer}/jwks`)).json<{ keys: { kid: string }[] }>();

describe('admin API: fault injection', () => {
  test('the next N token responses fail with the chosen OAuth error and status, then the real one answers', async () => {
    const call = adminClient(t);
    const added = await call<{ fault: { id: number; remaining: number } }>('POST', adminRoutes.faults, {
      endpoint: 'token',
      times: 2,
      respond: { status: 503, error: 'temporarily_unavailable', error_description: 'injected' },
    });
    assert.equal(added.status, 201);
    assert.equal(added.body.fault.remaining, 2);
    const { exchange } = await freshCode();
    for (let i = 0; i < 2; i += 1) {
      const res = await exchange();
      assert.equal(res.status, 503);
      assert.deepEqual(res.json(), { error: 'temporarily_unavailable', error_description: 'injected' });
    }
    assert.deepEqual((await call<{ faults: unknown[] }>('GET', adminRoutes.faults)).body.faults, []);
    assert.equal((await exchange()).status, 200, 'the code was never used by the failed calls');
  });

  test('userinfo: an injected 401 carries WWW-Authenticate; a delay holds the answer back', async () => {
    const call = adminClient(t);
    const { browser, exchange } = await freshCode();
    const accessToken = (await exchange()).json<TokenResponse>().access_token;
    const userinfo = () => browser.get(`${t.issuer}/me`, { authorization: `Bearer ${accessToken}` });
    await call('POST', adminRoutes.faults, { endpoint: 'userinfo', respond: { status: 401, error: 'invalid_token' } });
    const refused = await userinfo();
    assert.equal(refused.status, 401);
    assert.match(refused.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
    await call('POST', adminRoutes.faults, { endpoint: 'userinfo', delayMs: 150 });
    const started = performance.now();
    const slow = await userinfo();
    assert.equal(slow.status, 200);
    assert.ok(performance.now() - started >= 140, 'delayed');
  });

  test('ID tokens: expired, wrong iss and wrong aud are validly signed; a bad signature does not verify', async () => {
    const call = adminClient(t);
    const keys = await jwks();
    const now = Math.floor(Date.now() / 1000);
    const expectations = {
      expired: (p: Record<string, unknown>) => assert.ok(Number(p.exp) < now),
      wrong_iss: (p: Record<string, unknown>) => assert.notEqual(p.iss, t.issuer),
      wrong_aud: (p: Record<string, unknown>) => assert.notEqual(p.aud, TEST_CLIENT_ID),
    };
    for (const [kind, check] of Object.entries(expectations)) {
      await call('POST', adminRoutes.faults, { endpoint: 'token', idToken: kind });
      const res = await (await freshCode()).exchange();
      assert.equal(res.status, 200);
      const payload = verifyRs256(res.json<TokenResponse>().id_token, keys);
      check(payload);
      assert.equal(payload.email, t.config.demo.email, 'the other claims stay');
    }
    await call('POST', adminRoutes.faults, { endpoint: 'token', idToken: 'bad_signature' });
    const token = (await (await freshCode()).exchange()).json<TokenResponse>().id_token;
    assert.equal(decodeJwt(token).payload.iss, t.issuer);
    assert.throws(() => verifyRs256(token, keys), /signature does not verify/);
  });

  test('refuses impossible faults with 400 and clears the queue with DELETE', async () => {
    const call = adminClient(t);
    for (const body of [
      { endpoint: 'userinfo', idToken: 'expired' },
      { endpoint: 'token' },
      { endpoint: 'token', respond: { status: 200 } },
      { endpoint: 'token', respond: {}, idToken: 'expired' },
      { endpoint: 'authorization', delayMs: 1 },
    ]) {
      const res = await call('POST', adminRoutes.faults, body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.error, 'invalid_request');
    }
    await call('POST', adminRoutes.faults, { endpoint: 'token', times: 5, delayMs: 1 });
    assert.equal((await call('DELETE', adminRoutes.faults)).status, 204);
    assert.deepEqual((await call<{ faults: unknown[] }>('GET', adminRoutes.faults)).body.faults, []);
  });
});
