import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { HttpClient, HttpResponse } from '@extauth/server-kit/http-client';
import { idpMessages } from '@extauth/shared/idp-messages';
import { ACCOUNT_SESSION_COOKIE } from '../../http/account-session.js';
import {
  consentAndGetIdToken,
  createMfaUser,
  frozenClock,
  logInWithPassword,
  oneTimeCodeError,
  recoveryCodeOn,
  STEP_MS,
  secretOn,
  totpAt,
} from '../../testing/mfa.js';
import { authorizeUrl, browse, submitForm } from '../../testing/oidc-driver.js';
import { createVerifiedAccount, formOf, hrefOf, logInDirectly } from '../../testing/self-service.js';
import { startTestIdp, type TestIdp } from '../../testing/test-idp.js';

let t: TestIdp;
before(async () => {
  t = await startTestIdp({ clock: frozenClock() });
});
after(() => t.close());

/** "Use a recovery code" on a challenge page. */
const recoveryPage = (browser: HttpClient, page: HttpResponse) => browser.get(hrefOf(page, 'Use a recovery code'));
const wrongCode = (right: string) => (right === '000000' ? '111111' : '000000');

describe('MFA challenge at login', () => {
  test('"Verify Your Identity" comes after the password; a code finishes the login with amr pwd+otp and acr 2', async () => {
    const user = await createMfaUser(t, 'challenge');
    const browser = t.browser();
    const page = await logInWithPassword(t, browser, user);
    assert.match(new URL(page.url).pathname, /^\/interaction\/[^/]+\/mfa\/challenge$/);
    assert.match(page.text, /<h1>Verify Your Identity<\/h1>/);
    assert.match(page.text, /<label for="code">One-time code<\/label>/);
    assert.match(page.text, /<button type="submit" class="primary">Continue<\/button>/);
    const recovery = await browser.get(hrefOf(page, 'Use a recovery code'));
    assert.match(recovery.text, /<label for="recovery_code">Recovery code<\/label>/);

    const consent = await browse(
      browser,
      await submitForm(browser, page, '/mfa/challenge', { code: await totpAt(t, user.secret) }),
    );
    const claims = await consentAndGetIdToken(t, browser, consent);
    assert.deepEqual(claims.amr, ['pwd', 'otp']);
    assert.equal(claims.acr, '2');
  });

  test('a direct login to the account pages asks for the second factor too', async () => {
    const user = await createMfaUser(t, 'direct');
    const browser = t.browser();
    const res = await logInDirectly(t, browser, user);
    assert.equal(res.location, `${t.issuer}/mfa/challenge`);
    const page = await browser.follow(res);
    assert.equal((await browser.get(`${t.issuer}/account`)).status, 303, 'not signed in yet');
    const done = await submitForm(browser, page, '/mfa/challenge', { code: await totpAt(t, user.secret) });
    assert.equal(done.location, `${t.issuer}/account`);
  });

  test('the account pages give a new session id after the second factor; the id held before opens nothing', async () => {
    const user = await createMfaUser(t, 'direct-rotate');
    const browser = t.browser();
    const host = new URL(t.issuer).hostname;
    const first = await browser.follow(await logInDirectly(t, browser, user));
    await submitForm(browser, first, '/mfa/challenge', { code: await totpAt(t, user.secret) });
    const before = browser.cookies.get(host, ACCOUNT_SESSION_COOKIE);
    assert.ok(before);

    t.clock.advance(STEP_MS);
    const again = await browser.follow(await logInDirectly(t, browser, user));
    assert.equal(browser.cookies.get(host, ACCOUNT_SESSION_COOKIE), before, 'the password alone changes nothing');
    const done = await submitForm(browser, again, '/mfa/challenge', { code: await totpAt(t, user.secret) });
    assert.equal(done.location, `${t.issuer}/account`);
    const after = browser.cookies.get(host, ACCOUNT_SESSION_COOKIE);
    assert.ok(after && after !== before, 'a new id after the second factor');
    const old = await t.browser().get(`${t.issuer}/account`, { cookie: `${ACCOUNT_SESSION_COOKIE}=${before}` });
    assert.equal(old.status, 303, 'the earlier id is signed out');
    assert.equal((await browser.get(`${t.issuer}/account`)).status, 200);
  });

  test('an account without MFA gets amr ["pwd"] and acr "1"; discovery lists both acr values', async () => {
    const browser = t.browser();
    const consent = await logInWithPassword(t, browser, t.idp.demo);
    const claims = await consentAndGetIdToken(t, browser, consent);
    assert.deepEqual(claims.amr, ['pwd']);
    assert.equal(claims.acr, '1');
    const discovery = (await browser.get(`${t.issuer}/.well-known/openid-configuration`)).json<{
      acr_values_supported: string[];
    }>();
    assert.deepEqual(discovery.acr_values_supported, ['1', '2']);
  });

  test('refuses a replay of the same code within its step, even from another browser', async () => {
    const user = await createMfaUser(t, 'replay');
    const code = await totpAt(t, user.secret);
    const first = t.browser();
    const ok = await submitForm(first, await logInWithPassword(t, first, user), '/mfa/challenge', { code });
    assert.equal(ok.status, 303);
    const second = t.browser();
    const replay = await submitForm(second, await logInWithPassword(t, second, user), '/mfa/challenge', { code });
    assert.equal(replay.status, 400);
    assert.equal(oneTimeCodeError(replay.text), idpMessages.totp_replayed);
  });

  test('accepts codes from one step before to one step after, and not two (fixed clock)', async () => {
    for (const [steps, accepted] of [
      [-2, false],
      [-1, true],
      [0, true],
      [1, true],
      [2, false],
    ] as const) {
      // A fresh account per offset, so replay protection plays no part here.
      const user = await createMfaUser(t, `window${steps}`);
      const browser = t.browser();
      const page = await logInWithPassword(t, browser, user);
      const res = await submitForm(browser, page, '/mfa/challenge', { code: await totpAt(t, user.secret, steps) });
      assert.equal(res.status, accepted ? 303 : 400, `code at ${steps} steps`);
      if (!accepted) assert.equal(oneTimeCodeError(res.text), idpMessages.totp_wrong);
    }
  });

  test('after five wrong codes in a row, even a correct code is refused with 429 and Retry-After for 15 minutes', async () => {
    const user = await createMfaUser(t, 'locked');
    const browser = t.browser();
    const page = await logInWithPassword(t, browser, user);
    const right = await totpAt(t, user.secret);
    for (let i = 0; i < 5; i += 1) {
      assert.equal((await submitForm(browser, page, '/mfa/challenge', { code: wrongCode(right) })).status, 400);
    }
    const refused = await submitForm(browser, page, '/mfa/challenge', { code: right });
    assert.equal(refused.status, 429);
    assert.equal(refused.headers.get('retry-after'), String(15 * 60));
    assert.ok(refused.text.includes(idpMessages.mfa_locked));
    const recovery = await submitForm(browser, await recoveryPage(browser, page), '/mfa/recovery', {
      recovery_code: user.recoveryCode,
    });
    assert.equal(recovery.status, 429, 'the recovery code is refused too');

    t.clock.advance(15 * 60 * 1000 - 1000);
    assert.equal(
      (await submitForm(browser, page, '/mfa/challenge', { code: await totpAt(t, user.secret) })).status,
      429,
    );
    t.clock.advance(1000);
    const again = await logInWithPassword(t, browser, user);
    const ok = await submitForm(browser, again, '/mfa/challenge', { code: await totpAt(t, user.secret) });
    assert.equal(ok.status, 303, 'unlocked after 15 minutes');
  });

  test('the lockout is answered on the challenge page itself, with the sentence, 429 and Retry-After', async () => {
    const user = await createMfaUser(t, 'lockedpage');
    const browser = t.browser();
    const page = await logInWithPassword(t, browser, user);
    const right = await totpAt(t, user.secret);
    for (let i = 0; i < 5; i += 1) await submitForm(browser, page, '/mfa/challenge', { code: wrongCode(right) });
    const refused = await submitForm(browser, page, '/mfa/challenge', { code: right });
    const recovery = await submitForm(browser, await recoveryPage(browser, page), '/mfa/recovery', {
      recovery_code: user.recoveryCode,
    });
    for (const res of [refused, recovery]) {
      assert.equal(res.status, 429);
      assert.equal(res.headers.get('retry-after'), String(15 * 60));
      assert.match(res.text, /<h1>Verify Your Identity<\/h1>/);
      assert.ok(res.text.includes(idpMessages.mfa_locked));
      assert.ok(formOf(res, '/mfa/'), 'the form is there to try again later');
    }
    assert.match(refused.text, /<label for="code">One-time code<\/label>/);
    assert.match(recovery.text, /<label for="recovery_code">Recovery code<\/label>/);
  });

  test('a recovery code (typed lowercase, with spaces) logs in with amr pwd+mfa, dies, and a new one is shown at once', async () => {
    const user = await createMfaUser(t, 'recovery');
    const browser = t.browser();
    const page = await recoveryPage(browser, await logInWithPassword(t, browser, user));
    const typed = user.recoveryCode.toLowerCase().replace(/-/g, ' ');
    const almost = await browser.follow(await submitForm(browser, page, '/mfa/recovery', { recovery_code: typed }));
    const fresh = recoveryCodeOn(almost);
    assert.notEqual(fresh, user.recoveryCode);
    assert.match(almost.text, /<label for="recorded">I have safely recorded this code<\/label>/);
    assert.equal((await submitForm(browser, almost, '/mfa/recovery-code')).status, 400, 'refused until ticked');
    const consent = await browse(browser, await submitForm(browser, almost, '/mfa/recovery-code', { recorded: 'on' }));
    const claims = await consentAndGetIdToken(t, browser, consent);
    assert.deepEqual(claims.amr, ['pwd', 'mfa']);
    assert.equal(claims.acr, '2');

    const other = t.browser();
    const retry = await recoveryPage(other, await logInWithPassword(t, other, user));
    const dead = await submitForm(other, retry, '/mfa/recovery', { recovery_code: user.recoveryCode });
    assert.equal(dead.status, 400);
    assert.ok(dead.text.includes(idpMessages.recovery_code_wrong));
    // The form's only message: announced, and tied to the field it is about.
    assert.match(dead.text, /<p class="field-error" id="recovery_code-error" role="alert">/);
    assert.match(dead.text, /id="recovery_code"[^>]*aria-invalid="true" aria-describedby="recovery_code-error"/);
    const compact = fresh.replace(/-/g, '');
    assert.equal((await submitForm(other, retry, '/mfa/recovery', { recovery_code: compact })).status, 303);
  });

  test('two concurrent submits of one recovery code: exactly one wins', async () => {
    const user = await createMfaUser(t, 'race');
    const [a, b] = [t.browser(), t.browser()];
    const pageA = await recoveryPage(a, await logInWithPassword(t, a, user));
    const pageB = await recoveryPage(b, await logInWithPassword(t, b, user));
    const results = await Promise.all([
      submitForm(a, pageA, '/mfa/recovery', { recovery_code: user.recoveryCode }),
      submitForm(b, pageB, '/mfa/recovery', { recovery_code: user.recoveryCode }),
    ]);
    assert.deepEqual(results.map((r) => r.status).sort(), [303, 400]);
  });

  test('a session made with a second factor satisfies acr_values=2 without a new login', async () => {
    const user = await createMfaUser(t, 'stepup');
    const browser = t.browser();
    const page = await logInWithPassword(t, browser, user);
    await consentAndGetIdToken(
      t,
      browser,
      await browse(browser, await submitForm(browser, page, '/mfa/challenge', { code: await totpAt(t, user.secret) })),
    );
    // A session made with acr 2 satisfies acr_values=2 without a new login.
    const again = await browse(browser, await browser.get(authorizeUrl(t.issuer, { acr_values: '2' })));
    assert.match(again.text, /Confirm Sending Data/);
  });

  test('acr_values=2 steps up a password-only session: login again, enrolment inside the interaction, then acr 2', async () => {
    const user = { email: `stepup-enrol-${process.pid}@example.com`, password: 'stepup-enrol-password' };
    const browser = t.browser();
    await createVerifiedAccount(t, t.browser(), user);
    const first = await consentAndGetIdToken(t, browser, await logInWithPassword(t, browser, user));
    assert.equal(first.acr, '1');

    const login = await browse(browser, await browser.get(authorizeUrl(t.issuer, { acr_values: '2' })));
    assert.match(login.text, /<h1>Log in to your WebPros Account<\/h1>/, 'the password-only session is not enough');
    const setup = await browse(browser, await submitForm(browser, login, '/login', user));
    assert.match(new URL(setup.url).pathname, /^\/interaction\/[^/]+\/mfa\/setup$/);
    assert.match(setup.text, /<h1>Secure Your Account<\/h1>/);
    const code = await totpAt(t, secretOn(setup));
    const almost = await browser.follow(await submitForm(browser, setup, '/mfa/setup', { code }));
    recoveryCodeOn(almost);
    const consent = await browse(browser, await submitForm(browser, almost, '/mfa/recovery-code', { recorded: 'on' }));
    const claims = await consentAndGetIdToken(t, browser, consent);
    assert.deepEqual(claims.amr, ['pwd', 'otp']);
    assert.equal(claims.acr, '2');
  });
});

