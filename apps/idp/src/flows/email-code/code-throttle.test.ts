import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createLogger } from '@extauth/server-kit/logger';
import { idpMessages } from '@extauth/shared/idp-messages';
import { createMfaUser, logInWithPassword, oneTimeCodeError, totpAt } from '../../testing/mfa.js';
import { submitForm } from '../../testing/oidc-driver.js';
import { alertText, codeIn, enterCode, hrefOf, signUp, uniqueEmail } from '../../testing/self-service.js';
import { startTestIdp, type TestIdp } from '../../testing/test-idp.js';

// Wrong one-time codes are limited per client IP (email codes, TOTP and recovery codes alike) and,
// for email codes, per address across the codes it is sent; the MFA lock's size is configurable.
// Each limit answers 429 with Retry-After on the page that was submitted and logs one line.

const WINDOW_SECONDS = 300;
const logLines: string[] = [];
let t: TestIdp;

before(async () => {
  t = await startTestIdp({
    env: {
      IDP_CODE_MAX_FAILURES_PER_ADDRESS: '7',
      IDP_CODE_MAX_FAILURES_PER_IP: '12',
      IDP_CODE_FAILURE_WINDOW_SECONDS: String(WINDOW_SECONDS),
      IDP_MFA_MAX_FAILURES: '3',
      IDP_EMAIL_CODE_RESEND_SECONDS: '1',
    },
    logger: createLogger('idp', { level: 'info', format: 'json' }, (line) => logLines.push(line)),
  });
});
after(() => t.close());

/** Every test starts in fresh windows (the sandbox clock; oidc-provider's lifetimes are not involved). */
const nextWindow = () => t.clock.advance((WINDOW_SECONDS + 1) * 1000);
const wrongCodeFor = (right: string) => (right === '000000' ? '111111' : '000000');

function throttledLines(attempts: string): Record<string, unknown>[] {
  return logLines
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line.msg === 'attempts throttled' && line.attempts === attempts);
}

describe('limits on wrong one-time codes', () => {
  test('wrong email codes are limited per address across resent codes: 429, Retry-After, even for the right code', async () => {
    nextWindow();
    const email = uniqueEmail('code-address');
    const browser = t.browser();
    let page = await signUp(t, browser, { email, password: 'code-address-password' });
    // Each code dies after its own 5 tries; resending gives a new one, but the address keeps its count.
    for (let wrong = 0; wrong < 7; wrong += 1) {
      if (wrong === 4) {
        t.clock.advance(2_000);
        const resend = await browser.get(hrefOf(page, 'Resend code'));
        page = await browser.follow(await submitForm(browser, resend, '/email-code/resend'));
      }
      const answer = await enterCode(browser, page, wrongCodeFor(codeIn(t.lastMailTo(email))));
      assert.equal(answer.status, 400, `wrong code ${wrong + 1} is refused as wrong`);
    }
    const right = codeIn(t.lastMailTo(email));
    const blocked = await enterCode(browser, page, right);
    assert.equal(blocked.status, 429);
    assert.ok(Number(blocked.headers.get('retry-after')) > 0, 'Retry-After in seconds');
    assert.equal(alertText(blocked), idpMessages.code_throttled_address);
    assert.ok(
      throttledLines('code').some((line) => line.limit === 'account'),
      'the refusal is logged',
    );

    nextWindow();
    const verified = await browser.follow(await enterCode(browser, page, right));
    assert.match(verified.text, /Welcome to your WebPros Account!/, 'after the window the right code works');
  });

  test('wrong codes from one client are limited across addresses and factors; right codes never count', async () => {
    nextWindow();
    const user = await createMfaUser(t, 'code-ip');
    // Successes, however many, are not counted.
    for (let i = 0; i < 3; i += 1) {
      const browser = t.browser();
      const challenge = await logInWithPassword(t, browser, user);
      const code = await totpAt(t, user.secret);
      const answer = await submitForm(browser, challenge, '/mfa', { code });
      assert.equal(answer.status, 303, `right code ${i + 1} passes`);
      t.clock.advance(30_000);
    }
    let wrong = 0;
    // Wrong email codes at two addresses (under the per-address limit)...
    for (const label of ['code-ip-a', 'code-ip-b']) {
      const email = uniqueEmail(label);
      const browser = t.browser();
      const page = await signUp(t, browser, { email, password: `${label}-password` });
      for (let i = 0; i < 4; i += 1, wrong += 1) {
        assert.equal((await enterCode(browser, page, wrongCodeFor(codeIn(t.lastMailTo(email))))).status, 400);
      }
    }
    // ...and wrong one-time codes at "Verify Your Identity" (in new logins, so the MFA lock of 3 is not reached).
    while (wrong < 12) {
      const browser = t.browser();
      const challenge = await logInWithPassword(t, browser, user);
      const code = await totpAt(t, user.secret);
      assert.equal((await submitForm(browser, challenge, '/mfa', { code: wrongCodeFor(code) })).status, 400);
      wrong += 1;
      const right = await submitForm(browser, challenge, '/mfa', { code });
      if (wrong === 12) {
        assert.equal(right.status, 429, 'the 12th wrong code from this client blocks the next attempt');
        assert.equal(oneTimeCodeError(right.text), idpMessages.code_throttled_ip);
        assert.ok(Number(right.headers.get('retry-after')) > 0);
      } else {
        assert.equal(right.status, 303, 'a right code clears the MFA lock count');
        t.clock.advance(30_000);
      }
    }
    assert.ok(
      throttledLines('code').some((line) => line.limit === 'ip'),
      'the refusal is logged',
    );
  });

  test('IDP_MFA_MAX_FAILURES sets the MFA lock: after 3 wrong codes in a row every attempt is 429', async () => {
    nextWindow();
    const user = await createMfaUser(t, 'mfa-lock');
    const browser = t.browser();
    const challenge = await logInWithPassword(t, browser, user);
    const code = await totpAt(t, user.secret);
    for (let i = 0; i < 3; i += 1) {
      const answer = await submitForm(browser, challenge, '/mfa', { code: wrongCodeFor(code) });
      assert.equal(answer.status, 400, `wrong code ${i + 1}`);
    }
    const locked = await submitForm(browser, challenge, '/mfa', { code });
    assert.equal(locked.status, 429);
    assert.equal(oneTimeCodeError(locked.text), idpMessages.mfa_locked);
    assert.ok(throttledLines('mfa').length > 0, 'the lock refusal is logged');
  });
});
