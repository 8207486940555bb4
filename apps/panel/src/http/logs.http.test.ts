import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createLogger } from '@extauth/server-kit/logger';
import {
  logInViaWebPros,
  startTestEnv,
  submitLoginForm,
  TEST_ROOT_PASSWORD,
  type TestEnv,
} from '../test-support/harness.js';

/**
 * What reaches the panel's log output during whole journeys, through the real redacting pino
 * logger: the events and paths to follow a login, none of the secrets that would open a session.
 */
describe('panel logs', () => {
  const raw: string[] = [];
  const lines = () => raw.map((l) => JSON.parse(l) as Record<string, unknown>);
  let env: TestEnv;
  before(async () => {
    env = await startTestEnv({
      logger: createLogger('panel', { level: 'debug', format: 'json' }, (line) => raw.push(line)),
    });
    env.op.state.account = { sub: 'subject-log-test', email: 'demo@example.com', name: 'Demo User' };
  });
  after(() => env.close());

  test('password login and a WebPros link log their events, and no password, secret, cookie, token or code', async () => {
    raw.length = 0;
    const cookies = new Set<string>();
    const keepCookies = () => {
      for (const c of env.browser.cookies.all()) cookies.add(c.value);
    };
    const tokens = new Set<string>();
    const keepSecurityToken = (location: string | undefined) => {
      const token = /\/cpsess(\d{10})\//.exec(location ?? '')?.[1];
      assert.ok(token, `no security token in ${location}`);
      tokens.add(token);
      return location ?? '';
    };

    // A wrong password, then root's password.
    env.browser.cookies.clear();
    const wrongPassword = 'wrong-root-password-31337';
    const refused = await submitLoginForm(env.browser, await env.browser.get(`${env.url}/`), 'root', wrongPassword);
    assert.equal(refused.status, 401);
    keepCookies();
    const loggedIn = await submitLoginForm(env.browser, refused, 'root', TEST_ROOT_PASSWORD);
    assert.equal(loggedIn.status, 303);
    keepCookies();
    assert.equal((await env.browser.get(keepSecurityToken(loggedIn.location))).status, 200);

    // "Log in via WebPros" as someone new: the link waits for root's password.
    env.browser.cookies.clear();
    const linkPage = await logInViaWebPros(env);
    assert.equal(linkPage.status, 200);
    keepCookies();
    const linked = await submitLoginForm(env.browser, linkPage, 'root', TEST_ROOT_PASSWORD);
    assert.equal(linked.status, 303);
    keepCookies();
    const home = await env.browser.get(keepSecurityToken(linked.location));
    assert.match(home.text, /signed in with WebPros/);

    // A second WebPros login goes straight to WHM Home under a new security token.
    env.browser.cookies.clear();
    const again = await logInViaWebPros(env);
    assert.equal(again.status, 302, again.text);
    keepCookies();
    assert.equal((await env.browser.get(keepSecurityToken(again.location))).status, 200);

    // The log tells the journeys: the events, and the paths with the token masked.
    const messages = lines().map((l) => l.msg);
    for (const event of ['login failed: wrong password', 'openid connect: linked an external identity', 'login']) {
      assert.ok(messages.includes(event), `missing "${event}" in ${messages.join(', ')}`);
    }
    const paths = lines()
      .filter((l) => l.msg === 'request')
      .map((l) => l.path);
    assert.ok(paths.includes('/openid_connect_callback/webpros'), paths.join(', '));
    assert.ok(paths.includes('/cpsess**********/'), paths.join(', '));

    const authorizations = env.op.state.tokenRequests.map((r) => r.body);
    const secrets: Record<string, string[]> = {
      'root password': [TEST_ROOT_PASSWORD],
      'wrong password': [wrongPassword],
      'client secret': authorizations.map((b) => b.get('client_secret') ?? ''),
      'authorization code': authorizations.map((b) => b.get('code') ?? ''),
      'PKCE verifier': authorizations.map((b) => b.get('code_verifier') ?? ''),
      'state and nonce': ['state', 'nonce'].map((p) => env.op.state.lastAuthorization?.get(p) ?? ''),
      'access token': env.op.state.issuedTokens.map((t) => t.accessToken),
      'ID token': env.op.state.issuedTokens.map((t) => t.idToken),
      cookie: [...cookies],
      'security token': [...tokens],
    };
    assert.equal(tokens.size, 3, 'three logins, three security tokens');
    assert.equal(env.op.state.issuedTokens.length, 2, 'two WebPros logins');
    const everything = raw.join('');
    for (const [name, values] of Object.entries(secrets)) {
      assert.ok(values.length > 0, `the journey produced no ${name}`);
      for (const value of values) {
        assert.ok(value.length >= 8 && !everything.includes(value), `the ${name} ${value} appears in the log`);
      }
    }
  });
});
