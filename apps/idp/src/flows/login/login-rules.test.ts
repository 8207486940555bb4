import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { idpMessages } from '@extauth/shared/idp-messages';
import { browse, submitForm } from '../../testing/oidc-driver.js';
import {
  alertText,
  codeIn,
  createVerifiedAccount,
  enterCode,
  logInDirectly,
  openInteractionLogin,
  signUp,
  uniqueEmail,
} from '../../testing/self-service.js';
import { startTestIdp, type TestIdp } from '../../testing/test-idp.js';

const WINDOW_SECONDS = 60;
let t: TestIdp;
before(async () => {
  t = await startTestIdp({
    env: {
      IDP_LOGIN_MAX_FAILURES_PER_ACCOUNT: '3',
      IDP_LOGIN_MAX_FAILURES_PER_IP: '6',
      IDP_LOGIN_FAILURE_WINDOW_SECONDS: String(WINDOW_SECONDS),
    },
  });
});
after(() => t.close());

/** Every test starts in fresh rate-limit windows. */
const nextWindow = () => t.clock.advance((WINDOW_SECONDS + 1) * 1000);

describe('login rules', () => {
  test('an unverified account cannot finish login: the code page comes with a fresh code, then the interaction continues', async () => {
    const email = uniqueEmail('unverified');
    await signUp(t, t.browser(), { email, password: 'unverified-password' });
    const first = codeIn(t.lastMailTo(email));
    t.clock.advance(31_000);
    const browser = t.browser();
    const login = await openInteractionLogin(t, browser);
    const wrong = await submitForm(browser, login, '/login', { email, password: 'not-the-password' });
    assert.equal(alertText(wrong), idpMessages.invalid_credentials, 'a wrong password says nothing about verification');
    const res = await submitForm(browser, login, '/login', { email, password: 'unverified-password' });
    assert.equal(res.status, 303);
    assert.match(new URL(res.location ?? '').pathname, /^\/interaction\/[^/]+\/email-code$/);
    const fresh = codeIn(t.lastMailTo(email));
    assert.notEqual(fresh, first);
    const codePage = await browser.follow(res);
    const consent = await browse(browser, await enterCode(browser, codePage, fresh));
    assert.match(consent.text, /Confirm Sending Data/);
  });

  test('an unverified account logging in directly also lands on the code page', async () => {
    const email = uniqueEmail('unverified-direct');
    await signUp(t, t.browser(), { email, password: 'unverified-password' });
    const res = await logInDirectly(t, t.browser(), { email, password: 'unverified-password' });
    assert.equal(res.location, `${t.issuer}/email-code`);
  });

  test('an uppercase variant of the address logs in', async () => {
    nextWindow();
    const email = uniqueEmail('Mixed.Case');
    await createVerifiedAccount(t, t.browser(), { email, password: 'mixed-case-password' });
    const res = await logInDirectly(t, t.browser(), {
      email: ` ${email.toUpperCase()} `,
      password: 'mixed-case-password',
    });
    assert.equal(res.location, `${t.issuer}/account`);
  });

  test('throttles failed passwords per account with 429, Retry-After and a message, even for the right password', async () => {
    nextWindow();
    const email = uniqueEmail('throttled');
    await createVerifiedAccount(t, t.browser(), { email, password: 'throttled-password' });
    for (let i = 0; i < 3; i += 1) {
      assert.equal((await logInDirectly(t, t.browser(), { email, password: `wrong-${i}-password` })).status, 400);
    }
    const blocked = await logInDirectly(t, t.browser(), { email: email.toUpperCase(), password: 'throttled-password' });
    assert.equal(blocked.status, 429);
    const retryAfter = Number(blocked.headers.get('retry-after'));
    assert.ok(retryAfter > 0 && retryAfter <= WINDOW_SECONDS, String(retryAfter));
    assert.ok(blocked.text.includes(idpMessages.login_throttled_account));
    nextWindow();
    assert.equal((await logInDirectly(t, t.browser(), { email, password: 'throttled-password' })).status, 303);
  });

  test('a throttled login is answered on the login form itself: the sentence, the typed email kept, 429 and Retry-After', async () => {
    nextWindow();
    const email = uniqueEmail('throttled-form');
    await createVerifiedAccount(t, t.browser(), { email, password: 'throttled-form-password' });
    for (let i = 0; i < 3; i += 1) {
      assert.equal((await logInDirectly(t, t.browser(), { email, password: `wrong-${i}-password` })).status, 400);
    }
    const direct = await logInDirectly(t, t.browser(), { email, password: 'throttled-form-password' });
    const browser = t.browser();
    const login = await openInteractionLogin(t, browser);
    const inside = await submitForm(browser, login, '/login', { email, password: 'throttled-form-password' });
    for (const blocked of [direct, inside]) {
      assert.equal(blocked.status, 429);
      assert.ok(Number(blocked.headers.get('retry-after')) > 0);
      assert.match(blocked.text, /<h1>Log in to your WebPros Account<\/h1>/);
      assert.equal(alertText(blocked), idpMessages.login_throttled_account);
      assert.ok(blocked.text.includes(`id="email" name="email" type="email" value="${email}"`), 'the email is kept');
      assert.doesNotMatch(blocked.text, /throttled-form-password/, 'never the password');
    }
    nextWindow();
  });

  test('an unknown address is throttled exactly like a real one', async () => {
    nextWindow();
    const email = uniqueEmail('nobody');
    for (let i = 0; i < 3; i += 1) {
      const res = await logInDirectly(t, t.browser(), { email, password: 'whatever-password' });
      assert.equal(alertText(res), idpMessages.invalid_credentials);
    }
    assert.equal((await logInDirectly(t, t.browser(), { email, password: 'whatever-password' })).status, 429);
  });

  test('the per-IP limit counts failures only: many successes are never throttled, failures across accounts are', async () => {
    nextWindow();
    const email = uniqueEmail('busy-ci');
    await createVerifiedAccount(t, t.browser(), { email, password: 'busy-ci-password' });
    for (let i = 0; i < 10; i += 1) {
      assert.equal((await logInDirectly(t, t.browser(), { email, password: 'busy-ci-password' })).status, 303);
    }
    for (let i = 0; i < 6; i += 1) {
      const res = await logInDirectly(t, t.browser(), { email: uniqueEmail('spray'), password: 'guess-password' });
      assert.equal(res.status, 400);
    }
    const blocked = await logInDirectly(t, t.browser(), { email, password: 'busy-ci-password' });
    assert.equal(blocked.status, 429);
    assert.ok(blocked.text.includes(idpMessages.login_throttled_ip));
    assert.ok(Number(blocked.headers.get('retry-after')) > 0);
    nextWindow();
  });
});
