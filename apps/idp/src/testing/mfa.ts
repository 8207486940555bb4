import assert from 'node:assert/strict';
import { type AdjustableClock, createAdjustableClock } from '@extauth/server-kit/clock';
import type { HttpClient, HttpResponse } from '@extauth/server-kit/http-client';
import { generate } from 'otplib';
import { authorizeUrl, browse, decodeJwt, submitForm, type TokenResponse } from './oidc-driver.js';
import { createVerifiedAccount, uniqueEmail } from './self-service.js';
import { PANEL_CALLBACK, TEST_CLIENT_ID, TEST_CLIENT_SECRET, type TestIdp } from './test-idp.js';

/** A sandbox clock that does not move unless a test moves it: 15 s into a TOTP step. */
export function frozenClock(at = Date.UTC(2026, 11, 3, 12, 0, 15)): AdjustableClock {
  const fixed = new Date(at);
  return createAdjustableClock({ now: () => fixed });
}

/** The code an authenticator app shows at the sandbox's time moved by `steps` time steps. */
export function totpAt(t: TestIdp, secret: string, steps = 0): Promise<string> {
  return generate({ secret, epoch: Math.floor(t.clock.now().getTime() / 1000) + steps * 30 });
}

export const STEP_MS = 30_000;

/** The error under the "One-time code" field of "Verify Your Identity" or "Secure Your Account". */
export const oneTimeCodeError = (text: string) =>
  /<p class="field-error" id="code-error" role="alert">([^<]*)<\/p>/.exec(text)?.[1];

/** The secret as "Secure Your Account" shows it for manual entry (groups of four), without spaces. */
export function secretOn(page: HttpResponse): string {
  const shown = /<code class="secret" id="totp-secret">([A-Z2-7 ]+)<\/code>/.exec(page.text)?.[1];
  assert.ok(shown, `no secret on ${page.url}`);
  assert.match(shown, /^([A-Z2-7]{4} ){7}[A-Z2-7]{4}$/, 'uppercase base32, groups of four, no padding');
  return shown.replace(/ /g, '');
}

export function recoveryCodeOn(page: HttpResponse): string {
  assert.match(page.text, /<h1>Almost There!<\/h1>/, page.text);
  const code = /<code class="recovery-code" id="recovery-code">([A-Z2-7-]+)<\/code>/.exec(page.text)?.[1];
  assert.ok(code, 'the recovery code is on the page as text');
  return code;
}

/** The link of the newest enrollment email to `email`. */
export function enrollmentLinkTo(t: TestIdp, email: string): string {
  const mail = t.lastMailTo(email);
  assert.ok(mail?.subject.startsWith('Enable multi-factor authentication'), `no enrollment email to ${email}`);
  const url = /Enable multi-factor authentication: (\S+)/.exec(mail?.text ?? '')?.[1];
  assert.ok(url, mail?.text);
  return url;
}

/** From the account page: "Send an enrollment email", then the link's "Secure Your Account". */
export async function openEnrollmentFromEmail(t: TestIdp, browser: HttpClient, email: string) {
  const account = await browser.get(`${t.issuer}/account`);
  const sent = await browser.follow(await submitForm(browser, account, '/account/mfa/enrollment-email'));
  assert.match(sent.text, /We sent you an enrollment email/);
  return browser.follow(await browser.get(enrollmentLinkTo(t, email)));
}

/** "Secure Your Account" → right code → "Almost There!" → ticked → done; returns the answer to the last POST. */
export async function completeEnrollment(t: TestIdp, browser: HttpClient, setupPage: HttpResponse) {
  const secret = secretOn(setupPage);
  const almost = await browser.follow(
    await submitForm(browser, setupPage, '/mfa/setup', { code: await totpAt(t, secret) }),
  );
  const recoveryCode = recoveryCodeOn(almost);
  const done = await submitForm(browser, almost, '/mfa/recovery-code', { recorded: 'on' });
  assert.equal(done.status, 303, done.text);
  return { secret, recoveryCode, done };
}

export interface MfaUser {
  email: string;
  password: string;
  secret: string;
  recoveryCode: string;
}

/** A verified account with MFA on, enrolled by email; the clock is then moved past the enrolment step. */
export async function createMfaUser(t: TestIdp, label = 'mfa'): Promise<MfaUser> {
  const email = uniqueEmail(label);
  const password = `${label}-password-123`;
  const browser = t.browser();
  await createVerifiedAccount(t, browser, { email, password });
  const setup = await openEnrollmentFromEmail(t, browser, email);
  const { secret, recoveryCode } = await completeEnrollment(t, browser, setup);
  t.clock.advance(2 * STEP_MS);
  return { email, password, secret, recoveryCode };
}

/** A new authorization by the panel's client, logged in with the password: the page that follows. */
export async function logInWithPassword(
  t: TestIdp,
  browser: HttpClient,
  user: { email: string; password: string },
  params: Record<string, string> = {},
): Promise<HttpResponse> {
  const login = await browse(browser, await browser.get(authorizeUrl(t.issuer, params)));
  assert.equal(login.status, 200, login.text);
  return browse(browser, await submitForm(browser, login, '/login', { email: user.email, password: user.password }));
}

/** Confirms "Confirm Sending Data" and exchanges the code: the ID token's payload (not verified here). */
export async function consentAndGetIdToken(t: TestIdp, browser: HttpClient, page: HttpResponse) {
  assert.match(page.text, /Confirm Sending Data/, page.text);
  const done = await browse(browser, await submitForm(browser, page, '/consent'));
  const callback = new URL(done.location ?? '');
  assert.ok(callback.href.startsWith(PANEL_CALLBACK), `expected the callback, got ${done.status} ${done.location}`);
  const res = await browser.post(`${t.issuer}/token`, {
    grant_type: 'authorization_code',
    code: callback.searchParams.get('code') ?? '',
    redirect_uri: PANEL_CALLBACK,
    client_id: TEST_CLIENT_ID,
    client_secret: TEST_CLIENT_SECRET,
  });
  assert.equal(res.status, 200, res.text);
  return decodeJwt(res.json<TokenResponse>().id_token).payload;
}
