import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parseForms } from '@extauth/server-kit/http-client';
import { startTestEnv, TEST_ROOT_PASSWORD, type TestEnv } from '../../test-support/harness.js';

interface LoginOnlyAnswer {
  status: 0 | 1;
  message?: string;
  security_token?: string;
  redirect?: string;
  notices?: unknown[];
}

describe('POST /login/?login_only=1 (the AJAX login, spec §3)', () => {
  let env: TestEnv;
  before(async () => {
    env = await startTestEnv({ env: { PANEL_LOGIN_MAX_FAILURES_PER_USER: '2' } });
  });
  after(() => env.close());

  const loginOnly = (form: Record<string, string>, headers: Record<string, string> = {}) =>
    env.browser.request('POST', `${env.url}/login/?login_only=1`, {
      body: new URLSearchParams(form),
      headers: { accept: 'application/json', ...headers },
    });

  /** As `curl -d user=… -d pass=…` without a cookie jar: no cookies, no Origin. */
  const loginOnlyAsScript = (form: Record<string, string>) => {
    env.browser.cookies.clear();
    return loginOnly(form);
  };

  test('a script without cookies gets 200, the security token, the redirect and the session cookie', async () => {
    const res = await loginOnlyAsScript({ user: 'root', pass: TEST_ROOT_PASSWORD });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    const body = res.json<LoginOnlyAnswer>();
    assert.match(body.security_token ?? '', /^\/cpsess\d{10}$/);
    assert.deepEqual(body, {
      status: 1,
      security_token: body.security_token,
      redirect: `${body.security_token}/`,
      notices: [],
    });
    assert.ok(env.browser.cookies.get('localhost', 'whostmgrsession'));
    const home = await env.browser.get(`${env.url}${body.redirect}`);
    assert.equal(home.status, 200);
    assert.match(home.text, /Logged in as <strong>root<\/strong>/);
  });

  test('a wrong password is 401 with status 0 and the msg_code; no username is 400', async () => {
    const wrong = await loginOnlyAsScript({ user: 'root', pass: 'wrong-password' });
    assert.equal(wrong.status, 401);
    assert.deepEqual(wrong.json(), { status: 0, message: 'invalid_login' });
    assert.equal(env.browser.cookies.get('localhost', 'whostmgrsession'), undefined);
    const empty = await loginOnlyAsScript({ user: '', pass: 'x' });
    assert.equal(empty.status, 400);
    assert.deepEqual(empty.json(), { status: 0, message: 'missing_username' });
  });

  test('the attempt limit answers 429 with Retry-After and status 0', async () => {
    for (let i = 0; i < 2; i++) assert.equal((await loginOnlyAsScript({ user: 'nobody', pass: 'x' })).status, 401);
    const limited = await loginOnlyAsScript({ user: 'nobody', pass: 'x' });
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers.get('retry-after')) > 0);
    assert.deepEqual(limited.json(), { status: 0, message: 'too_many_failures' });
  });

  test('a browser with cookies needs the CSRF token or a same-origin Origin header (login CSRF)', async () => {
    env.browser.cookies.clear();
    const page = await env.browser.get(`${env.url}/`);
    const csrf = parseForms(page.text, page.url)[0]?.fields._csrf ?? '';
    const creds = { user: 'root', pass: TEST_ROOT_PASSWORD };
    assert.equal((await loginOnly(creds)).status, 403, 'cookies, no Origin, no token');
    assert.equal((await loginOnly(creds, { origin: 'https://evil.example' })).status, 403, 'another origin');
    assert.equal((await loginOnly(creds, { origin: 'null' })).status, 403, 'an opaque origin');
    assert.equal((await loginOnly(creds, { origin: env.url })).status, 200, 'same origin');
    env.browser.cookies.clear();
    await env.browser.get(`${env.url}/`);
    assert.equal(
      (await loginOnly({ ...creds, _csrf: csrf }, { origin: 'https://evil.example' })).status,
      403,
      'a token for another browser’s cookie',
    );
    const fresh = await env.browser.get(`${env.url}/`);
    const token = parseForms(fresh.text, fresh.url)[0]?.fields._csrf ?? '';
    assert.equal((await loginOnly({ ...creds, _csrf: token })).status, 200, 'the page’s own token');
  });

  test('a cross-site request without cookies is refused too: it carries an Origin', async () => {
    env.browser.cookies.clear();
    const res = await loginOnly({ user: 'root', pass: TEST_ROOT_PASSWORD }, { origin: 'https://evil.example' });
    assert.equal(res.status, 403);
    assert.equal(env.browser.cookies.get('localhost', 'whostmgrsession'), undefined);
  });
});
