import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { createAdjustableClock } from '@extauth/server-kit/clock';
import { parseForms } from '@extauth/server-kit/http-client';
import {
  logInViaWebPros,
  msgCodeOf,
  noticeTextOf,
  startTestEnv,
  submitLoginForm,
  TEST_ROOT_PASSWORD,
  type TestEnv,
} from '../../test-support/harness.js';
import { callWhmApi } from '../../test-support/whm-api-client.js';

const clock = createAdjustableClock();
const SELECTION_TEXT =
  'The “WebPros” account “demo@example.com” links to multiple “WHM” accounts. Select the “WHM” account that you wish to access.';

function bannerOf(text: string): string | undefined {
  return /<div id="link-account-banner"[^>]*>([^<]*)<\/div>/.exec(text)?.[1];
}

describe('one WebPros identity linked to several WHM accounts (SELECT_USER)', () => {
  let env: TestEnv;
  before(async () => {
    env = await startTestEnv({ clock });
    for (const user of ['rita', 'sam', 'carl']) {
      await callWhmApi(env, 'createacct', { username: user, password: `${user}-password-1`, domain: `${user}.test` });
    }
    await callWhmApi(env, 'setupreseller', { user: 'rita' });
    await callWhmApi(env, 'setupreseller', { user: 'sam' });
    // carl stays a plain cPanel account: WHM's context filter hides it (§5.2 step 8).
    for (const username of ['root', 'rita', 'carl']) {
      await callWhmApi(env, 'link_user_authn_provider', {
        username,
        provider_id: 'webpros',
        subject_unique_identifier: 'fake-subject-1',
        preferred_username: 'demo@example.com',
      });
    }
  });
  after(() => env.close());
  beforeEach(() => {
    env.browser.cookies.clear();
    clock.reset();
    env.op.state.expiresIn = 3600;
  });

  test('shows the selection screen: info notice, one button per WHM account, "Link Another Account"', async () => {
    const page = await logInViaWebPros(env);
    assert.equal(page.status, 200);
    assert.equal(msgCodeOf(page), 'user_selection');
    assert.equal(noticeTextOf(page), SELECTION_TEXT);
    assert.match(page.text, /class="notice info-notice"/);
    assert.match(page.text, /Select user from list of linked accounts/);
    assert.doesNotMatch(page.text, /<form id="login_form"/, 'the password form is hidden');
    const buttons = [...page.text.matchAll(/name="openid_user_selection" value="([^"]+)"/g)].map((m) => m[1]);
    assert.deepEqual(buttons, ['rita', 'root']);
    assert.match(page.text, /<button [^>]*name="link_another_account" value="1">Link Another Account<\/button>/);
    const form = parseForms(page.text, page.url).find((f) => f.action.endsWith('/openid_connect_callback/webpros'));
    assert.equal(form?.method, 'POST');
    assert.equal((await env.browser.get(`${env.url}/`)).text.includes('Select user from list'), true, 'kept on reload');
  });

  test('choosing an account logs in as it on a fresh session', async () => {
    const page = await logInViaWebPros(env);
    const form = parseForms(page.text, page.url).find((f) => f.action.endsWith('/openid_connect_callback/webpros'));
    const before = env.browser.cookies.get('localhost', 'whostmgrsession');
    const res = await env.browser.post(form?.action ?? '', { ...form?.fields, openid_user_selection: 'rita' });
    assert.equal(res.status, 303);
    assert.notEqual(env.browser.cookies.get('localhost', 'whostmgrsession'), before);
    const home = await env.browser.get(res.location ?? '');
    assert.match(home.text, /Logged in as <strong>rita<\/strong>/);
    assert.match(home.text, /signed in with WebPros/);
  });

  test('an account that was not offered is refused with "The login is invalid."', async () => {
    const page = await logInViaWebPros(env);
    const form = parseForms(page.text, page.url).find((f) => f.action.endsWith('/openid_connect_callback/webpros'));
    for (const user of ['carl', 'sam', 'nobody']) {
      const res = await env.browser.post(form?.action ?? '', { ...form?.fields, openid_user_selection: user });
      assert.equal(res.status, 400, user);
      assert.equal(noticeTextOf(res), 'The login is invalid.');
    }
  });

  test('"Link Another Account" asks for a password with the "connect a new account" banner, then links', async () => {
    const page = await logInViaWebPros(env);
    const form = parseForms(page.text, page.url).find((f) => f.action.endsWith('/openid_connect_callback/webpros'));
    const res = await env.browser.post(form?.action ?? '', { ...form?.fields, link_another_account: '1' });
    assert.equal(res.status, 303);
    const login = await env.browser.get(res.location ?? '');
    assert.equal(
      bannerOf(login.text),
      'Your account “demo@example.com” is already associated with an existing “WHM” account. Please log in to connect a new account.',
    );
    const linked = await submitLoginForm(env.browser, login, 'sam', 'sam-password-1');
    assert.equal(linked.status, 303);
    assert.match((await env.browser.get(linked.location ?? '')).text, /Logged in as <strong>sam<\/strong>/);
    env.browser.cookies.clear();
    const next = await logInViaWebPros(env);
    const names = [...next.text.matchAll(/name="openid_user_selection" value="([^"]+)"/g)].map((m) => m[1]);
    assert.deepEqual(names, ['rita', 'root', 'sam']);
  });

  test('a choice made after the tokens expired gives openid_access_token_expired', async () => {
    env.op.state.expiresIn = 60;
    const page = await logInViaWebPros(env);
    const form = parseForms(page.text, page.url).find((f) => f.action.endsWith('/openid_connect_callback/webpros'));
    clock.advance(2 * 60_000);
    const res = await env.browser.post(form?.action ?? '', { ...form?.fields, openid_user_selection: 'root' });
    assert.equal(res.status, 401);
    assert.equal(msgCodeOf(res), 'openid_access_token_expired');
    assert.match(noticeTextOf(res) ?? '', /^Your OpenID Connect session has expired\. Log in to WebPros again\./);
  });

  test('a selection POST without a selection in progress gives expired_session; without CSRF, 403', async () => {
    const page = await env.browser.get(`${env.url}/`);
    const csrf = parseForms(page.text, page.url)[0]?.fields._csrf ?? '';
    const url = `${env.url}/openid_connect_callback/webpros`;
    const res = await env.browser.post(url, { _csrf: csrf, openid_user_selection: 'root' });
    assert.equal(msgCodeOf(res), 'expired_session');
    assert.equal((await env.browser.post(url, { openid_user_selection: 'root' })).status, 403);
  });
});

describe('PANEL_RELINK_ROUNDTRIP (spec §13.4)', () => {
  test('after linking with a password the round trip runs again, then lands on WHM Home', async () => {
    const env = await startTestEnv({ env: { PANEL_RELINK_ROUNDTRIP: 'true' } });
    try {
      const banner = await logInViaWebPros(env);
      assert.equal(msgCodeOf(banner), 'link_account');
      const linked = await submitLoginForm(env.browser, banner, 'root', TEST_ROOT_PASSWORD);
      assert.equal(linked.status, 303);
      assert.equal(new URL(linked.location ?? '').pathname, '/openid_connect/webpros');
      assert.equal(new URL(linked.location ?? '').searchParams.get('goto_uri'), '/');
      const start = await env.browser.get(linked.location ?? '');
      assert.ok(start.location?.startsWith(env.op.issuer));
      const callback = await env.browser.get((await env.browser.get(start.location ?? '')).location ?? '');
      assert.equal(callback.status, 302);
      assert.match(callback.location ?? '', /\/cpsess\d{10}\/$/);
      assert.equal(env.op.state.tokenRequests.length, 2, 'two round trips');
    } finally {
      await env.close();
    }
  });
});
