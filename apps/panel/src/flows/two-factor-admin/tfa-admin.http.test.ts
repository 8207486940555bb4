import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createAdjustableClock } from '@extauth/server-kit/clock';
import { type HttpResponse, parseForms } from '@extauth/server-kit/http-client';
import { startTestEnv, submitLoginForm, TEST_ROOT_PASSWORD, type TestEnv } from '../../test-support/harness.js';
import { codeAt, titleOf } from '../../test-support/two-factor.js';
import { callWhmApi } from '../../test-support/whm-api-client.js';

const BASE_MS = Math.floor(Date.now() / 30_000) * 30_000 + 10_000;
const clock = createAdjustableClock({ now: () => new Date(BASE_MS) });

/** Presses the button with this text on `page`, with extra fields; the form's hidden fields come along. */
function press(env: TestEnv, page: HttpResponse, button: string, fill: Record<string, string> = {}) {
  const form = parseForms(page.text, page.url).find((f) => f.buttons.some((b) => b.text === button));
  if (!form) throw new Error(`no "${button}" button on ${page.url}`);
  const pressed = form.buttons.find((b) => b.text === button);
  const extra = pressed?.name ? { [pressed.name]: pressed.value ?? '' } : {};
  return env.browser.post(form.action, { ...form.fields, ...extra, ...fill });
}

