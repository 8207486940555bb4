import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { idpMessages } from '@extauth/shared/idp-messages';
import { submitForm } from '../../testing/oidc-driver.js';
import { alertText, codeIn, enterCode, hrefOf, signUp, uniqueEmail } from '../../testing/self-service.js';
import { startTestIdp, type TestIdp } from '../../testing/test-idp.js';

let t: TestIdp;
before(async () => {
  t = await startTestIdp();
});
after(() => t.close());

async function pendingSignup() {
  const email = uniqueEmail('code');
  const browser = t.browser();
  const page = await signUp(t, browser, { email, password: 'code-test-password' });
  assert.equal(page.status, 200, page.text);
  return { email, browser, page, code: codeIn(t.lastMailTo(email)) };
}

const otherCode = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

describe('email code page', () => {
  test('has the "Verification code" group of six boxes, a plain code field, "Next" and "Resend code"', async () => {
    const { page } = await pendingSignup();
    assert.match(page.text, /<fieldset class="code-boxes" data-code-boxes>\s*<legend>Verification code<\/legend>/);
    for (let n = 1; n <= 6; n += 1) {
      assert.match(
        page.text,
        new RegExp(`<input id="d${n}" name="d${n}" type="text" inputmode="numeric" maxlength="1"`),
      );
    }
    assert.match(page.text, /<label for="code">[^<]+<\/label>\s*<input id="code" name="code"/);
    assert.match(page.text, /<button type="submit" class="primary">Next<\/button>/);
    assert.ok(hrefOf(page, 'Resend code').endsWith('/email-code/resend'));
  });

  test('accepts the code typed into the six boxes (no JavaScript needed)', async () => {
    const { browser, page, code } = await pendingSignup();
    const digits = Object.fromEntries([...code].map((d, i) => [`d${i + 1}`, d]));
    const res = await submitForm(browser, page, '/email-code', digits);
    assert.equal(res.status, 303);
    assert.equal(res.location, `${t.issuer}/account`);
  });

  test('refuses a malformed code on the same page', async () => {
    const { browser, page } = await pendingSignup();
    const res = await enterCode(browser, page, '12a456');
    assert.equal(res.status, 400);
    assert.equal(alertText(res), idpMessages.code_format);
    assert.match(res.text, /id="code" name="code"[^>]*aria-invalid="true" aria-describedby="code-error"/);
  });

  test('refuses an expired code (10 minutes on the sandbox clock)', async () => {
    const { browser, page, code } = await pendingSignup();
    t.clock.advance(10 * 60 * 1000);
    const res = await enterCode(browser, page, code);
    assert.equal(res.status, 400);
    assert.equal(alertText(res), idpMessages.code_expired);
  });

  test('after five wrong codes even the right one is refused', async () => {
    const { browser, page, code } = await pendingSignup();
    for (let i = 1; i <= 5; i += 1) {
      const res = await enterCode(browser, page, otherCode(code));
      assert.equal(res.status, 400);
      assert.equal(alertText(res), i < 5 ? idpMessages.code_wrong : idpMessages.code_dead);
    }
    const right = await enterCode(browser, page, code);
    assert.equal(right.status, 400);
    assert.equal(alertText(right), idpMessages.code_dead);
  });

  test('"Resend code" replaces the code: the old one is refused, the new one works', async () => {
    const { email, browser, page, code } = await pendingSignup();
    t.clock.advance(31_000);
    const resendPage = await browser.get(hrefOf(page, 'Resend code'));
    assert.equal(resendPage.status, 200);
    const sent = await submitForm(browser, resendPage, '/email-code/resend');
    assert.equal(sent.status, 303);
    const codePage = await browser.follow(sent);
    assert.ok(codePage.text.includes(idpMessages.code_sent));
    const fresh = codeIn(t.lastMailTo(email));
    assert.notEqual(fresh, code);
    const old = await enterCode(browser, codePage, code);
    assert.equal(old.status, 400);
    assert.equal(alertText(old), idpMessages.code_wrong);
    assert.equal((await enterCode(browser, codePage, fresh)).status, 303);
  });

  test('allows one resend per 30 seconds per address: 429 with Retry-After and a message', async () => {
    const { email, browser, page } = await pendingSignup();
    const mails = t.outbox.length;
    const resendPage = await browser.get(hrefOf(page, 'Resend code'));
    const res = await submitForm(browser, resendPage, '/email-code/resend');
    assert.equal(res.status, 429);
    const retryAfter = Number(res.headers.get('retry-after'));
    assert.ok(retryAfter > 0 && retryAfter <= 30, String(retryAfter));
    assert.equal(alertText(res), idpMessages.resend_too_soon);
    assert.equal(t.outbox.length, mails, 'nothing sent');
    t.clock.advance(30_000);
    assert.equal((await submitForm(browser, resendPage, '/email-code/resend')).status, 303);
    assert.ok(t.lastMailTo(email));
  });

  test('two concurrent submits of one code: exactly one succeeds', async () => {
    const { browser, page, code } = await pendingSignup();
    const results = await Promise.all([enterCode(browser, page, code), enterCode(browser, page, code)]);
    const statuses = results.map((r) => r.status).sort();
    assert.deepEqual(statuses, [303, 400]);
    const loser = results.find((r) => r.status === 400);
    assert.equal(loser && alertText(loser), idpMessages.code_used);
  });

  test('a code is consumed once: submitting it again is refused', async () => {
    const { browser, page, code } = await pendingSignup();
    assert.equal((await enterCode(browser, page, code)).status, 303);
    const again = await browser.post(page.url, { code });
    assert.ok(again.status === 400 || again.status === 403, String(again.status));
  });

  test("without this browser's pending flow the code page answers 400 with a sentence", async () => {
    const { page } = await pendingSignup();
    const stranger = t.browser();
    const res = await stranger.get(page.url);
    assert.equal(res.status, 400);
    assert.ok(res.text.includes(idpMessages.code_flow_expired));
  });
});
