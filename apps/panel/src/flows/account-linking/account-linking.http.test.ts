import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parseForms } from '@extauth/server-kit/http-client';
import {
  answerToWebProsCallback,
  logInViaWebPros,
  msgCodeOf,
  noticeTextOf,
  startTestEnv,
  submitLoginForm,
  TEST_ROOT_PASSWORD,
  type TestEnv,
} from '../../test-support/harness.js';

const BANNER =
  'Your account “demo@example.com” is not associated with an existing “WHM” account. Please log in to connect the account.';

function bannerOf(text: string): string | undefined {
  return /<div id="link-account-banner"[^>]*>([^<]*)<\/div>/.exec(text)?.[1];
}

describe('linking a WebPros identity to root (NEED_LINK → ADD_LINK → LOGGED_IN)', () => {
  let env: TestEnv;
  before(async () => {
    env = await startTestEnv();
    env.op.state.account = { sub: 'subject-alice', email: 'demo@example.com', name: 'Demo User' };
  });
  after(() => env.close());

  test('first login shows the link banner above the login form, with the email', async () => {
    const page = await logInViaWebPros(env);
    assert.equal(page.status, 200);
    assert.match(page.text, /<title>WHM Login<\/title>/);
    assert.equal(bannerOf(page.text), BANNER);
    assert.equal(msgCodeOf(page), 'link_account');
    assert.ok(page.text.indexOf('link-account-banner') < page.text.indexOf('<form id="login_form"'));
  });

  test('the callback redirects to a clean URL, so reloading the linking page shows the banner again and no error', async () => {
    env.browser.cookies.clear();
    const callback = await answerToWebProsCallback(env);
    assert.equal(callback.status, 303);
    assert.equal(callback.location, `${env.url}/`);
    for (const attempt of ['first view', 'reload']) {
      const page = await env.browser.get(callback.location ?? '');
      assert.equal(page.status, 200, attempt);
      assert.equal(bannerOf(page.text), BANNER, attempt);
      assert.equal(msgCodeOf(page), 'link_account', attempt);
      assert.equal(noticeTextOf(page), undefined, attempt);
    }
  });

  test('a wrong password keeps the link waiting: "The login is invalid." and the banner again', async () => {
    const page = await env.browser.get(`${env.url}/`);
    assert.equal(bannerOf(page.text), BANNER, 'reloading the login page keeps the banner');
    const wrong = await submitLoginForm(env.browser, page, 'root', 'wrong-password');
    assert.equal(wrong.status, 401);
    assert.equal(noticeTextOf(wrong), 'The login is invalid.');
    assert.equal(bannerOf(wrong.text), BANNER);
  });

  test('root’s password links the identity and lands on WHM Home showing the link', async () => {
    const page = await env.browser.get(`${env.url}/`);
    const preAuthCookie = env.browser.cookies.get('localhost', 'whostmgrsession');
    const res = await submitLoginForm(env.browser, page, 'root', TEST_ROOT_PASSWORD);
    assert.equal(res.status, 303);
    assert.match(res.location ?? '', /\/cpsess\d{10}\/$/);
    assert.notEqual(env.browser.cookies.get('localhost', 'whostmgrsession'), preAuthCookie, 'fresh session id');
    const home = await env.browser.get(res.location ?? '');
    assert.equal(home.status, 200);
    assert.match(home.text, /Logged in as <strong>root<\/strong>/);
    assert.match(home.text, /signed in with WebPros/);
    assert.match(home.text, /<td class="preferred-username">demo@example.com<\/td>/);
    assert.match(home.text, /<code class="subject">subject-alice<\/code>/);
    assert.match(home.text, /<time datetime="\d{4}-\d\d-\d\dT[^"]+Z">/);
    // The pre-auth session was destroyed at login: its id opens nothing.
    env.browser.cookies.clear();
    const stale = await env.browser.get(res.location ?? '', { cookie: `whostmgrsession=${preAuthCookie}` });
    assert.equal(msgCodeOf(stale), 'expired_session');
  });

  test('the next "Log in via WebPros" goes straight to WHM Home without the banner', async () => {
    env.browser.cookies.clear();
    const res = await logInViaWebPros(env);
    assert.equal(res.status, 302);
    assert.match(res.location ?? '', /^https:\/\/localhost:\d+\/cpsess\d{10}\/$/);
    const home = await env.browser.get(res.location ?? '');
    assert.match(home.text, /<title>WHM Home<\/title>/);
    assert.equal(bannerOf(home.text), undefined);
  });

  test('links are keyed by subject, never by email: another subject with the same email must link again', async () => {
    env.browser.cookies.clear();
    env.op.state.account = { sub: 'subject-mallory', email: 'demo@example.com', name: 'Mallory' };
    try {
      const page = await logInViaWebPros(env);
      assert.equal(page.status, 200);
      assert.equal(bannerOf(page.text), BANNER);
    } finally {
      env.op.state.account = { sub: 'subject-alice', email: 'demo@example.com', name: 'Demo User' };
    }
  });

  test('after logout, the WebPros login still works and the old URL does not', async () => {
    env.browser.cookies.clear();
    const login = await logInViaWebPros(env);
    const homeUrl = login.location ?? '';
    const home = await env.browser.get(homeUrl);
    const logoutForm = parseForms(home.text, home.url).find((f) => f.action.endsWith('/logout/'));
    assert.equal((await env.browser.post(logoutForm?.action ?? '', logoutForm?.fields ?? {})).status, 303);
    assert.equal(msgCodeOf(await env.browser.get(homeUrl)), 'expired_session');
    const again = await logInViaWebPros(env);
    assert.match(again.location ?? '', /\/cpsess\d{10}\/$/);
    assert.notEqual(again.location, homeUrl, 'a new security token');
  });
});
