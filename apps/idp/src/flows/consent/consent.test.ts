import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { HttpClient, HttpResponse } from '@extauth/server-kit/http-client';
import { parseForms } from '@extauth/server-kit/http-client';
import { authorizeUrl, browse, submitForm, WHM_STATE } from '../../testing/oidc-driver.js';
import { PANEL_CALLBACK, startTestIdp, type TestIdp } from '../../testing/test-idp.js';

let t: TestIdp;
before(async () => {
  t = await startTestIdp();
});
after(() => t.close());

async function openConsentPage(browser = t.browser()): Promise<{ browser: HttpClient; page: HttpResponse }> {
  const loginPage = await browse(browser, await browser.get(authorizeUrl(t.issuer)));
  const page = await browse(browser, await submitForm(browser, loginPage, '/login', t.idp.demo));
  assert.equal(page.status, 200, page.text);
  return { browser, page };
}

describe('Confirm Sending Data', () => {
  test('names the client and its redirect host, lists the data and offers the trust checkbox', async () => {
    const { page } = await openConsentPage();
    assert.match(page.text, /<h1>Confirm Sending Data<\/h1>/);
    assert.match(page.text, /<strong>WHM \(localhost\)<\/strong> at <strong>localhost<\/strong>/);
    assert.match(page.text, /<li>Email: demo@example.com<\/li>/);
    assert.match(page.text, /<li>Name: Demo User<\/li>/);
    assert.match(
      page.text,
      /<input type="checkbox" id="trust" name="trust" value="on">\s*<label for="trust">Trust localhost for 365 days and do not show this dialog \(we will use cookies to store the data in your browser\)\.<\/label>/,
    );
    assert.match(page.text, /<button type="submit" class="primary">Continue<\/button>/);
    assert.match(page.text, /<button type="submit" class="secondary">Cancel<\/button>/);
  });

  test('the callback URL is a submit button of the Continue form, carrying nothing of its own', async () => {
    const { page } = await openConsentPage();
    const consentForm = /<form method="post" action="\/interaction\/[^"]+\/consent">([\s\S]*?)<\/form>/.exec(
      page.text,
    )?.[1];
    assert.ok(consentForm);
    const escaped = PANEL_CALLBACK.replace(/[.?*+^$()[\]{}|\\/]/g, '\\$&');
    assert.match(consentForm, new RegExp(`<button type="submit" class="link">${escaped}</button>`));
    assert.match(consentForm, /Continue/);
    assert.doesNotMatch(
      consentForm,
      /<button[^>]*\bname=/,
      'neither button adds a field, so both submit the same form',
    );
    assert.doesNotMatch(page.text, /href="https:\/\/localhost:2087/, 'no pre-built link to the client');
  });

  test('Continue sends the browser to the exact redirect_uri with a code, the state and iss', async () => {
    const { browser, page } = await openConsentPage();
    const done = await browse(browser, await submitForm(browser, page, '/consent', { trust: 'on' }));
    const callback = new URL(done.location ?? '');
    assert.equal(`${callback.origin}${callback.pathname}`, PANEL_CALLBACK);
    assert.ok(callback.searchParams.get('code'));
    assert.equal(callback.searchParams.get('state'), WHM_STATE);
    assert.equal(callback.searchParams.get('iss'), t.issuer);
  });

  test('Cancel returns error=access_denied to the client', async () => {
    const { browser, page } = await openConsentPage();
    const done = await browse(browser, await submitForm(browser, page, '/abort'));
    const callback = new URL(done.location ?? '');
    assert.equal(`${callback.origin}${callback.pathname}`, PANEL_CALLBACK);
    assert.equal(callback.searchParams.get('error'), 'access_denied');
    assert.equal(callback.searchParams.get('code'), null);
    assert.equal(callback.searchParams.get('state'), WHM_STATE);
    assert.equal(callback.searchParams.get('iss'), t.issuer);
  });

  test('is shown again on the next authorization while the hostname is not trusted', async () => {
    const { browser, page } = await openConsentPage();
    await browse(browser, await submitForm(browser, page, '/consent'));
    const again = await browse(browser, await browser.get(authorizeUrl(t.issuer)));
    assert.equal(again.status, 200);
    assert.match(again.text, /<h1>Confirm Sending Data<\/h1>/, 'logged in already, so straight to the dialog');
  });

  test('refuses a consent posted while the login step is still pending', async () => {
    const browser = t.browser();
    const loginPage = await browse(browser, await browser.get(authorizeUrl(t.issuer)));
    const form = parseForms(loginPage.text, loginPage.url)[0];
    assert.ok(form);
    const res = await browser.post(form.action.replace(/\/login$/, '/consent'), { _csrf: form.fields._csrf ?? '' });
    assert.equal(res.status, 400);
    assert.match(res.text, /not the current one/);
  });

  test('refuses a bad trust value on the same page', async () => {
    const { browser, page } = await openConsentPage();
    const res = await submitForm(browser, page, '/consent', { trust: 'yes-please' });
    assert.equal(res.status, 400);
    assert.match(res.text, /<h1>Confirm Sending Data<\/h1>/);
    assert.match(res.text, /The form could not be read/);
  });
});
