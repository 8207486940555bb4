import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { idpMessages } from '@extauth/shared/idp-messages';
import { browse, submitForm } from '../../testing/oidc-driver.js';
import {
  alertText,
  codeIn,
  createVerifiedAccount,
  enterCode,
  hrefOf,
  logInDirectly,
  openInteractionLogin,
  signUp,
  uniqueEmail,
} from '../../testing/self-service.js';
import { PANEL_CALLBACK, startTestIdp, type TestIdp } from '../../testing/test-idp.js';
import { TERMS_VERSION } from './signup.js';

let t: TestIdp;
before(async () => {
  t = await startTestIdp();
});
after(() => t.close());

const TERMS =
  'I agree with the Terms of Use and that WebPros will process my provided personal data in its internal systems according to the WebPros Privacy Policy';
const NEWSLETTER =
  'WebPros may provide me with newsletters and individual offers in accordance to the WebPros Privacy Policy.';

describe('signup page', () => {
  test('is linked from the login page and has the documented labels', async () => {
    const browser = t.browser();
    const page = await browser.get(hrefOf(await openInteractionLogin(t, browser), 'Create one'));
    assert.equal(page.status, 200);
    for (const [id, label] of [
      ['email', 'Email'],
      ['password', 'Password'],
      ['first_name', 'First name'],
      ['last_name', 'Last name'],
      ['terms', TERMS],
      ['newsletter', NEWSLETTER],
    ]) {
      assert.ok(page.text.includes(`<label for="${id}">${label}</label>`), `label ${label}`);
    }
    assert.match(page.text, /<button type="submit" name="generate" value="1"[^>]*>Generate<\/button>/);
    assert.match(page.text, /<button type="submit" class="primary">Create account<\/button>/);
    assert.match(page.text, /<script src="\/assets\/idp\.js\?v=[\w-]+" defer><\/script>/);
  });

  test('"Generate" without JavaScript returns the form with a 20-character generated password shown, keeping what was typed', async () => {
    const browser = t.browser();
    const page = await browser.get(`${t.issuer}/signup`);
    const res = await submitForm(browser, page, '/signup', {
      email: 'gen@example.com',
      first_name: 'Gen',
      newsletter: 'on',
      generate: '1',
    });
    assert.equal(res.status, 200);
    const generated = /<input id="password" name="password" type="text" value="([^"]+)"/.exec(res.text)?.[1];
    assert.ok(generated && [...generated].length >= 16, res.text);
    assert.ok(res.text.includes(idpMessages.password_generated));
    assert.match(res.text, /value="gen@example.com"/);
    assert.match(res.text, /id="first_name" name="first_name" type="text" value="Gen"/);
    assert.match(res.text, /id="newsletter" name="newsletter" value="on" checked/);
    const again = await submitForm(browser, page, '/signup', { generate: '1' });
    assert.notEqual(/type="text" value="([^"]+)"/.exec(again.text)?.[1], generated, 'a new one every time');
  });

  test('shows each mistake beside its field, keeps the typed values and never the password', async () => {
    const browser = t.browser();
    const res = await signUp(t, browser, {
      email: 'not-an-address',
      password: 'short-pass!',
      first_name: '  ',
      terms: '',
    });
    assert.equal(res.status, 400);
    assert.ok(res.text.includes(idpMessages.email_invalid));
    assert.ok(res.text.includes(idpMessages.password_too_short));
    assert.ok(res.text.includes(idpMessages.first_name_required));
    assert.ok(res.text.includes(idpMessages.terms_required));
    assert.match(res.text, /value="not-an-address"/);
    assert.match(res.text, /value="López"/);
    assert.doesNotMatch(res.text, /short-pass!/);
    assert.match(res.text, /id="email"[^>]*aria-describedby="email-error"/);
  });

  test('refuses 11 characters and accepts 12 emoji (code points, not UTF-16 units)', async () => {
    const eleven = await signUp(t, t.browser(), { email: uniqueEmail(), password: 'abcdefghijk' });
    assert.equal(eleven.status, 400);
    assert.ok(eleven.text.includes(idpMessages.password_too_short));
    const sixEmojiIsTwelveUnits = await signUp(t, t.browser(), { email: uniqueEmail(), password: '😀'.repeat(6) });
    assert.equal(sixEmojiIsTwelveUnits.status, 400, 'six emoji are 12 UTF-16 units but 6 characters');

    const email = uniqueEmail('emoji');
    const browser = t.browser();
    await createVerifiedAccount(t, browser, { email, password: '😀'.repeat(12) });
    const login = await logInDirectly(t, t.browser(), { email, password: '😀'.repeat(12) });
    assert.equal(login.location, `${t.issuer}/account`);
  });

  test('refuses a password over 1,024 characters with a message, never truncating it', async () => {
    const res = await signUp(t, t.browser(), { email: uniqueEmail(), password: 'a'.repeat(1025) });
    assert.equal(res.status, 400);
    assert.ok(res.text.includes(idpMessages.password_too_long));
  });

  test('a 200-character password with leading and trailing spaces round-trips exactly', async () => {
    const email = uniqueEmail('long');
    const password = `  ${'x1é'.repeat(65)} ${'!'} `.slice(0, 200);
    assert.equal([...password].length, 200);
    await createVerifiedAccount(t, t.browser(), { email, password });
    assert.equal((await logInDirectly(t, t.browser(), { email, password })).location, `${t.issuer}/account`);
    assert.equal((await logInDirectly(t, t.browser(), { email, password: password.trim() })).status, 400);
    assert.equal((await logInDirectly(t, t.browser(), { email, password: password.slice(0, 199) })).status, 400);
  });

  test('stores the terms consent with its time and version, and the newsletter choice, shown on the welcome page', async () => {
    const before = t.clock.now();
    const page = await createVerifiedAccount(t, t.browser(), {
      email: uniqueEmail('terms'),
      password: 'correct horse battery',
      newsletter: 'on',
    });
    const minute = before.toISOString().slice(0, 16).replace('T', ' ');
    assert.ok(page.text.includes(`Accepted on ${minute} UTC (version ${TERMS_VERSION})`), page.text);
    assert.match(page.text, /<dt>Newsletter<\/dt><dd>Subscribed<\/dd>/);
    assert.match(page.text, /<dt>Email verified<\/dt><dd>Yes<\/dd>/);
  });

  test('a + address receives its code and uses it; the mail has the code in subject and text, with the brand', async () => {
    const email = uniqueEmail('ana+sandbox');
    const codePage = await signUp(t, t.browser(), { email, password: 'plus-address-password' });
    const mail = t.lastMailTo(email);
    assert.ok(mail);
    assert.deepEqual(mail.envelope.to, [email]);
    const code = codeIn(mail);
    assert.equal(mail.subject, `Your WebPros Account verification code: ${code}`);
    assert.ok(mail.html.includes(code) && mail.text.includes('The WebPros Account team'));
    assert.doesNotMatch(mail.text, /password/i, 'nothing secret but the code');
    const browser = t.browser();
    const again = await signUp(t, browser, { email, password: 'plus-address-password' });
    assert.equal(again.status, 200, 'a second signup within 30 s keeps the code already sent');
    const done = await enterCode(browser, again, code);
    assert.equal(done.location, `${t.issuer}/account`);
    assert.ok(codePage.text.includes(email));
  });

  test('an internationalised domain is accepted, stored as entered and mailed in punycode', async () => {
    const email = uniqueEmail('juergen', 'bücher.example');
    const browser = t.browser();
    const codePage = await signUp(t, browser, { email, password: 'idn-address-password' });
    assert.equal(codePage.status, 200, codePage.text);
    const ascii = email.replace('bücher.example', 'xn--bcher-kva.example');
    const mail = t.outbox.findLast((m) => m.envelope.to.includes(ascii));
    assert.ok(mail, 'the SMTP envelope uses the punycode domain');
    const done = await browser.follow(await enterCode(browser, codePage, codeIn(mail)));
    assert.ok(done.text.includes(email), 'shown as entered');
  });

  test('inside an authorization, the right code continues that same interaction: consent, then the client', async () => {
    const email = uniqueEmail('oidc');
    const browser = t.browser();
    const codePage = await signUp(t, browser, { email, password: 'interaction-password' }, { inInteraction: true });
    assert.match(new URL(codePage.url).pathname, /^\/interaction\/[^/]+\/email-code$/);
    const consent = await browse(browser, await enterCode(browser, codePage, codeIn(t.lastMailTo(email))));
    assert.match(consent.text, /<h1>Confirm Sending Data<\/h1>/);
    assert.ok(consent.text.includes(`<li>Email: ${email}</li>`));
    const done = await browse(browser, await submitForm(browser, consent, '/consent'));
    assert.ok(done.location?.startsWith(PANEL_CALLBACK), done.location);
    assert.ok(new URL(done.location ?? '').searchParams.get('code'));
  });

  test('an address that already has a verified account gets the same answer, and a mail without a code', async () => {
    const email = uniqueEmail('taken');
    await createVerifiedAccount(t, t.browser(), { email, password: 'first-owner-password' });
    const sent = t.outbox.length;
    const browser = t.browser();
    const res = await signUp(t, browser, { email: email.toUpperCase(), password: 'someone-elses-password' });
    assert.equal(res.status, 200);
    assert.match(res.text, /<legend>Verification code<\/legend>/);
    const mail = t.outbox.at(-1);
    assert.equal(t.outbox.length, sent + 1);
    assert.equal(mail?.subject, 'You already have a WebPros Account');
    assert.doesNotMatch(mail?.text ?? '', /\d{6}/);
    const wrong = await enterCode(browser, res, '123456');
    assert.equal(wrong.status, 400);
    assert.equal(alertText(wrong), idpMessages.code_wrong);
    assert.equal((await logInDirectly(t, t.browser(), { email, password: 'someone-elses-password' })).status, 400);
  });

  test('an internationalised domain in Unicode and in punycode is one mailbox, whichever signs up first', async () => {
    for (const [first, second] of [
      ['bücher.example', 'xn--bcher-kva.example'],
      ['xn--bcher-kva.example', 'bücher.example'],
    ] as const) {
      const email = uniqueEmail('idn-twice', first);
      const other = email.replace(first, second);
      const browser = t.browser();
      const codePage = await signUp(t, browser, { email, password: 'first-idn-password' });
      const ascii = email.replace('bücher.example', 'xn--bcher-kva.example');
      await enterCode(browser, codePage, codeIn(t.lastMailTo(ascii)));
      const res = await signUp(t, t.browser(), { email: other, password: 'second-idn-password' });
      assert.equal(res.status, 200);
      assert.equal(t.outbox.at(-1)?.subject, 'You already have a WebPros Account', `${first} then ${second}`);
      assert.equal((await logInDirectly(t, t.browser(), { email: other, password: 'first-idn-password' })).status, 303);
      assert.equal(
        (await logInDirectly(t, t.browser(), { email: other, password: 'second-idn-password' })).status,
        400,
      );
    }
  });
});
