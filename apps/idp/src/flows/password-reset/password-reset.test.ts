import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { idpMessages } from '@extauth/shared/idp-messages';
import { browse, submitForm } from '../../testing/oidc-driver.js';
import {
  alertText,
  codeIn,
  createVerifiedAccount,
  enterCode,
  hasOidcSession,
  hrefOf,
  logInDirectly,
  openInteractionLogin,
  settleMail,
  signInWithRefreshToken,
  signUp,
  uniqueEmail,
} from '../../testing/self-service.js';
import { startTestIdp, type TestIdp } from '../../testing/test-idp.js';

let t: TestIdp;
before(async () => {
  t = await startTestIdp();
});
after(() => t.close());

async function requestReset(email: string, browser = t.browser()) {
  const login = await openInteractionLogin(t, browser);
  const resetPage = await browser.get(hrefOf(login, 'Forgot password?'));
  assert.equal(resetPage.status, 200);
  const res = await submitForm(browser, resetPage, '/password-reset', { email });
  return { browser, resetPage, res };
}

describe('password reset', () => {
  test('"Forgot password?" asks for the "Email" and answers the same whether or not an account exists', async () => {
    const known = uniqueEmail('known');
    await createVerifiedAccount(t, t.browser(), { email: known, password: 'known-user-password' });
    const unknown = uniqueEmail('unknown');
    const mails = t.outbox.length;

    const a = await requestReset(known);
    assert.match(a.resetPage.text, /<label for="email">Email<\/label>/);
    const b = await requestReset(unknown);
    assert.equal(a.res.status, 303);
    assert.equal(b.res.status, 303);
    assert.match(new URL(a.res.location ?? '').pathname, /\/email-code$/);
    assert.match(new URL(b.res.location ?? '').pathname, /\/email-code$/);
    const pageA = await a.browser.follow(a.res);
    const pageB = await b.browser.follow(b.res);
    const neutral = (text: string, email: string) =>
      text
        .replaceAll(email, 'EMAIL')
        .replace(/value="[\w-]{43}"/g, '')
        .replace(/\/interaction\/[\w-]+\//g, '/interaction/UID/');
    assert.equal(neutral(pageA.text, known), neutral(pageB.text, unknown));

    // Reset mail is sent in the background (same timing either way).
    await settleMail();
    assert.equal(t.outbox.length, mails + 1, 'only the real account gets a mail');
    assert.equal(t.lastMailTo(known)?.subject.startsWith('Your WebPros Account password reset code: '), true);
    const wrong = await enterCode(b.browser, pageB, '000000');
    assert.equal(alertText(wrong), idpMessages.code_wrong);
  });

  test('code, then "New password" (same 12-character rule) and "Reset password"; the new password works, the old does not', async () => {
    const email = uniqueEmail('reset');
    await createVerifiedAccount(t, t.browser(), { email, password: 'old-password-123' });
    const { browser, res } = await requestReset(email);
    const codePage = await browser.follow(res);
    await settleMail();
    const toNew = await enterCode(browser, codePage, codeIn(t.lastMailTo(email)));
    assert.equal(toNew.status, 303);
    const newPage = await browser.follow(toNew);
    assert.match(newPage.text, /<label for="password">New password<\/label>/);
    assert.match(newPage.text, /<button type="submit" class="primary">Reset password<\/button>/);
    const short = await submitForm(browser, newPage, '/password-reset/new', { password: 'elevenchars' });
    assert.equal(short.status, 400);
    assert.ok(short.text.includes(idpMessages.password_too_short));
    // The form's only message: announced, and tied to the field it is about.
    assert.match(short.text, /<p class="field-error" id="password-error" role="alert">/);
    assert.match(short.text, /id="password"[^>]*aria-invalid="true" aria-describedby="password-error"/);
    const done = await submitForm(browser, newPage, '/password-reset/new', { password: ' new password 456 ' });
    assert.equal(done.status, 303);
    const login = await browser.follow(done);
    assert.ok(login.text.includes(idpMessages.password_reset_done));
    const consent = await browse(
      browser,
      await submitForm(browser, login, '/login', { email, password: ' new password 456 ' }),
    );
    assert.match(consent.text, /Confirm Sending Data/, 'back in the same authorization');
    assert.equal((await logInDirectly(t, t.browser(), { email, password: 'old-password-123' })).status, 400);
    const again = await browser.get(newPage.url);
    assert.equal(again.status, 400, 'the ticket is single-use');
  });

  test('revokes every session, grant and token of the account', async () => {
    const email = uniqueEmail('revoke');
    const password = 'revoked-password-1';
    const accountBrowser = t.browser();
    await createVerifiedAccount(t, accountBrowser, { email, password });
    const oidcBrowser = t.browser();
    const tokens = await signInWithRefreshToken(t, oidcBrowser, { email, password });
    assert.equal(await hasOidcSession(t, oidcBrowser), true);

    const browser = t.browser();
    const { res } = await requestReset(email, browser);
    const codePage = await browser.follow(res);
    await settleMail();
    const newPage = await browser.follow(await enterCode(browser, codePage, codeIn(t.lastMailTo(email))));
    assert.equal(
      (await submitForm(browser, newPage, '/password-reset/new', { password: 'brand-new-password' })).status,
      303,
    );

    const refreshed = await tokens.refresh();
    assert.equal(refreshed.status, 400);
    assert.equal(refreshed.json<{ error: string }>().error, 'invalid_grant');
    assert.equal(await hasOidcSession(t, oidcBrowser), false, 'the OIDC session ended');
    const account = await accountBrowser.get(`${t.issuer}/account`);
    assert.equal(account.status, 303, 'the account-page session ended');
  });

  test('a reset verifies an address that was never confirmed (the code proved the mailbox)', async () => {
    const email = uniqueEmail('never-verified');
    await signUp(t, t.browser(), { email, password: 'unconfirmed-password' });
    const browser = t.browser();
    const page = await browser.get(`${t.issuer}/password-reset`);
    const codePage = await browser.follow(await submitForm(browser, page, '/password-reset', { email }));
    await settleMail();
    const newPage = await browser.follow(await enterCode(browser, codePage, codeIn(t.lastMailTo(email))));
    const done = await submitForm(browser, newPage, '/password-reset/new', { password: 'confirmed-by-reset' });
    assert.equal(done.location, `${t.issuer}/account/login?notice=password_reset_done`);
    const login = await logInDirectly(t, t.browser(), { email, password: 'confirmed-by-reset' });
    assert.equal(login.location, `${t.issuer}/account`);
  });
});