describe('WHM » Security Center » Two-Factor Authentication', () => {
  let env: TestEnv;
  let home: HttpResponse;
  let myAccount: string;
  before(async () => {
    env = await startTestEnv({ clock });
    const login = await submitLoginForm(env.browser, await env.browser.get(`${env.url}/`), 'root', TEST_ROOT_PASSWORD);
    home = await env.browser.get(login.location ?? '');
    const href = /<a id="two-factor-auth" href="([^"]+)">Two-Factor Authentication<\/a>/.exec(home.text)?.[1];
    myAccount = new URL(href ?? '', env.url).href;
  });
  after(() => env.close());

  test('Manage My Account: set up with the QR code, Account and Key; a wrong code gives WHM’s error', async () => {
    const page = await env.browser.get(myAccount);
    assert.equal(page.status, 200);
    assert.equal(titleOf(page), 'Two-Factor Authentication');
    assert.match(page.text, /The Two-Factor Authentication Security Policy is Disabled/);
    assert.match(page.text, /aria-current="page">Manage My Account<\/a>.*>Manage Users<\/a>.*>Settings<\/a>/s);
    const setUp = await press(env, page, 'Set Up Two-Factor Authentication');
    assert.equal(setUp.status, 200);
    assert.match(
      setUp.text,
      /<img id="tfa-qr" class="tfa-qr" src="data:image\/png;base64,[A-Za-z0-9+/=]+" alt="QR code"/,
    );
    assert.match(setUp.text, /<dt>Account<\/dt><dd id="tfa-account">root<\/dd>/);
    const key = /<dt>Key<\/dt><dd><code id="tfa-key">([A-Z2-7]{16})<\/code><\/dd>/.exec(setUp.text)?.[1] ?? '';
    assert.equal(key.length, 16);
    assert.match(setUp.text, /<label for="tfa_token">Security Code<\/label>/);
    assert.doesNotMatch(setUp.text, /\sstyle=|<script/, 'the CSP has no inline style or script');
    assert.match(setUp.headers.get('content-security-policy') ?? '', /img-src 'self' data:/);

    const wrong = await press(env, setUp, 'Configure Two-Factor Authentication', { tfa_token: codeAt(key, clock, 2) });
    assert.equal(wrong.status, 400);
    assert.match(wrong.text, /Failed to set user configuration: The security code is invalid\./);
    assert.ok(wrong.text.includes(`<code id="tfa-key">${key}</code>`), 'the same key, kept server-side');

    const done = await press(env, wrong, 'Configure Two-Factor Authentication', { tfa_token: codeAt(key, clock) });
    assert.equal(done.status, 200);
    assert.match(done.text, /Two-Factor Authentication is now configured for your account\./);
    assert.match(done.text, />Remove Two-Factor Authentication<\/button>/);
    assert.match(done.text, />Reconfigure<\/button>/);
    const configs = (await callWhmApi(env, 'twofactorauth_get_user_configs', { user: 'root' })).body.data;
    assert.deepEqual(configs?.root, { is_enabled: 1, primary_domain: 'localhost' });
  });

  test('the policy switch turns the security policy on and off', async () => {
    const page = await env.browser.get(myAccount);
    const enabled = await press(env, page, 'Enable Policy');
    assert.match(enabled.text, /The Two-Factor Authentication Security Policy is Enabled/);
    assert.equal((await callWhmApi(env, 'twofactorauth_policy_status')).body.data?.is_enabled, 1);
    const disabled = await press(env, enabled, 'Disable Policy');
    assert.match(disabled.text, /The Two-Factor Authentication Security Policy is Disabled/);
    assert.equal((await callWhmApi(env, 'twofactorauth_policy_status')).body.data?.is_enabled, 0);
    assert.equal((await env.browser.post(page.url.replace(/myaccount$/, 'policy'), { enabled: '1' })).status, 403);
  });

  test('Settings: the Issuer is saved (quotes stripped) or refused with the rule', async () => {
    const settings = await env.browser.get(myAccount.replace(/myaccount$/, 'settings'));
    assert.match(settings.text, /<label for="issuer">Issuer<\/label>/);
    assert.match(settings.text, /<p class="field-error two-lines"><\/p>/, 'room kept for the error before any error');
    const bad = await press(env, settings, 'Save', { issuer: 'x'.repeat(33) });
    assert.equal(bad.status, 400);
    assert.match(
      bad.text,
      /<p id="issuer-error" class="field-error two-lines" role="alert">The issuer must have no more than 32 characters/,
    );
    const good = await press(env, bad, 'Save', { issuer: '"Sandbox WHM"' });
    assert.equal(good.status, 200);
    assert.match(good.text, /value="Sandbox WHM"/);
    assert.equal((await callWhmApi(env, 'twofactorauth_get_issuer')).body.data?.system_wide_issuer, 'Sandbox WHM');
    // Found by tests/fuzz: the field sent twice used to save "" (the default issuer) with a 200.
    const form = parseForms(good.text, good.url).find((f) => 'issuer' in f.fields);
    const twice = await env.browser.request('POST', form?.action ?? '', {
      body: `_csrf=${encodeURIComponent(form?.fields._csrf ?? '')}&issuer=a&issuer=b`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(twice.status, 400);
    assert.equal((await callWhmApi(env, 'twofactorauth_get_issuer')).body.data?.system_wide_issuer, 'Sandbox WHM');
  });

  test('a malformed policy form is refused with a sentence', async () => {
    const page = await env.browser.get(myAccount);
    const form = parseForms(page.text, page.url).find((f) => f.action.endsWith('/policy'));
    const res = await env.browser.post(form?.action ?? '', { ...form?.fields, enabled: 'maybe' });
    assert.equal(res.status, 400);
    assert.match(res.text, /role="alert"[^>]*>The request could not be read\./);
  });

  test('Reconfigure shows a new key; Manage Users lists root with "Disable", which removes its 2FA', async () => {
    const configured = await env.browser.get(myAccount);
    const again = await press(env, configured, 'Reconfigure');
    assert.match(again.text, /<code id="tfa-key">[A-Z2-7]{16}<\/code>/);
    const users = await env.browser.get(myAccount.replace(/myaccount$/, 'users'));
    assert.match(users.text, /<tr id="tfa-user-root">[\s\S]*<td>root<\/td><td>localhost<\/td>/);
    assert.match(users.text, />Disable Selected<\/button>/);
    assert.match(users.text, />Disable All<\/button>/);
    const none = await press(env, users, 'Disable Selected');
    assert.equal(none.status, 400);
    assert.match(none.text, /Select at least one user\./);
    const disabled = await press(env, users, 'Disable root');
    assert.equal(disabled.status, 200);
    assert.match(disabled.text, /The system has disabled Two-Factor Authentication for: “root”\./);
    assert.match(disabled.text, /No users have configured Two-Factor Authentication\./);
    const mine = await env.browser.get(myAccount);
    assert.match(mine.text, /Two-Factor Authentication is not configured for your account\./);
  });

  test('a reseller cannot open the page', async () => {
    await callWhmApi(env, 'createacct', { username: 'rita', password: 'rita-password-1', domain: 'rita.example.test' });
    await callWhmApi(env, 'setupreseller', { user: 'rita' });
    env.browser.cookies.clear();
    const login = await submitLoginForm(env.browser, await env.browser.get(`${env.url}/`), 'rita', 'rita-password-1');
    const token = /cpsess(\d{10})/.exec(login.location ?? '')?.[1];
    const res = await env.browser.get(`${env.url}/cpsess${token}/scripts7/twofactorauth/myaccount`);
    assert.equal(res.status, 403);
    assert.doesNotMatch((await env.browser.get(login.location ?? '')).text, /two-factor-auth/);
  });
});
