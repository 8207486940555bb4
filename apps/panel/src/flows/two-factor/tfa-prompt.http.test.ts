import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { createAdjustableClock } from '@extauth/server-kit/clock';
import { createHttpClient, parseForms } from '@extauth/server-kit/http-client';
import {
  logInViaWebPros,
  msgCodeOf,
  noticeTextOf,
  startTestEnv,
  submitLoginForm,
  TEST_ROOT_PASSWORD,
  type TestEnv,
  testCertificates,
} from '../../test-support/harness.js';
import {
  codeAt,
  configureRootTfa,
  passwordLoginAsRoot,
  submitSecurityCode,
  titleOf,
} from '../../test-support/two-factor.js';
import { callWhmApi } from '../../test-support/whm-api-client.js';

const STEP_MS = 30_000;
// A fixed panel clock, ten seconds into a step: time moves only when a test moves it.
const BASE_MS = Math.floor(Date.now() / STEP_MS) * STEP_MS + 10_000;
const clock = createAdjustableClock({ now: () => new Date(BASE_MS) });

describe('WHM 2FA at login (WHM Login Security)', () => {
  let env: TestEnv;
  let secret: string;
  before(async () => {
    env = await startTestEnv({ clock });
    secret = await configureRootTfa(env, clock);
    await callWhmApi(env, 'twofactorauth_enable_policy');
  });
  // Every test starts on steps no earlier test used.
  beforeEach(() => clock.advance(10 * STEP_MS));
  after(() => env.close());

  test('a password login gets the security code page, and only a valid code opens WHM Home on a fresh session', async () => {
    const page = await passwordLoginAsRoot(env);
    assert.equal(page.status, 401);
    assert.equal(titleOf(page), 'WHM Login Security');
    assert.match(page.text, /<h1 class="tfa-heading">Enter the security code for “root”<\/h1>/);
    assert.match(page.text, /<label for="tfatoken">Security code<\/label>/);
    assert.match(page.text, /<input id="tfatoken" name="tfatoken" [^>]*placeholder="Security code"/);
    assert.match(page.text, /<button id="tfa_submit" class="button-primary" type="submit">Continue<\/button>/);
    const promptUrl = new URL(page.url);
    assert.match(promptUrl.pathname, /^\/cpsess\d{10}\/$/);
    assert.equal(new URL(parseForms(page.text, page.url)[0]?.action ?? '').pathname, promptUrl.pathname);
    const before = env.browser.cookies.get('localhost', 'whostmgrsession');

    const wrong = await submitSecurityCode(env, page, codeAt(secret, clock, 2));
    assert.equal(wrong.status, 401);
    assert.match(
      wrong.text,
      /<div id="tfa-error" class="notice error-notice" role="alert">The security code is invalid\.<\/div>/,
    );
    assert.match(wrong.text, /aria-describedby="tfa-error"/);

    const ok = await submitSecurityCode(env, wrong, codeAt(secret, clock));
    assert.equal(ok.status, 303);
    const home = new URL(ok.location ?? '');
    assert.match(home.pathname, /^\/cpsess\d{10}\/$/);
    assert.notEqual(home.pathname, promptUrl.pathname, 'a new security token');
    assert.notEqual(env.browser.cookies.get('localhost', 'whostmgrsession'), before, 'a new session id');
    const homePage = await env.browser.get(home.href);
    assert.equal(titleOf(homePage), 'WHM Home');
    assert.equal(msgCodeOf(await env.browser.get(promptUrl.href)), 'token_incorrect', 'the pre-2FA token is dead');
  });

  test('no /cpsess…/ URL skips the page: Home, admin pages and API calls wait for the code', async () => {
    const page = await passwordLoginAsRoot(env);
    const token = /\/cpsess(\d{10})\//.exec(page.url)?.[1] ?? '';
    for (const path of [
      '/',
      '/scripts2/manage_external_auth/providers',
      '/scripts7/twofactorauth/myaccount',
      '/nope',
    ]) {
      const res = await env.browser.get(`${env.url}/cpsess${token}${path}`);
      assert.equal(res.status, 401, path);
      assert.equal(titleOf(res), 'WHM Login Security', path);
    }
    const api = await env.browser.get(`${env.url}/cpsess${token}/json-api/twofactorauth_policy_status?api.version=1`);
    assert.equal(api.status, 401);
    assert.equal(api.json<{ data?: unknown }>().data, undefined);
    const disable = await env.browser.post(`${env.url}/cpsess${token}/scripts7/twofactorauth/policy`, { enabled: '0' });
    assert.equal(titleOf(disable), 'WHM Login Security', 'a POST elsewhere does nothing');
    assert.match(disable.text, /role="alert">Enter the security code to continue\.</, 'and says so');
    const put = await env.browser.request('PUT', `${env.url}/cpsess${token}/`, {});
    assert.equal(put.status, 401);
    assert.match(put.text, /role="alert">Enter the security code to continue\.</);
    assert.equal((await callWhmApi(env, 'twofactorauth_policy_status')).body.data?.is_enabled, 1);
    const other = token === '0000000000' ? '1111111111' : '0000000000';
    assert.equal(msgCodeOf(await env.browser.get(`${env.url}/cpsess${other}/`)), 'expired_session');
    const loginPage = await env.browser.get(`${env.url}/`);
    assert.equal(loginPage.status, 302, 'the login page sends the browser back to its prompt');
    assert.equal(new URL(loginPage.location ?? '', env.url).pathname, `/cpsess${token}/`);
    const noCsrf = await env.browser.post(`${env.url}/cpsess${token}/`, { tfatoken: codeAt(secret, clock) });
    assert.equal(noCsrf.status, 403);
  });

  test('accepts codes of the previous, current and next step, not two steps away (fixed clock)', async () => {
    const results: number[] = [];
    for (const offset of [-2, -1, 0, 1, 2]) {
      const page = await passwordLoginAsRoot(env);
      results.push((await submitSecurityCode(env, page, codeAt(secret, clock, offset))).status);
    }
    assert.deepEqual(results, [401, 303, 303, 303, 401]);
  });

  test('refuses a code whose step was already used (replay), then takes the next step', async () => {
    const code = codeAt(secret, clock);
    assert.equal((await submitSecurityCode(env, await passwordLoginAsRoot(env), code)).status, 303);
    const replay = await submitSecurityCode(env, await passwordLoginAsRoot(env), code);
    assert.equal(replay.status, 401);
    assert.match(replay.text, /The security code is invalid\./);
    assert.equal((await submitSecurityCode(env, replay, codeAt(secret, clock, 1))).status, 303);
  });

  test('"Log in via WebPros" and link-then-password also end at the code page', async () => {
    const link = { username: 'root', provider_id: 'webpros', subject_unique_identifier: 'fake-subject-1' };
    await callWhmApi(env, 'link_user_authn_provider', { ...link, preferred_username: 'demo@example.com' });
    env.browser.cookies.clear();
    const callback = await logInViaWebPros(env);
    assert.equal(callback.status, 302);
    const prompt = await env.browser.get(new URL(callback.location ?? '', env.url).href);
    assert.equal(titleOf(prompt), 'WHM Login Security');
    const ok = await submitSecurityCode(env, prompt, codeAt(secret, clock));
    const home = await env.browser.get(ok.location ?? '');
    assert.match(home.text, /signed in with WebPros/);

    await callWhmApi(env, 'unlink_user_authn_provider', link);
    env.browser.cookies.clear();
    const banner = await logInViaWebPros(env);
    assert.equal(msgCodeOf(banner), 'link_account');
    const linked = await submitLoginForm(env.browser, banner, 'root', TEST_ROOT_PASSWORD);
    assert.equal(linked.status, 303);
    const linkedPrompt = await env.browser.get(linked.location ?? '');
    assert.equal(titleOf(linkedPrompt), 'WHM Login Security');
    const done = await submitSecurityCode(env, linkedPrompt, codeAt(secret, clock, 1));
    assert.match((await env.browser.get(done.location ?? '')).text, /signed in with WebPros/);
  });

  test('five wrong codes end the pre-2FA session; then 429 with Retry-After for 15 minutes', async () => {
    let page = await passwordLoginAsRoot(env);
    const promptUrl = page.url;
    for (let i = 1; i <= 4; i += 1) {
      page = await submitSecurityCode(env, page, '000000');
      assert.equal(page.status, 401, `failure ${i}`);
    }
    const fifth = await submitSecurityCode(env, page, '000000');
    assert.equal(fifth.status, 401);
    assert.equal(msgCodeOf(fifth), 'tfa_attempts_exceeded');
    assert.equal(
      noticeTextOf(fifth),
      'You entered an invalid security code too many times. Wait 15 minutes, then log in again.',
    );
    assert.equal(msgCodeOf(await env.browser.get(promptUrl)), 'expired_session', 'the session ended');

    const again = await passwordLoginAsRoot(env);
    assert.equal(again.status, 429);
    assert.equal(again.headers.get('retry-after'), '900');
    const refused = await submitSecurityCode(env, again, codeAt(secret, clock));
    assert.equal(refused.status, 429, 'even a valid code');
    assert.match(refused.text, /Wait 15 minutes and try again\./);
    clock.advance(14 * 60_000);
    const later = await env.browser.get(again.url);
    assert.equal(later.headers.get('retry-after'), '60');
    clock.advance(60_000);
    assert.equal((await submitSecurityCode(env, later, codeAt(secret, clock))).status, 303);
  });

  test('one session per 2FA user: logging out in one browser logs out the others (§10)', async () => {
    const otherBrowser = createHttpClient({ ca: (await testCertificates()).caPem });
    const other: TestEnv = { ...env, browser: otherBrowser };
    try {
      const homeOf = async (who: TestEnv) => {
        const ok = await submitSecurityCode(who, await passwordLoginAsRoot(who), codeAt(secret, clock));
        clock.advance(STEP_MS); // a code's time step is accepted once per user
        const home = await who.browser.get(new URL(ok.location ?? '', env.url).href);
        assert.equal(titleOf(home), 'WHM Home');
        return home.url;
      };
      await homeOf(env);
      const otherHome = await homeOf(other);

      const loggedOut = await env.browser.get(`${env.url}/logout/`);
      assert.match(noticeTextOf(loggedOut) ?? '', /You have logged out\./);
      const after = await otherBrowser.get(otherHome);
      assert.equal(titleOf(after), 'WHM Login', 'the other browser’s session ended too');
    } finally {
      await otherBrowser.close();
    }
  });

  test('with the policy off the configured user is not asked; removing 2FA through the API skips the page too', async () => {
    await callWhmApi(env, 'twofactorauth_disable_policy');
    assert.equal(titleOf(await passwordLoginAsRoot(env)), 'WHM Home');
    await callWhmApi(env, 'twofactorauth_enable_policy');
    assert.equal(titleOf(await passwordLoginAsRoot(env)), 'WHM Login Security');
    const removed = await callWhmApi(env, 'twofactorauth_remove_user_config', { user: 'root' });
    assert.deepEqual(removed.body.data, { failed: {}, users_modified: ['root'] });
    const home = await passwordLoginAsRoot(env);
    assert.equal(home.status, 200);
    assert.equal(titleOf(home), 'WHM Home');
  });
});

