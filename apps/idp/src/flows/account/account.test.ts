import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { idpMessages } from '@extauth/shared/idp-messages';
import { ACCOUNT_SESSION_COOKIE } from '../../http/account-session.js';
import { submitForm } from '../../testing/oidc-driver.js';
import {
  alertText,
  createVerifiedAccount,
  formOf,
  hasOidcSession,
  logInDirectly,
  signInWithRefreshToken,
  uniqueEmail,
} from '../../testing/self-service.js';
import { startTestIdp, type TestIdp } from '../../testing/test-idp.js';

let t: TestIdp;
before(async () => {
  t = await startTestIdp();
});
after(() => t.close());

const HOUR_MS = 60 * 60 * 1000;

async function signedIn(password = 'account-page-password') {
  const email = uniqueEmail('acct');
  const browser = t.browser();
  const page = await createVerifiedAccount(t, browser, { email, password, first_name: 'Ana', last_name: 'López' });
  return { email, password, browser, page };
}

describe('welcome / account page', () => {
  test("asks to log in first, on the account pages' own login form", async () => {
    const res = await t.browser().get(`${t.issuer}/account`);
    assert.equal(res.status, 303);
    assert.equal(res.location, `${t.issuer}/account/login?notice=account_login_required`);
  });

  test('shows name, email, verified state, newsletter, MFA row with its button, "Log out" and the settings', async () => {
    const { email, page } = await signedIn();
    assert.match(page.text, /<h1>Welcome to your WebPros Account!<\/h1>/);
    assert.match(page.text, /<dt>Name<\/dt><dd>Ana López<\/dd>/);
    assert.ok(page.text.includes(`<dt>Email</dt><dd>${email}</dd>`));
    assert.match(page.text, /<dt>Email verified<\/dt><dd>Yes<\/dd>/);
    assert.match(page.text, /<dt>Newsletter<\/dt><dd>Not subscribed<\/dd>/);
    assert.match(page.text, /<h2 id="mfa-heading">Multi-factor authentication<\/h2>/);
    assert.match(
      page.text,
      /<form method="post" action="\/account\/mfa\/enrollment-email">\s*<input type="hidden" name="_csrf" value="[^"]+">\s*<button type="submit" class="secondary">Send an enrollment email<\/button>/,
    );
    for (const label of ['First name', 'Last name', 'Current password', 'New password']) {
      assert.match(page.text, new RegExp(`<label for="\\w+">${label}</label>`));
    }
    for (const button of ['Log out', 'Save', 'Change password', 'Save newsletter choice']) {
      assert.match(page.text, new RegExp(`<button type="submit" class="\\w+">${button}</button>`));
    }
    assert.match(page.text, /Trusted sites/);
  });

  test('"Save" changes the name; a blank name is refused on the same page', async () => {
    const { browser, page } = await signedIn();
    const blank = await submitForm(browser, page, '/account/name', { first_name: ' ', last_name: 'Other' });
    assert.equal(blank.status, 400);
    assert.ok(blank.text.includes(idpMessages.first_name_required));
    assert.match(blank.text, /id="last_name" name="last_name" type="text" value="Other"/);
    const saved = await browser.follow(
      await submitForm(browser, page, '/account/name', { first_name: 'Zoë', last_name: 'Nguyen' }),
    );
    assert.ok(saved.text.includes(idpMessages.name_saved));
    assert.match(saved.text, /<dt>Name<\/dt><dd>Zoë Nguyen<\/dd>/);
  });

  test('the newsletter choice can be changed both ways', async () => {
    const { browser, page } = await signedIn();
    const on = await browser.follow(await submitForm(browser, page, '/account/newsletter', { newsletter: 'on' }));
    assert.match(on.text, /<dt>Newsletter<\/dt><dd>Subscribed<\/dd>/);
    const form = formOf(on, '/account/newsletter');
    assert.equal(form.fields.newsletter, 'on', 'the box shows the current choice');
    const off = await browser.follow(await browser.post(form.action, { _csrf: form.fields._csrf ?? '' }));
    assert.match(off.text, /<dt>Newsletter<\/dt><dd>Not subscribed<\/dd>/);
  });

  test('"Save" refuses control and text-direction characters in a name, keeping the saved one', async () => {
    const { browser, page } = await signedIn();
    for (const bad of ['A\u0000B', 'A\u0007B\u001bC', 'X\r\nY', '\u202Eevil', 'A\u0085B', 'B\u2067C']) {
      const res = await submitForm(browser, page, '/account/name', { first_name: 'Ana', last_name: bad });
      assert.equal(res.status, 400, JSON.stringify(bad));
      assert.match(
        res.text,
        new RegExp(`<p class="field-error" id="last_name-error">${idpMessages.name_control_characters}</p>`),
      );
    }
    const after = await browser.get(`${t.issuer}/account`);
    assert.match(after.text, /<dt>Name<\/dt><dd>Ana López<\/dd>/);
  });

  test('"Change password" needs the current one and keeps the 12-character rule', async () => {
    const { browser, page } = await signedIn();
    const wrong = await submitForm(browser, page, '/account/password', {
      current_password: 'not-my-password',
      new_password: 'a-new-password-1',
    });
    assert.equal(wrong.status, 400);
    assert.ok(wrong.text.includes(idpMessages.current_password_wrong));
    const short = await submitForm(browser, page, '/account/password', {
      current_password: 'account-page-password',
      new_password: 'elevenchars',
    });
    assert.equal(short.status, 400);
    assert.ok(short.text.includes(idpMessages.password_too_short));
  });

  test('guessing the current password is throttled on the account page itself: 429, Retry-After, the sentence at the field', async () => {
    const { password, browser, page } = await signedIn();
    for (let i = 0; i < 10; i++) {
      const wrong = await submitForm(browser, page, '/account/password', {
        current_password: `wrong-password-${i}`,
        new_password: 'a-new-password-1',
      });
      assert.equal(wrong.status, 400);
    }
    const blocked = await submitForm(browser, page, '/account/password', {
      current_password: password,
      new_password: 'a-new-password-1',
    });
    assert.equal(blocked.status, 429);
    assert.match(blocked.headers.get('retry-after') ?? '', /^[1-9]\d*$/);
    assert.ok(blocked.text.includes(idpMessages.login_throttled_account));
    assert.ok(formOf(blocked, '/account/password'), 'still the account page, with its password form');
    assert.ok(formOf(blocked, '/account/name'), 'and its other settings');
  });

  test('a password change keeps this session and ends every other one, OIDC sessions and tokens included', async () => {
    const { email, password, browser, page } = await signedIn();
    const otherAccountBrowser = t.browser();
    assert.equal((await logInDirectly(t, otherAccountBrowser, { email, password })).status, 303);
    const oidcBrowser = t.browser();
    const tokens = await signInWithRefreshToken(t, oidcBrowser, { email, password });

    const res = await submitForm(browser, page, '/account/password', {
      current_password: password,
      new_password: 'changed-password-2',
    });
    assert.equal(res.status, 303);
    const after = await browser.follow(res);
    assert.ok(after.text.includes(idpMessages.password_changed));
    assert.equal((await otherAccountBrowser.get(`${t.issuer}/account`)).status, 303);
    assert.equal((await tokens.refresh()).status, 400);
    assert.equal(await hasOidcSession(t, oidcBrowser), false);
    assert.equal((await logInDirectly(t, t.browser(), { email, password })).status, 400);
    assert.equal((await logInDirectly(t, t.browser(), { email, password: 'changed-password-2' })).status, 303);
  });

  test('a rotated session id keeps the end of the session it replaces: a password change does not extend it', async () => {
    const { password, browser, page } = await signedIn();
    t.clock.advance(7 * HOUR_MS);
    const res = await submitForm(browser, page, '/account/password', {
      current_password: password,
      new_password: 'rotated-late-password-4',
    });
    assert.equal(res.status, 303);
    assert.equal((await browser.follow(res)).status, 200, 'signed in under the new id');
    t.clock.advance(1.5 * HOUR_MS);
    const later = await browser.get(`${t.issuer}/account`);
    assert.equal(later.status, 303, 'the session ends 8 hours after sign-in, not after the change');
    assert.equal(later.location, `${t.issuer}/account/login?notice=account_login_required`);
  });

  test('a password change is a privilege change: this browser goes on under a new session id, the old id opens nothing', async () => {
    const { password, browser, page } = await signedIn();
    const host = new URL(t.issuer).hostname;
    const before = browser.cookies.get(host, ACCOUNT_SESSION_COOKIE);
    assert.ok(before);
    const res = await submitForm(browser, page, '/account/password', {
      current_password: password,
      new_password: 'rotated-password-3',
    });
    assert.equal(res.status, 303);
    const after = browser.cookies.get(host, ACCOUNT_SESSION_COOKIE);
    assert.ok(after && after !== before, 'a new account-session id');
    const page2 = await browser.follow(res);
    assert.equal(page2.status, 200, 'still signed in, under the new id');
    assert.ok(page2.text.includes(idpMessages.password_changed));
    const replay = await t.browser().get(`${t.issuer}/account`, { cookie: `${ACCOUNT_SESSION_COOKIE}=${before}` });
    assert.equal(replay.status, 303, 'the id from before the change is signed out');
    assert.equal(replay.location, `${t.issuer}/account/login?notice=account_login_required`);
  });

  test('"Log out" ends the account session and says so', async () => {
    const { browser, page } = await signedIn();
    const res = await submitForm(browser, page, '/account/logout');
    assert.equal(res.location, `${t.issuer}/account/login?notice=logged_out`);
    const login = await browser.follow(res);
    assert.ok(login.text.includes(idpMessages.logged_out));
    assert.equal((await browser.get(`${t.issuer}/account`)).status, 303);
    assert.equal(alertText(login), undefined);
  });
});
