import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parseForms } from '@extauth/server-kit/http-client';
import {
  msgCodeOf,
  noticeTextOf,
  startTestEnv,
  submitLoginForm,
  TEST_ROOT_PASSWORD,
  type TestEnv,
} from '../../test-support/harness.js';

describe('WHM login page and password login', () => {
  let env: TestEnv;
  before(async () => {
    env = await startTestEnv();
  });
  after(() => env.close());

  test('shows the WHM login form with its labels, placeholders and the WebPros button', async () => {
    env.browser.cookies.clear();
    const page = await env.browser.get(`${env.url}/`);
    assert.equal(page.status, 200);
    assert.match(page.text, /<title>WHM Login<\/title>/);
    assert.match(page.text, /<form id="login_form" action="\/login\/" method="post">/);
    assert.match(page.text, /<label for="user">Username<\/label>/);
    assert.match(page.text, /<label for="pass">Password<\/label>/);
    assert.match(page.text, /placeholder="Enter your username\."/);
    assert.match(page.text, /placeholder="Enter your account password\."/);
    assert.match(page.text, /<button id="login_submit" class="button-primary" type="submit">Log in<\/button>/);
    assert.match(page.text, /<span>OR<\/span>[\s\S]*Log in via<\/div>/);
    assert.match(
      page.text,
      /<a class="external-auth-button provider-webpros" [^>]*href="\/openid_connect\/webpros\?user=&amp;theme=&amp;parameterized_form="><span>Log in via WebPros<\/span><\/a>/,
    );
    assert.doesNotMatch(page.text, /\sstyle=/, 'the CSP forbids inline style attributes');
    assert.match(page.headers.get('content-security-policy') ?? '', /style-src 'self'/);
    assert.equal(parseForms(page.text, page.url)[0]?.fields._csrf?.length, 43);
  });

  test('serves the stylesheet and the button colours from the display configuration', async () => {
    const css = await env.browser.get(`${env.url}/styles/external-auth-buttons.css`);
    assert.equal(css.status, 200);
    assert.match(css.headers.get('content-type') ?? '', /^text\/css/);
    assert.match(css.text, /\.provider-webpros \{ background-color: #cccccc; color: #000000; \}/);
    assert.equal((await env.browser.get(`${env.url}/styles/whm.css`)).status, 200);
  });

  test('logs root in on a fresh session and opens WHM Home under the security token', async () => {
    env.browser.cookies.clear();
    const page = await env.browser.get(`${env.url}/`);
    const res = await submitLoginForm(env.browser, page, 'root', TEST_ROOT_PASSWORD);
    assert.equal(res.status, 303);
    assert.match(res.location ?? '', /^https:\/\/localhost:\d+\/cpsess\d{10}\/$/);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('whostmgrsession='));
    assert.match(cookie ?? '', /; secure/i);
    assert.match(cookie ?? '', /; httponly/i);
    assert.match(cookie ?? '', /; samesite=lax/i);
    const home = await env.browser.get(res.location ?? '');
    assert.equal(home.status, 200);
    assert.match(home.text, /<title>WHM Home<\/title>/);
    assert.match(home.text, /Logged in as <strong>root<\/strong>/);
    assert.match(home.text, /There are no alternative authentication methods for this user\./);
  });

  test('refuses a wrong password with "The login is invalid." and keeps the username', async () => {
    env.browser.cookies.clear();
    const page = await env.browser.get(`${env.url}/`);
    const res = await submitLoginForm(env.browser, page, 'root', 'not-the-password');
    assert.equal(res.status, 401);
    assert.equal(noticeTextOf(res), 'The login is invalid.');
    assert.equal(msgCodeOf(res), 'invalid_login');
    assert.match(res.text, /<input id="user" name="user" type="text" value="root"/);
    assert.equal(env.browser.cookies.get('localhost', 'whostmgrsession'), undefined);
  });

  test('refuses an unknown user with the same message', async () => {
    const page = await env.browser.get(`${env.url}/`);
    const res = await submitLoginForm(env.browser, page, 'nobody', TEST_ROOT_PASSWORD);
    assert.equal(res.status, 401);
    assert.equal(noticeTextOf(res), 'The login is invalid.');
  });

  test('asks for a username when it is empty, and answers repeated fields with a notice, not a 500', async () => {
    const page = await env.browser.get(`${env.url}/`);
    const empty = await submitLoginForm(env.browser, page, '', 'x');
    assert.equal(empty.status, 400);
    assert.equal(noticeTextOf(empty), 'You must specify a username to log in.');
    const csrf = parseForms(page.text, page.url)[0]?.fields._csrf ?? '';
    const body = `_csrf=${encodeURIComponent(csrf)}&user=root&user=admin&pass=x`;
    const repeated = await env.browser.request('POST', `${env.url}/login/`, {
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(repeated.status, 400);
    assert.equal(noticeTextOf(repeated), 'The login is invalid.');
  });

  test('refuses a logout form without the CSRF token, and WHM’s GET /logout/ also ends the session', async () => {
    env.browser.cookies.clear();
    const login = await submitLoginForm(env.browser, await env.browser.get(`${env.url}/`), 'root', TEST_ROOT_PASSWORD);
    const logoutUrl = (login.location ?? '').replace(/\/$/, '/logout/');
    assert.equal((await env.browser.post(logoutUrl, {})).status, 403);
    assert.equal((await env.browser.get(login.location ?? '')).status, 200, 'still logged in');
    const bare = await env.browser.get(`${env.url}/logout/`);
    assert.equal(noticeTextOf(bare), 'You have logged out.');
    assert.equal(msgCodeOf(await env.browser.get(login.location ?? '')), 'expired_session');
  });

  test('refuses a login form without the CSRF token', async () => {
    const res = await env.browser.post(`${env.url}/login/`, { user: 'root', pass: TEST_ROOT_PASSWORD });
    assert.equal(res.status, 403);
    assert.match(res.text, /This form has expired or was sent from another page/);
  });

  test('refuses a huge body with a 4xx page', async () => {
    const res = await env.browser.post(`${env.url}/login/`, { user: 'root', pass: 'x'.repeat(100_000) });
    assert.equal(res.status, 413);
    assert.doesNotMatch(res.text, /at .*\.js:\d+/);
  });

  test('logs out, says so, and the old /cpsess URL then shows the expired-session notice', async () => {
    env.browser.cookies.clear();
    const page = await env.browser.get(`${env.url}/`);
    const login = await submitLoginForm(env.browser, page, 'root', TEST_ROOT_PASSWORD);
    const homeUrl = login.location ?? '';
    const home = await env.browser.get(homeUrl);
    const logoutForm = parseForms(home.text, home.url).find((f) => f.action.endsWith('/logout/'));
    assert.match(logoutForm?.action ?? '', /\/cpsess\d{10}\/logout\/$/);
    assert.match(home.text, /<button id="logout" class="button-link" type="submit">Log out<\/button>/);
    const posted = await env.browser.post(logoutForm?.action ?? '', logoutForm?.fields ?? {});
    assert.equal(posted.status, 303);
    const loggedOut = await env.browser.get(posted.location ?? '');
    assert.equal(loggedOut.status, 200);
    assert.equal(noticeTextOf(loggedOut), 'You have logged out.');
    assert.match(loggedOut.text, /class="notice success-notice"/);
    const again = await env.browser.get(homeUrl);
    assert.equal(again.status, 401);
    assert.equal(msgCodeOf(again), 'expired_session');
    assert.equal(noticeTextOf(again), 'Your session has expired. Please log in again.');
  });

  test('the security token must match the session: another token gives token_incorrect', async () => {
    env.browser.cookies.clear();
    const page = await env.browser.get(`${env.url}/`);
    const login = await submitLoginForm(env.browser, page, 'root', TEST_ROOT_PASSWORD);
    const token = /cpsess(\d{10})/.exec(login.location ?? '')?.[1] ?? '';
    const other = token === '0000000000' ? '1111111111' : '0000000000';
    for (const path of [`/cpsess${other}/`, '/cpsessABC/', '/cpsess123/']) {
      const res = await env.browser.get(`${env.url}${path}`);
      assert.equal(res.status, 401, path);
      assert.equal(msgCodeOf(res), 'token_incorrect', path);
    }
    assert.equal((await env.browser.get(`${env.url}/cpsess${token}/`)).status, 200);
    assert.equal((await env.browser.get(`${env.url}/cpsess${token}/no-such-page`)).status, 404);
  });

  test('a URL without its security token gives token_missing, on pages and in the API', async () => {
    env.browser.cookies.clear();
    const login = await submitLoginForm(env.browser, await env.browser.get(`${env.url}/`), 'root', TEST_ROOT_PASSWORD);
    assert.equal(login.status, 303);
    for (const path of [
      '/cpsess/',
      '/cpsess',
      '/cpsess/scripts2/manage_external_auth/providers',
      '/scripts2/manage_external_auth/providers',
      '/scripts7/twofactorauth/myaccount',
    ]) {
      const res = await env.browser.get(`${env.url}${path}`);
      assert.equal(res.status, 401, path);
      assert.equal(msgCodeOf(res), 'token_missing', path);
      assert.equal(noticeTextOf(res), 'The security token is missing from your request.', path);
    }
    const api = await env.browser.get(
      `${env.url}/cpsess/json-api/get_available_authentication_providers?api.version=1`,
    );
    assert.equal(api.status, 401);
    assert.deepEqual(api.json(), {
      metadata: {
        command: 'get_available_authentication_providers',
        reason: 'The security token is missing from your request.',
        result: 0,
        version: 1,
      },
    });
  });

  test('a tampered session cookie gives invalid_session', async () => {
    env.browser.cookies.clear();
    const res = await env.browser.get(`${env.url}/cpsess0123456789/`, { cookie: 'whostmgrsession=%00<script>' });
    assert.equal(res.status, 401);
    assert.equal(msgCodeOf(res), 'invalid_session');
  });
});