describe('MFA step cookies are single-use', () => {
  const host = () => new URL(t.issuer).hostname;
  const saved = (browser: HttpClient, ...names: string[]) =>
    names.map((name) => `${name}=${browser.cookies.get(host(), name) ?? ''}`).join('; ');
  const refusedAsExpired = (res: HttpResponse) => {
    assert.equal(res.status, 400, res.text);
    assert.ok(res.text.includes(idpMessages.mfa_flow_expired), res.text);
    assert.equal(res.headers.getSetCookie().filter((c) => c.startsWith('idp_account_session=')).length, 0);
  };

  test('replaying the recovery-login "Almost There!" POST from a fresh browser is refused, and older steps are dead', async () => {
    const user = await createMfaUser(t, 'flowreplay');
    const browser = t.browser();
    const challenge = await browser.follow(await logInDirectly(t, browser, user));
    const awaiting = saved(browser, 'idp_mfa_flow', 'idp_csrf');
    const recovery = await recoveryPage(browser, challenge);
    const almost = await browser.follow(
      await submitForm(browser, recovery, '/mfa/recovery', { recovery_code: user.recoveryCode }),
    );
    recoveryCodeOn(almost);
    const recording = saved(browser, 'idp_mfa_flow', 'idp_csrf');
    const form = formOf(almost, '/mfa/recovery-code');
    const done = await browser.post(form.action, { ...form.fields, recorded: 'on' });
    assert.equal(done.location, `${t.issuer}/account`);
    const account = await browser.follow(done);
    assert.equal(account.status, 200);

    const replay = () => t.browser().post(form.action, { ...form.fields, recorded: 'on' }, { cookie: recording });
    refusedAsExpired(await replay());
    refusedAsExpired(await t.browser().get(`${t.issuer}/mfa/challenge`, { cookie: awaiting }));

    assert.equal((await submitForm(browser, account, '/account/logout')).status, 303);
    refusedAsExpired(await replay());
    refusedAsExpired(await t.browser().get(`${t.issuer}/mfa/challenge`, { cookie: awaiting }));
  });

  test('two concurrent "Almost There!" submits of one step: exactly one signs in', async () => {
    const user = await createMfaUser(t, 'flowrace');
    const browser = t.browser();
    const recovery = await recoveryPage(browser, await browser.follow(await logInDirectly(t, browser, user)));
    const almost = await browser.follow(
      await submitForm(browser, recovery, '/mfa/recovery', { recovery_code: user.recoveryCode }),
    );
    const cookie = saved(browser, 'idp_mfa_flow', 'idp_csrf');
    const form = formOf(almost, '/mfa/recovery-code');
    const results = await Promise.all(
      [t.browser(), t.browser()].map((b) => b.post(form.action, { ...form.fields, recorded: 'on' }, { cookie })),
    );
    assert.deepEqual(results.map((r) => r.status).sort(), [303, 400]);
  });

  test('a pending second-factor step dies with logout of that browser and with a password change', async () => {
    const user = await createMfaUser(t, 'flowversion');
    const browser = t.browser();
    const challenge = await browser.follow(await logInDirectly(t, browser, user));
    const pending = saved(browser, 'idp_mfa_flow', 'idp_csrf');
    assert.equal((await t.browser().get(`${t.issuer}/mfa/challenge`, { cookie: pending })).status, 200);

    // Another browser signs in fully and changes the password: the pending step is bound to the old one.
    const other = t.browser();
    const otherChallenge = await other.follow(await logInDirectly(t, other, user));
    const signedIn = await other.follow(
      await submitForm(other, otherChallenge, '/mfa/challenge', { code: await totpAt(t, user.secret) }),
    );
    const changed = await submitForm(other, signedIn, '/account/password', {
      current_password: user.password,
      new_password: 'flowversion-password-2',
    });
    assert.equal(changed.status, 303, changed.text);
    refusedAsExpired(await t.browser().get(`${t.issuer}/mfa/challenge`, { cookie: pending }));
    t.clock.advance(2 * STEP_MS);
    const code = await totpAt(t, user.secret);
    refusedAsExpired(
      await t
        .browser()
        .post(
          formOf(challenge, '/mfa/challenge').action,
          { ...formOf(challenge, '/mfa/challenge').fields, code },
          { cookie: pending },
        ),
    );

    // Logging out in the browser that has a pending step ends the step too.
    const again = t.browser();
    await again.follow(await logInDirectly(t, again, { email: user.email, password: 'flowversion-password-2' }));
    const kept = saved(again, 'idp_mfa_flow', 'idp_csrf');
    const loginPage = await again.get(`${t.issuer}/account/login`);
    const logoutForm = await again.post(`${t.issuer}/account/logout`, {
      _csrf: formOf(loginPage, '/account/login').fields._csrf ?? '',
    });
    assert.equal(logoutForm.status, 303);
    refusedAsExpired(await t.browser().get(`${t.issuer}/mfa/challenge`, { cookie: kept }));
  });
});