describe('WHM 2FA at login: the limits are settings', () => {
  const limitsClock = createAdjustableClock({ now: () => new Date(BASE_MS) });
  let env: TestEnv;
  let secret: string;
  before(async () => {
    env = await startTestEnv({
      clock: limitsClock,
      env: { PANEL_TFA_MAX_FAILURES: '2', PANEL_TFA_LOCK_SECONDS: '120', PANEL_TFA_MAX_FAILURES_PER_IP: '3' },
    });
    secret = await configureRootTfa(env, limitsClock, -1);
    await callWhmApi(env, 'twofactorauth_enable_policy');
  });
  after(() => env.close());

  test('PANEL_TFA_MAX_FAILURES and PANEL_TFA_LOCK_SECONDS: two wrong codes lock root for two minutes, and the notice says so', async () => {
    const first = await submitSecurityCode(env, await passwordLoginAsRoot(env), '000000');
    assert.equal(first.status, 401);
    const second = await submitSecurityCode(env, first, '000000');
    assert.equal(msgCodeOf(second), 'tfa_attempts_exceeded');
    assert.equal(
      noticeTextOf(second),
      'You entered an invalid security code too many times. Wait 2 minutes, then log in again.',
    );
    const locked = await passwordLoginAsRoot(env);
    assert.equal(locked.status, 429);
    assert.equal(locked.headers.get('retry-after'), '120');
    assert.match(locked.text, /for this account\. Wait 2 minutes and try again\./);
    limitsClock.advance(120_000);
  });

  test('PANEL_TFA_MAX_FAILURES_PER_IP: the third wrong code from this address refuses even a right code with 429 until the window frees it', async () => {
    // Two failures of the previous test (one window, 900 s by default) and this one make three.
    const prompt = await passwordLoginAsRoot(env);
    assert.equal(prompt.status, 401);
    const third = await submitSecurityCode(env, prompt, '000000');
    assert.equal(third.status, 401, 'root has one failure in a row: not locked');
    const refused = await submitSecurityCode(env, third, codeAt(secret, limitsClock));
    assert.equal(refused.status, 429);
    assert.equal(refused.headers.get('retry-after'), String(900 - 120));
    assert.match(
      refused.text,
      /role="alert">Too many invalid security codes were entered from your network address\. Wait 13 minutes and try again\.</,
    );
    const logged = env.logger.lines.find((l) => l.message === 'two-factor: code refused: too many failed attempts');
    assert.equal(logged?.level, 'warn');
    assert.deepEqual(logged?.fields, { username: 'root', ip: logged?.fields?.ip, retryAfterSeconds: 780 });
    assert.match(String(logged?.fields?.ip), /127\.0\.0\.1|::1/);
    assert.equal((await env.browser.get(third.url)).status, 401, 'the prompt stays: only codes are refused');

    limitsClock.advance(780_000);
    const ok = await submitSecurityCode(env, refused, codeAt(secret, limitsClock));
    assert.equal(ok.status, 303);
    assert.equal(titleOf(await env.browser.get(new URL(ok.location ?? '', env.url).href)), 'WHM Home');
  });
});
