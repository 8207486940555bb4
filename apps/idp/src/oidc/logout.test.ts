import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parseForms } from '@extauth/server-kit/http-client';
import { authorizeUrl, browse, signIn } from '../testing/oidc-driver.js';
import { startTestIdp, TEST_CLIENT_ID, type TestIdp } from '../testing/test-idp.js';

let t: TestIdp;
before(async () => {
  t = await startTestIdp();
});
after(() => t.close());

describe('RP-initiated logout', () => {
  test('asks on our page, ends the IdP session and returns to the registered post-logout URI', async () => {
    const browser = t.browser();
    await signIn(browser, t.issuer, t.idp.demo);
    const url = new URL('/session/end', t.issuer);
    url.searchParams.set('client_id', TEST_CLIENT_ID);
    url.searchParams.set('post_logout_redirect_uri', 'https://localhost:2087/');
    url.searchParams.set('state', 'bye');
    const confirm = await browser.get(url);
    assert.equal(confirm.status, 200);
    assert.match(confirm.text, /<h1>Log out<\/h1>/);
    assert.match(confirm.text, /WHM \(localhost\) asks to end your WebPros Account session\./);
    assert.doesNotMatch(
      confirm.text,
      /<script(?![^>]*\bsrc="\/assets\/idp\.js\?v=)|<style/,
      'no inline script or style',
    );
    const form = parseForms(confirm.text, confirm.url).find((f) => f.action.includes('/session/end/confirm'));
    assert.ok(form);
    const done = await browser.post(form.action, { ...form.fields, logout: 'yes' });
    assert.equal(done.status, 303);
    assert.equal(done.location, 'https://localhost:2087/?state=bye');

    const next = await browse(browser, await browser.get(authorizeUrl(t.issuer)));
    assert.match(next.text, /<h1>Log in to your WebPros Account<\/h1>/, 'the session is gone');
  });

  test('without a redirect URI it ends on our "logged out" page', async () => {
    const browser = t.browser();
    await signIn(browser, t.issuer, t.idp.demo);
    const confirm = await browser.get(`${t.issuer}/session/end`);
    const form = parseForms(confirm.text, confirm.url)[0];
    assert.ok(form);
    const done = await browse(browser, await browser.post(form.action, { ...form.fields, logout: 'yes' }));
    assert.equal(done.status, 200);
    assert.match(done.text, /<h1>You have logged out<\/h1>/);
  });
});
