import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { HttpClient, HttpResponse } from '@extauth/server-kit/http-client';
import { parseForms } from '@extauth/server-kit/http-client';
import { idpMessages } from '@extauth/shared/idp-messages';
import { authorizeUrl, browse, submitForm } from '../../testing/oidc-driver.js';
import { startTestIdp, type TestIdp } from '../../testing/test-idp.js';

let t: TestIdp;
before(async () => {
  t = await startTestIdp();
});
after(() => t.close());

async function openLoginPage(): Promise<{ browser: HttpClient; page: HttpResponse; action: string }> {
  const browser = t.browser();
  const page = await browse(browser, await browser.get(authorizeUrl(t.issuer)));
  assert.equal(page.status, 200, page.text);
  const form = parseForms(page.text, page.url)[0];
  assert.ok(form);
  return { browser, page, action: form.action };
}

const alertOf = (page: HttpResponse) =>
  /<p class="alert" id="login-error" role="alert">([^<]*)<\/p>/.exec(page.text)?.[1];

describe('login page', () => {
  test('has the documented labels, a CSRF field and links to signup and password reset', async () => {
    const { page } = await openLoginPage();
    assert.match(page.text, /<h1>Log in to your WebPros Account<\/h1>/);
    assert.match(page.text, /<label for="email">Email<\/label>\s*<input id="email" name="email" type="email"/);
    assert.match(
      page.text,
      /<label for="password">Password<\/label>\s*<input id="password" name="password" type="password"/,
    );
    assert.match(page.text, /<button type="submit" class="primary">Log in<\/button>/);
    assert.match(page.text, /<input type="hidden" name="_csrf" value="[A-Za-z0-9_-]{43}">/);
    const uid = new URL(page.url).pathname.split('/')[2] ?? '';
    assert.match(page.text, /<p>No WebPros account\? <a href="([^"]+)">Create one<\/a><\/p>/);
    assert.ok(
      page.text.includes(`<a href="/interaction/${uid}/signup">Create one</a>`),
      'signup stays in the interaction',
    );
    assert.ok(page.text.includes(`<a href="/interaction/${uid}/password-reset">Forgot password?</a>`));
    assert.doesNotMatch(
      page.text,
      /<script(?![^>]*\bsrc="\/assets\/idp\.js\?v=)|style=/,
      'no inline script or style (CSP)',
    );
    assert.equal(page.headers.get('cache-control'), 'no-store');
  });

  test('refuses a wrong password with one sentence on the same form, keeping the email but not the password', async () => {
    const { browser, page } = await openLoginPage();
    const res = await submitForm(browser, page, '/login', { email: 'demo@example.com', password: 'not-the-password' });
    assert.equal(res.status, 400);
    assert.equal(alertOf(res), idpMessages.invalid_credentials);
    assert.match(res.text, /id="email" name="email" type="email" value="demo@example.com"/);
    assert.doesNotMatch(res.text, /not-the-password/);
    assert.match(res.text, /id="password"[^>]*aria-describedby="login-error"/);
  });

  test('answers an unknown email exactly as a wrong password', async () => {
    const { browser, page } = await openLoginPage();
    const res = await submitForm(browser, page, '/login', {
      email: 'nobody@example.com',
      password: 'whatever-password',
    });
    assert.equal(res.status, 400);
    assert.equal(alertOf(res), idpMessages.invalid_credentials);
    assert.match(res.text, /value="nobody@example.com"/);
  });

  test('matches the email case-insensitively and ignores surrounding spaces', async () => {
    const { browser, page } = await openLoginPage();
    const res = await browse(
      browser,
      await submitForm(browser, page, '/login', { email: '  DEMO@Example.COM ', password: t.idp.demo.password }),
    );
    assert.equal(res.status, 200);
    assert.match(res.text, /<h1>Confirm Sending Data<\/h1>/);
  });

  test('never trims the password', async () => {
    const { browser, page } = await openLoginPage();
    const res = await submitForm(browser, page, '/login', {
      email: t.idp.demo.email,
      password: ` ${t.idp.demo.password}`,
    });
    assert.equal(res.status, 400);
    assert.equal(alertOf(res), idpMessages.invalid_credentials);
  });

  test('refuses a form without its CSRF token with 403 and a message', async () => {
    const { browser, action } = await openLoginPage();
    const res = await browser.post(action, { email: t.idp.demo.email, password: t.idp.demo.password });
    assert.equal(res.status, 403);
    assert.match(res.text, /This form has expired or was sent from another page/);
  });

  test('answers malformed bodies with 4xx and a message, never a 500', async () => {
    const { browser, page, action } = await openLoginPage();
    const csrf = parseForms(page.text, page.url)[0]?.fields._csrf ?? '';
    const post = (body: string, type = 'application/x-www-form-urlencoded') =>
      browser.request('POST', action, { body, headers: { 'content-type': type } });

    const repeated = await post(`_csrf=${csrf}&email=a%40example.com&email=b%40example.com&password=x`);
    assert.equal(repeated.status, 400);
    assert.match(repeated.text, /Send this field once, as text\./);

    const missing = await post(`_csrf=${csrf}`);
    assert.equal(missing.status, 400);
    assert.match(missing.text, new RegExp(idpMessages.email_required));
    assert.match(missing.text, new RegExp(idpMessages.password_required));
    assert.match(missing.text, /id="email"[^>]*aria-describedby="email-error"/);

    const nested = await post(`_csrf=${csrf}&email[x]=1&password=x&extra[]=1`);
    assert.equal(nested.status, 400);
    assert.match(nested.text, /The form could not be read|Send this field once/);

    const huge = await post(`_csrf=${csrf}&email=demo%40example.com&password=${'a'.repeat(1024 * 1024)}`);
    assert.equal(huge.status, 413);
    assert.match(huge.text, /The request is too large\./);

    const json = await post(JSON.stringify({ email: 'demo@example.com' }), 'application/json');
    assert.ok(json.status >= 400 && json.status < 500, String(json.status));
    assert.match(json.text, /<p class="alert" role="alert">/);
  });

  test('refuses a login for an interaction that does not exist', async () => {
    const { browser, page } = await openLoginPage();
    const form = parseForms(page.text, page.url)[0];
    assert.ok(form);
    const res = await browser.post(`${t.issuer}/interaction/not-a-real-uid/login`, form.fields);
    assert.equal(res.status, 400);
    assert.match(res.text, new RegExp(idpMessages.interaction_expired));
  });
});
