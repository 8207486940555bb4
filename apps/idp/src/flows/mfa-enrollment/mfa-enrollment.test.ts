import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parseForms } from '@extauth/server-kit/http-client';
import { idpMessages } from '@extauth/shared/idp-messages';
import QRCode from 'qrcode';
import { buildTotpUri } from '../../domain/totp.js';
import { ACCOUNT_SESSION_COOKIE } from '../../http/account-session.js';
import {
  completeEnrollment,
  enrollmentLinkTo,
  frozenClock,
  logInWithPassword,
  openEnrollmentFromEmail,
  recoveryCodeOn,
  STEP_MS,
  secretOn,
  totpAt,
} from '../../testing/mfa.js';
import { submitForm } from '../../testing/oidc-driver.js';
import { alertText, createVerifiedAccount, uniqueEmail } from '../../testing/self-service.js';
import { startTestIdp, type TestIdp } from '../../testing/test-idp.js';

let t: TestIdp;
before(async () => {
  t = await startTestIdp({ clock: frozenClock() });
});
after(() => t.close());

/** A 6-digit code that is not `right`. */
export const wrongCode = (right: string) => (right === '000000' ? '111111' : '000000');

const fieldError = (text: string) => /<p class="field-error" id="code-error" role="alert">([^<]*)<\/p>/.exec(text)?.[1];

async function signedInAccount(label: string) {
  const email = uniqueEmail(label);
  const browser = t.browser();
  await createVerifiedAccount(t, browser, { email, password: `${label}-password-123` });
  return { email, browser, password: `${label}-password-123` };
}

