import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createLogger } from '@extauth/server-kit/logger';
import { authorizeUrl, browse, signIn, submitForm, type TokenResponse } from '../testing/oidc-driver.js';
import { PANEL_CALLBACK, startTestIdp, TEST_CLIENT_ID, TEST_CLIENT_SECRET, type TestIdp } from '../testing/test-idp.js';

describe('IdP logs and health endpoints', () => {
  const raw: string[] = [];
  const lines = () => raw.map((l) => JSON.parse(l) as Record<string, unknown>);
  let t: TestIdp;
  before(async () => {
    t = await startTestIdp({
      logger: createLogger('idp', { level: 'debug', format: 'json' }, (line) => raw.push(line)),
    });
  });
  after(() => t.close());

  test('/healthz and /readyz answer 200 JSON without a session, and only at debug in the log', async () => {
    raw.length = 0;
    const browser = t.browser();
    const live = await browser.get(`${t.issuer}/healthz`);
    assert.equal(live.status, 200);
    assert.deepEqual(live.json(), { status: 'ok' });
    const ready = await browser.get(`${t.issuer}/readyz`);
    assert.equal(ready.status, 200);
    assert.deepEqual(ready.json(), { status: 'ok' });
    assert.ok(lines().length > 0);
    assert.ok(lines().every((l) => l.level === 20));
  });

  test('a whole sign-in logs the OIDC events with request ids and none of its secrets', async () => {
    raw.length = 0;
    const browser = t.browser();
    const callback = await signIn(browser, t.issuer, t.idp.demo, { state: 'state-value-4711' });
    const code = callback.searchParams.get('code') ?? '';
    const tokenRes = await browser.post(`${t.issuer}/token`, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: PANEL_CALLBACK,
      client_id: TEST_CLIENT_ID,
      client_secret: TEST_CLIENT_SECRET,
    });
    assert.equal(tokenRes.status, 200, tokenRes.text);
    const tokens = tokenRes.json<TokenResponse>();
    const bad = await browser.post(`${t.issuer}/token`, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: PANEL_CALLBACK,
      client_id: TEST_CLIENT_ID,
      client_secret: TEST_CLIENT_SECRET,
    });
    assert.equal(bad.status, 400);

    const messages = lines().map((l) => l.msg);
    for (const event of [
      'oidc: authorization started',
      'oidc: login',
      'oidc: consent given',
      'oidc: authorization code issued',
      'oidc: token issued',
      'oidc: grant.error',
    ]) {
      assert.ok(messages.includes(event), `missing "${event}" in ${messages.join(', ')}`);
    }
    const grantError = lines().find((l) => l.msg === 'oidc: grant.error');
    assert.equal(grantError?.error, 'invalid_grant');
    const requests = lines().filter((l) => l.msg === 'request');
    assert.ok(requests.some((l) => l.path === '/token' && l.method === 'POST' && l.status === 200));
    assert.ok(requests.some((l) => l.path === '/auth' && l.status === 303));
    for (const line of lines()) assert.match(String(line.reqId), /^[A-Za-z0-9_-]{12}$/, JSON.stringify(line));

    const everything = raw.join('');
    const secrets = {
      password: t.idp.demo.password,
      code,
      state: 'state-value-4711',
      clientSecret: TEST_CLIENT_SECRET,
      accessToken: tokens.access_token,
      idToken: tokens.id_token,
    };
    for (const [name, value] of Object.entries(secrets)) {
      assert.ok(value && !everything.includes(value), `${name} appears in the log`);
    }
  });

  test('a refused password is a warning with its error code, without the password', async () => {
    raw.length = 0;
    const browser = t.browser();
    const loginPage = await browse(browser, await browser.get(authorizeUrl(t.issuer)));
    const refused = await submitForm(browser, loginPage, '/login', {
      email: t.idp.demo.email,
      password: 'wrong-password-31337',
    });
    assert.equal(refused.status, 400);
    const warning = lines().find((l) => l.msg === 'login refused');
    assert.equal(warning?.level, 40);
    assert.equal(warning?.error, 'INVALID_CREDENTIALS');
    assert.match(String(warning?.reqId), /^[A-Za-z0-9_-]{12}$/);
    assert.ok(!raw.join('').includes('wrong-password-31337'));
  });
});