describe('MFA enrolment by email', () => {
  test('the email names the account and links to "Secure Your Account": QR of the otpauth URI, grouped secret, code field', async () => {
    const { email, browser } = await signedInAccount('enrol-page');
    const page = await openEnrollmentFromEmail(t, browser, email);
    const mail = t.lastMailTo(email);
    assert.ok(mail?.subject.includes(email), 'the subject names the account');
    assert.match(mail?.html ?? '', />Enable multi-factor authentication<\/a>/);
    assert.equal(new URL(page.url).pathname, '/mfa/setup', 'the token is not left in the address bar');
    assert.match(page.text, /<h1>Secure Your Account<\/h1>/);
    assert.match(page.text, /<label for="code">One-time code<\/label>/);
    assert.match(page.text, /<button type="submit" class="primary">Continue<\/button>/);
    const secret = secretOn(page);
    assert.equal(secret.length, 32, '160 bits');
    const src = /<img src="([^"]+)" alt="QR code"/.exec(page.text)?.[1];
    assert.ok(src?.startsWith('data:image/png;base64,'));
    const uri = buildTotpUri({ issuer: 'WebPros', accountName: email, secret });
    const expected = await QRCode.toDataURL(uri, { errorCorrectionLevel: 'M', margin: 2, width: 220 });
    assert.equal(src, expected, 'the QR code encodes the otpauth URI of this secret and account');
    assert.doesNotMatch(page.text, /<script(?![^>]*\bsrc=)|style=/, 'no inline script or style (CSP)');
  });

  test('the link works once and not after 24 hours', async () => {
    const { email, browser } = await signedInAccount('enrol-link');
    await openEnrollmentFromEmail(t, browser, email);
    const again = await t.browser().get(enrollmentLinkTo(t, email));
    assert.equal(again.status, 400);
    assert.ok(again.text.includes(idpMessages.enrollment_link_invalid));

    const account = await browser.get(`${t.issuer}/account`);
    await submitForm(browser, account, '/account/mfa/enrollment-email');
    t.clock.advance(24 * 60 * 60 * 1000 + 1000);
    const expired = await t.browser().get(enrollmentLinkTo(t, email));
    assert.equal(expired.status, 400);
    assert.ok(expired.text.includes(idpMessages.enrollment_link_invalid));
  });

  test('a wrong code keeps the pending secret; a right one leads to "Almost There!", refused until the box is ticked', async () => {
    const { email, browser, password } = await signedInAccount('enrol-confirm');
    const setup = await openEnrollmentFromEmail(t, browser, email);
    const secret = secretOn(setup);
    const wrong = await submitForm(browser, setup, '/mfa/setup', { code: wrongCode(await totpAt(t, secret)) });
    assert.equal(wrong.status, 400);
    assert.equal(fieldError(wrong.text), idpMessages.totp_wrong);
    assert.equal(secretOn(wrong), secret, 'the same pending secret');
    assert.match(wrong.text, /id="code"[^>]*aria-describedby="code-error"/);

    const almost = await browser.follow(
      await submitForm(browser, wrong, '/mfa/setup', { code: await totpAt(t, secret) }),
    );
    const recoveryCode = recoveryCodeOn(almost);
    assert.match(recoveryCode, /^[A-Z2-7]{5}(-[A-Z2-7]{5}){4}$/, '25 base32 characters: 125 bits');
    assert.match(
      almost.text,
      /<button type="button" class="secondary" data-copy-code="recovery-code" data-copy-status="copy-status" hidden>Copy code<\/button>\s*<span class="copy-status" id="copy-status" aria-live="polite"><\/span>/,
    );
    assert.match(almost.text, /<label for="recorded">I have safely recorded this code<\/label>/);

    // Not active yet: a login now finishes without a second factor.
    const before = await logInWithPassword(t, t.browser(), { email, password });
    assert.match(before.text, /Confirm Sending Data/, 'MFA is not active before the box is ticked');

    const unticked = await submitForm(browser, almost, '/mfa/recovery-code');
    assert.equal(unticked.status, 400);
    assert.equal(alertText(unticked), idpMessages.recovery_code_ack_required);
    assert.equal(recoveryCodeOn(unticked), recoveryCode, 'the same code again');

    const done = await browser.follow(await submitForm(browser, unticked, '/mfa/recovery-code', { recorded: 'on' }));
    assert.ok(done.text.includes(idpMessages.mfa_enabled));
    assert.match(done.text, /Enabled\./);
    assert.match(done.text, /<label for="proof">Password or one-time code<\/label>/);
    assert.match(done.text, />Regenerate recovery code<\/button>/);
    assert.match(done.text, />Turn off multi-factor authentication<\/button>/);

    const after = await logInWithPassword(t, t.browser(), { email, password });
    assert.match(after.text, /<h1>Verify Your Identity<\/h1>/, 'now a login asks for the second factor');
  });

  test('the code that confirmed enrolment cannot log in again within its step (the enrolment step is used up)', async () => {
    const { email, browser, password } = await signedInAccount('enrol-replay');
    const setup = await openEnrollmentFromEmail(t, browser, email);
    const { secret } = await completeEnrollment(t, browser, setup);
    const browser2 = t.browser();
    const page = await logInWithPassword(t, browser2, { email, password });
    const same = await submitForm(browser2, page, '/mfa/challenge', { code: await totpAt(t, secret) });
    assert.equal(same.status, 400);
    assert.equal(fieldError(same.text), idpMessages.totp_replayed);
    t.clock.advance(STEP_MS);
    const next = await submitForm(browser2, same, '/mfa/challenge', { code: await totpAt(t, secret) });
    assert.equal(next.status, 303, 'the next step works');
  });

  test('the account page regenerates the recovery code and turns MFA off, each with the password or a current code', async () => {
    const { email, browser, password } = await signedInAccount('enrol-manage');
    const { secret, recoveryCode } = await completeEnrollment(
      t,
      browser,
      await openEnrollmentFromEmail(t, browser, email),
    );
    t.clock.advance(STEP_MS);
    let account = await browser.get(`${t.issuer}/account`);
    const wrong = await submitForm(browser, account, '/account/mfa', {
      proof: 'not-my-password',
      action: 'regenerate',
    });
    assert.equal(wrong.status, 400);
    assert.match(wrong.text, new RegExp(idpMessages.mfa_proof_wrong));

    const almost = await browser.follow(
      await submitForm(browser, account, '/account/mfa', { proof: await totpAt(t, secret), action: 'regenerate' }),
    );
    const fresh = recoveryCodeOn(almost);
    assert.notEqual(fresh, recoveryCode);
    const back = await browser.follow(await submitForm(browser, almost, '/mfa/recovery-code', { recorded: 'on' }));
    assert.ok(back.text.includes(idpMessages.recovery_code_replaced));

    account = await browser.get(`${t.issuer}/account`);
    const off = await browser.follow(
      await submitForm(browser, account, '/account/mfa', { proof: password, action: 'disable' }),
    );
    assert.ok(off.text.includes(idpMessages.mfa_disabled));
    assert.match(off.text, />Send an enrollment email<\/button>/);
    const login = await logInWithPassword(t, t.browser(), { email, password });
    assert.match(login.text, /Confirm Sending Data/, 'no second factor any more');
  });

  test('turning MFA on, then off, from the account pages gives the browser a new session id each time', async () => {
    const { email, browser, password } = await signedInAccount('enrol-rotate');
    const host = new URL(t.issuer).hostname;
    const signedOut = async (id: string | undefined) =>
      (await t.browser().get(`${t.issuer}/account`, { cookie: `${ACCOUNT_SESSION_COOKIE}=${id}` })).status === 303;
    const beforeOn = browser.cookies.get(host, ACCOUNT_SESSION_COOKIE);
    assert.ok(beforeOn);
    const { done } = await completeEnrollment(t, browser, await openEnrollmentFromEmail(t, browser, email));
    assert.equal(done.location, `${t.issuer}/account?notice=mfa_enabled`);
    const afterOn = browser.cookies.get(host, ACCOUNT_SESSION_COOKIE);
    assert.ok(afterOn && afterOn !== beforeOn, 'a new id once MFA is on');
    assert.ok(await signedOut(beforeOn), 'the id from before MFA opens nothing');

    t.clock.advance(STEP_MS);
    const account = await browser.get(`${t.issuer}/account`);
    assert.equal(account.status, 200, 'signed in under the new id');
    const off = await submitForm(browser, account, '/account/mfa', { proof: password, action: 'disable' });
    assert.equal(off.status, 303);
    const afterOff = browser.cookies.get(host, ACCOUNT_SESSION_COOKIE);
    assert.ok(afterOff && afterOff !== afterOn, 'a new id once MFA is off');
    assert.ok(await signedOut(afterOn), 'the id from before MFA went off opens nothing');
    assert.ok((await browser.follow(off)).text.includes(idpMessages.mfa_disabled));
  });

  test('an enrolment link opened in a browser that is not signed in turns MFA on without signing that browser in', async () => {
    const { email, browser } = await signedInAccount('enrol-elsewhere');
    const host = new URL(t.issuer).hostname;
    const account = await browser.get(`${t.issuer}/account`);
    await browser.follow(await submitForm(browser, account, '/account/mfa/enrollment-email'));
    const phone = t.browser();
    const { done } = await completeEnrollment(
      t,
      phone,
      await phone.follow(await phone.get(enrollmentLinkTo(t, email))),
    );
    assert.equal(phone.cookies.get(host, ACCOUNT_SESSION_COOKIE), undefined, 'no session starts from a link');
    assert.equal((await phone.follow(done)).url, `${t.issuer}/account/login?notice=account_login_required`);
    const mine = await browser.get(`${t.issuer}/account`);
    assert.equal(mine.status, 200, 'the signed-in browser is not signed out');
    assert.match(mine.text, /<p>Enabled\. Logins ask for a one-time code/);
  });

  test('five wrong codes lock the account page’s MFA form on the account page itself: 429, Retry-After, the sentence', async () => {
    const { email, browser } = await signedInAccount('enrol-lock');
    const { secret } = await completeEnrollment(t, browser, await openEnrollmentFromEmail(t, browser, email));
    t.clock.advance(STEP_MS);
    const account = await browser.get(`${t.issuer}/account`);
    const right = await totpAt(t, secret);
    for (let i = 0; i < 5; i += 1) {
      const res = await submitForm(browser, account, '/account/mfa', { proof: wrongCode(right), action: 'regenerate' });
      assert.equal(res.status, 400);
    }
    const locked = await submitForm(browser, account, '/account/mfa', { proof: right, action: 'regenerate' });
    assert.equal(locked.status, 429);
    assert.equal(locked.headers.get('retry-after'), String(15 * 60));
    assert.ok(locked.text.includes(idpMessages.mfa_locked));
    assert.match(locked.text, /<h1>[^<]+<\/h1>/);
    assert.ok(
      parseForms(locked.text, locked.url).some((f) => f.action.endsWith('/account/mfa')),
      'the account page',
    );
  });
});
