import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createHttpClient } from '@extauth/server-kit/http-client';
import { reportTestNumbers } from '@extauth/server-kit/test-numbers';
import { idpMessages } from '@extauth/shared/idp-messages';
import type { Browser, Page } from 'playwright-core';
import { pasteCode, readCodeFromMailDev, readEnrollmentLink } from './mail.js';
import { AXE_VERSION, blockingViolations, describeViolations, runAxe } from './support/axe.js';
import { launchBrowser, newContext } from './support/browser.js';
import { makeDataDir, type SandboxProcess, startSandboxProcess } from './support/sandbox-process.js';
import { codeSource } from './support/totp.js';
import { IDP, PANEL } from './support/urls.js';

// Every page of both apps, in each state a person can reach (errors included), checked by axe-core
// and at a 360 px wide window. Set A11Y_SCREENSHOT_DIR to keep a picture of each page at 1200 and
// 360 px, to look at what a failure is about.

const DEMO = { email: 'demo@example.com', password: 'sandbox-demo-password' };
const TERMS =
  'I agree with the Terms of Use and that WebPros will process my provided personal data in its internal systems according to the WebPros Privacy Policy';
const NARROW = { width: 360, height: 740 };
/** IDP_LOGIN_MAX_FAILURES_PER_ACCOUNT's default: the next failure is refused as throttled. */
const LOGIN_FAILURES_PER_ACCOUNT = 10;
/** IDP_MFA_MAX_FAILURES's default: wrong codes before the second factor is locked. */
const MFA_FAILURES = 5;
const WIDE = { width: 1200, height: 900 };

let browser: Browser;
let sandbox: SandboxProcess;
const dataDir = makeDataDir('a11y');
const audited: { name: string; serious: number; critical: number; moderate: number; minor: number }[] = [];
const screenshotDir = process.env.A11Y_SCREENSHOT_DIR;

before(async () => {
  [browser, sandbox] = await Promise.all([launchBrowser(), startSandboxProcess({ dataDir })]);
});

after(async () => {
  await browser?.close();
  await sandbox?.stop();
  const count = (impact: 'serious' | 'critical' | 'moderate' | 'minor') =>
    audited.reduce((sum, page) => sum + page[impact], 0);
  reportTestNumbers('accessibility (axe-core)', {
    pages: audited.length,
    serious: count('serious'),
    critical: count('critical'),
    moderate: count('moderate'),
    minor: count('minor'),
    axe: AXE_VERSION,
  });
});

// Browser globals used inside page.evaluate (this package compiles without the DOM library).
declare const document: {
  scrollingElement: { scrollWidth: number } | null;
  activeElement: { id: string } | null;
  querySelectorAll(selector: string): ArrayLike<{ noValidate: boolean }>;
};

/**
 * axe on the page as it is, then the same page 360 px wide: nothing may stick out sideways.
 * Serious and critical violations fail the test, every one printed.
 */
async function audit(page: Page, name: string, options: { javaScriptDisabled?: boolean } = {}): Promise<void> {
  await page.waitForLoadState('load');
  const report = await runAxe(page, options);
  const byImpact = (impact: string) => report.violations.filter((v) => v.impact === impact).length;
  audited.push({
    name,
    serious: byImpact('serious'),
    critical: byImpact('critical'),
    moderate: byImpact('moderate'),
    minor: byImpact('minor'),
  });
  const slug = name.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
  if (screenshotDir) await page.screenshot({ path: path.join(screenshotDir, `${slug}-1200.png`), fullPage: true });
  await page.setViewportSize(NARROW);
  const scrollWidth = await page.evaluate(() => document.scrollingElement?.scrollWidth ?? 0);
  if (screenshotDir) await page.screenshot({ path: path.join(screenshotDir, `${slug}-360.png`), fullPage: true });
  await page.setViewportSize(WIDE);
  assert.ok(report.passes > 0, `${name}: axe ran (${report.url})`);
  const blocking = blockingViolations(report);
  // Moderate and minor findings do not fail the run, but are printed so that the count in the
  // numbers line below can be traced to a page.
  const others = report.violations.filter((v) => !blocking.includes(v));
  if (others.length > 0) console.log(`# ${describeViolations(name, others).replace(/\n/g, '\n# ')}`);
  assert.equal(blocking.length, 0, `${report.url}\n${describeViolations(name, blocking)}`);
  assert.ok(scrollWidth <= NARROW.width, `${name}: ${scrollWidth} px wide at ${NARROW.width} px (${report.url})`);
}

/** Submits a form as a browser without constraint validation would (the server's messages, not the browser's). */
async function submitWithoutBrowserChecks(page: Page, button: string): Promise<void> {
  await page.evaluate(() => {
    const forms = document.querySelectorAll('form');
    for (let i = 0; i < forms.length; i += 1) (forms[i] as { noValidate: boolean }).noValidate = true;
  });
  await page.getByRole('button', { name: button, exact: true }).click();
}

/**
 * Asserts that `id` has the focus, waiting up to 5 s for it: Chromium applies `autofocus` at its
 * next rendering step, which may come after the text a test waited for is visible.
 */
async function assertFocus(page: Page, id: string, message?: string): Promise<void> {
  const focused = () => page.evaluate(() => document.activeElement?.id);
  await page.waitForFunction((want) => document.activeElement?.id === want, id, { timeout: 5_000 }).catch(() => {});
  assert.equal(await focused(), id, message ?? `${id} has the focus`);
}

/** The gate page: a panel.ini with a broken section header turns the provider off and says why. */
async function withMalformedPanelIni(visit: () => Promise<void>): Promise<void> {
  const iniPath = path.join(dataDir, 'panel', 'panel.ini');
  const ini = fs.readFileSync(iniPath, 'utf8');
  fs.writeFileSync(iniPath, '[AuthProviders\nWebProsAccountAdmin = true\n');
  try {
    await visit();
  } finally {
    fs.writeFileSync(iniPath, ini);
  }
}

function rootPassword(): string {
  return fs.readFileSync(path.join(dataDir, 'panel', 'root-password.txt'), 'utf8').trim();
}

async function signUp(page: Page, email: string, password: string): Promise<Date> {
  await page.goto(`${IDP}/signup`);
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByLabel('First name', { exact: true }).fill('Ada');
  await page.getByLabel('Last name', { exact: true }).fill('Access');
  await page.getByLabel(TERMS, { exact: true }).check();
  const sentAt = new Date(Date.now() - 1000);
  await page.getByRole('button', { name: 'Create account', exact: true }).click();
  return sentAt;
}

// The account with MFA that the panel tour logs in with (made by the first test).
const mfaUser = {
  email: `A11y.Mfa+${Date.now()}@example.com`,
  password: 'a11y-mfa-password-123',
  /** One source for the whole file: the IdP accepts each time step once per account. */
  codes: undefined as ReturnType<typeof codeSource> | undefined,
};

test('IdP pages: login, signup, email code, account, MFA enrolment, password reset, error pages', async () => {
  const context = await newContext(browser);
  const page = await context.newPage();

  await page.goto(`${IDP}/account/login`);
  await audit(page, 'IdP login');
  await page.getByRole('button', { name: 'Log in', exact: true }).click();
  await page.locator('#email-error').waitFor();
  await assertFocus(page, 'email', 'the first field in error has the focus');
  await audit(page, 'IdP login, empty fields');
  await page.getByLabel('Email', { exact: true }).fill(DEMO.email);
  await page.getByLabel('Password', { exact: true }).fill('not-the-password');
  await page.getByRole('button', { name: 'Log in', exact: true }).click();
  await page
    .getByRole('alert')
    .getByText(/incorrect/i)
    .waitFor();
  await audit(page, 'IdP login, wrong password');

  await page.goto(`${IDP}/signup`);
  await audit(page, 'IdP signup');
  await page.getByRole('button', { name: 'Create account', exact: true }).click();
  await page.locator('#email-error').waitFor();
  await assertFocus(page, 'email', 'the first field in error has the focus');
  await audit(page, 'IdP signup, empty fields');

  const signedUpAt = await signUp(page, mfaUser.email, mfaUser.password);
  await page.getByRole('group', { name: 'Verification code' }).waitFor();
  await audit(page, 'IdP email code');
  await pasteCode(page, '000000');
  await page.getByRole('button', { name: 'Next', exact: true }).click();
  await page.getByRole('alert').waitFor();
  await audit(page, 'IdP email code, wrong code');
  await page.getByRole('link', { name: 'Resend code' }).click();
  await audit(page, 'IdP resend code');
  await page.getByRole('link', { name: 'Back to the code' }).click();
  await pasteCode(
    page,
    await readCodeFromMailDev(mfaUser.email, 'Your WebPros Account verification code: ', signedUpAt),
  );
  await page.getByRole('button', { name: 'Next', exact: true }).click();
  await page.getByRole('heading', { name: 'Welcome to your WebPros Account!' }).waitFor();
  await audit(page, 'IdP account');

  await page.getByLabel('First name', { exact: true }).fill('');
  await submitWithoutBrowserChecks(page, 'Save');
  await page.locator('#first_name-error').waitFor();
  await audit(page, 'IdP account, name missing');
  await page.getByLabel('Current password', { exact: true }).fill('not-the-password');
  await page.getByLabel('New password', { exact: true }).fill('short');
  await page.getByRole('button', { name: 'Change password', exact: true }).click();
  await page.locator('[aria-invalid="true"]').first().waitFor();
  await audit(page, 'IdP account, password change refused');

  const askedAt = new Date(Date.now() - 1000);
  await page.getByRole('button', { name: 'Send an enrollment email' }).click();
  await page.getByText('We sent you an enrollment email').waitFor();
  await page.goto(await readEnrollmentLink(mfaUser.email, askedAt));
  await page.getByRole('heading', { name: 'Secure Your Account' }).waitFor();
  await audit(page, 'IdP MFA enrolment (QR code)');
  const codes = codeSource(((await page.locator('#totp-secret').textContent()) ?? '').replace(/\s+/g, ''));
  mfaUser.codes = codes;
  await page.getByLabel('One-time code', { exact: true }).fill(codes.wrong());
  await page.getByRole('button', { name: 'Continue', exact: true }).click();
  await page.locator('#code-error').waitFor();
  await assertFocus(page, 'code');
  await audit(page, 'IdP MFA enrolment, wrong code');
  await page.getByLabel('One-time code', { exact: true }).fill(await codes.next());
  await page.getByRole('button', { name: 'Continue', exact: true }).click();
  await page.getByRole('heading', { name: 'Almost There!' }).waitFor();
  await audit(page, 'IdP recovery code (Almost There!)');
  await submitWithoutBrowserChecks(page, 'Continue');
  await page.getByRole('alert').waitFor();
  await assertFocus(page, 'recorded');
  await audit(page, 'IdP recovery code, not ticked');
  await page.getByLabel('I have safely recorded this code', { exact: true }).check();
  await page.getByRole('button', { name: 'Continue', exact: true }).click();
  await page.getByText('Multi-factor authentication is on.').waitFor();
  await audit(page, 'IdP account, MFA on');
  await page.getByRole('button', { name: 'Log out', exact: true }).click();
  await audit(page, 'IdP login, logged out');

  await page.goto(`${IDP}/password-reset`);
  await audit(page, 'IdP password reset');
  await page.getByLabel('Email', { exact: true }).fill('not an address');
  await page.getByRole('button', { name: 'Send code', exact: true }).click();
  await page.locator('#email-error').waitFor();
  await audit(page, 'IdP password reset, bad address');
  await page.getByLabel('Email', { exact: true }).fill(DEMO.email);
  const resetAt = new Date(Date.now() - 1000);
  await page.getByRole('button', { name: 'Send code', exact: true }).click();
  await page.getByRole('group', { name: 'Verification code' }).waitFor();
  await audit(page, 'IdP password reset code');
  await pasteCode(page, await readCodeFromMailDev(DEMO.email, 'Your WebPros Account password reset code: ', resetAt));
  await page.getByRole('button', { name: 'Next', exact: true }).click();
  await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
  await audit(page, 'IdP new password');
  await page.getByLabel('New password', { exact: true }).fill('short');
  await page.getByRole('button', { name: 'Reset password', exact: true }).click();
  await page.locator('#password-error').waitFor();
  await audit(page, 'IdP new password, too short');
  await page.getByLabel('New password', { exact: true }).fill(DEMO.password);
  await page.getByRole('button', { name: 'Reset password', exact: true }).click();
  await page.getByText('Your password has been reset.').waitFor();
  await audit(page, 'IdP login, password reset');

  const notFound = await page.goto(`${IDP}/no-such-page`);
  assert.equal(notFound?.status(), 404);
  await audit(page, 'IdP error page (404)');
  const badClient = await page.goto(`${IDP}/auth?client_id=nobody&response_type=code&scope=openid`);
  assert.equal(badClient?.status(), 400);
  await audit(page, 'IdP error page (OIDC error)');
  const lost = await page.goto(`${IDP}/interaction/never-issued`);
  assert.equal(lost?.status(), 400);
  await page.getByRole('link', { name: /^Start again at / }).waitFor();
  await audit(page, 'IdP start-again page (sign-in request lost)');

  // An address nobody has: its failures count like any other (the limit is the launcher's default).
  await page.goto(`${IDP}/account/login`);
  await page.getByLabel('Email', { exact: true }).fill(`a11y.throttled+${Date.now()}@example.com`);
  const throttled = page.getByRole('alert').getByText(idpMessages.login_throttled_account);
  for (let attempt = 1; attempt <= LOGIN_FAILURES_PER_ACCOUNT + 1 && !(await throttled.isVisible()); attempt += 1) {
    await page.getByLabel('Password', { exact: true }).fill('not-the-password');
    await page.getByRole('button', { name: 'Log in', exact: true }).click();
    await page.getByRole('alert').waitFor();
  }
  await throttled.waitFor();
  await audit(page, 'IdP login, throttled');
  await context.close();
});

/** WHM API 1 as root with HTTP Basic, as an administrator's script would call it; returns `data`. */
async function whmApi(fn: string, params: Record<string, string>): Promise<unknown> {
  const http = createHttpClient({ ca: fs.readFileSync(path.join(dataDir, 'tls', 'ca.pem'), 'utf8') });
  try {
    const auth = `Basic ${Buffer.from(`root:${rootPassword()}`).toString('base64')}`;
    const res = await http.post(`${PANEL}/json-api/${fn}?api.version=1`, params, { authorization: auth });
    const body = res.json<{ metadata: { result: number; reason: string }; data?: unknown }>();
    assert.equal(body.metadata.result, 1, `${fn}: ${body.metadata.reason}`);
    return body.data;
  } finally {
    await http.close();
  }
}

async function logInToWhmAsRoot(page: Page): Promise<void> {
  await page.getByLabel('Username', { exact: true }).fill('root');
  await page.getByLabel('Password', { exact: true }).fill(rootPassword());
  await page.getByRole('button', { name: 'Log in', exact: true }).click();
}

test('the WebPros login and the panel: WHM login, MFA challenge, consent, linking, WHM Home, Security Center', async () => {
  const codes = mfaUser.codes;
  assert.ok(codes, 'the first test made the MFA account');
  const context = await newContext(browser);
  const page = await context.newPage();

  await page.goto(`${PANEL}/`);
  await audit(page, 'WHM login');
  await page.getByLabel('Username', { exact: true }).fill('root');
  await page.getByLabel('Password', { exact: true }).fill('not-the-password');
  await page.getByRole('button', { name: 'Log in', exact: true }).click();
  await page.getByText('The login is invalid.').waitFor();
  await assertFocus(page, 'pass', 'the password field has the focus after a refused login');
  await audit(page, 'WHM login, invalid login');

  await page.getByRole('link', { name: 'Log in via WebPros' }).click();
  await page.getByRole('heading', { name: 'Log in to your WebPros Account' }).waitFor();
  await audit(page, 'IdP login (interaction)');
  await page.getByLabel('Email', { exact: true }).fill(mfaUser.email);
  await page.getByLabel('Password', { exact: true }).fill(mfaUser.password);
  await page.getByRole('button', { name: 'Log in', exact: true }).click();
  await page.getByRole('heading', { name: 'Verify Your Identity' }).waitFor();
  await audit(page, 'IdP MFA challenge');
  await page.getByLabel('One-time code', { exact: true }).fill(codes.wrong());
  await page.getByRole('button', { name: 'Continue', exact: true }).click();
  await page.locator('#code-error').waitFor();
  await audit(page, 'IdP MFA challenge, wrong code');
  await page.getByRole('link', { name: 'Use a recovery code' }).click();
  await audit(page, 'IdP MFA recovery code login');
  await page.getByLabel('Recovery code', { exact: true }).fill('AAAAA-AAAAA-AAAAA-AAAAA-AAAAA');
  await page.getByRole('button', { name: 'Continue', exact: true }).click();
  await page.locator('#recovery_code-error').waitFor();
  await audit(page, 'IdP MFA recovery code login, wrong code');
  await page.getByRole('link', { name: 'Use a one-time code instead' }).click();
  await page.getByLabel('One-time code', { exact: true }).fill(await codes.next());
  await page.getByRole('button', { name: 'Continue', exact: true }).click();
  await page.getByRole('heading', { name: 'Confirm Sending Data' }).waitFor();
  await audit(page, 'IdP Confirm Sending Data');
  await page.getByRole('button', { name: 'Continue', exact: true }).click();
  await page.getByText('is not associated with an existing').waitFor();
  await audit(page, 'WHM login, link the account');
  await logInToWhmAsRoot(page);
  await page.waitForURL(/\/cpsess\d{10}\/$/);
  await audit(page, 'WHM Home');

  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Manage External Authentications' })
    .click();
  await page.getByRole('heading', { name: 'Manage External Authentications' }).waitFor();
  await audit(page, 'WHM Manage External Authentications (providers)');
  await page.locator('#provider-webpros').getByRole('link', { name: 'Configure', exact: true }).click();
  await audit(page, 'WHM configure provider');
  await submitWithoutBrowserChecks(page, 'Save');
  await page.locator('#confirm-error').waitFor();
  await audit(page, 'WHM configure provider, URLs not confirmed');
  await page.getByRole('link', { name: 'Manage Users', exact: true }).click();
  await audit(page, 'WHM Manage External Authentications (users)');
  await page.getByRole('link', { name: 'Manage root' }).click();
  await audit(page, 'WHM user links');
  const subject = ((await page.locator('code.subject').first().textContent()) ?? '').trim();
  await page.getByRole('link', { name: 'Unlink' }).first().click();
  await audit(page, 'WHM confirm unlink');
  await withMalformedPanelIni(async () => {
    await page.getByRole('link', { name: 'Configure', exact: true }).first().click();
    await page.getByText('The panel.ini file is malformed').waitFor();
    await audit(page, 'WHM Manage External Authentications, panel.ini malformed');
  });

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Two-Factor Authentication' }).click();
  await audit(page, 'WHM Two-Factor Authentication (my account)');
  await page.getByRole('link', { name: 'Manage Users' }).click();
  await audit(page, 'WHM Two-Factor Authentication (users)');
  await page.getByRole('link', { name: 'Settings' }).click();
  await audit(page, 'WHM Two-Factor Authentication (settings)');
  await page.getByLabel('Issuer', { exact: true }).fill('not <valid>');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.locator('#issuer-error').waitFor();
  await assertFocus(page, 'issuer');
  await audit(page, 'WHM Two-Factor Authentication, bad issuer');

  // A second WHM user (a reseller) linked to the same identity: the next WebPros login asks which one.
  await whmApi('createacct', { username: 'alice', password: 'alice-password-123', domain: 'alice.example.com' });
  await whmApi('setupreseller', { user: 'alice' });
  await whmApi('link_user_authn_provider', {
    username: 'alice',
    provider_id: 'webpros',
    subject_unique_identifier: subject,
    preferred_username: mfaUser.email,
  });
  await page.getByRole('button', { name: 'Log out' }).click();
  await page.getByText('You have logged out.').waitFor();
  await audit(page, 'WHM login, logged out');
  await page.getByRole('link', { name: 'Log in via WebPros' }).click();
  await page.getByRole('heading', { name: 'Confirm Sending Data' }).waitFor();
  // Trusted from now on: the IdP's account page lists the site (audited below).
  await page.getByLabel(/^Trust localhost for 365 days/).check();
  await page.getByRole('button', { name: 'Continue', exact: true }).click();
  await page.getByRole('heading', { name: 'Select user from list of linked accounts' }).waitFor();
  await audit(page, 'WHM user selection');
  await page.getByRole('button', { name: 'root', exact: true }).click();
  await page.waitForURL(/\/cpsess\d{10}\/$/);

  await whmTwoFactorPages(page);

  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Manage External Authentications' })
    .click();
  await page.getByRole('link', { name: 'Manage Users', exact: true }).click();
  await page.getByRole('link', { name: 'Manage alice' }).click();
  await page.getByRole('link', { name: 'Unlink' }).first().click();
  await page.getByRole('button', { name: 'Unlink', exact: true }).click();
  await page.getByRole('status').filter({ hasText: 'alice' }).waitFor();
  await page.locator('#go-back').waitFor();
  await audit(page, 'WHM user links, after confirming an unlink');

  await page.goto(`${IDP}/account/login`);
  await page.getByLabel('Email', { exact: true }).fill(mfaUser.email);
  await page.getByLabel('Password', { exact: true }).fill(mfaUser.password);
  await page.getByRole('button', { name: 'Log in', exact: true }).click();
  await page.getByLabel('One-time code', { exact: true }).fill(await codes.next());
  await page.getByRole('button', { name: 'Continue', exact: true }).click();
  await page.getByRole('heading', { name: 'Trusted sites' }).waitFor();
  assert.equal(await page.locator('.trusted-sites li').count(), 1, 'the site trusted at consent is listed');
  await audit(page, 'IdP account, a trusted site listed');

  await page.goto(`${IDP}/session/end`);
  await page.getByRole('heading', { name: 'Log out' }).waitFor();
  await audit(page, 'IdP log out (confirm)');
  await page.getByRole('button', { name: 'Log out', exact: true }).click();
  await page.getByRole('heading', { name: 'You have logged out' }).waitFor();
  await audit(page, 'IdP logged out');
  await context.close();
});

/** Root sets up WHM 2FA and turns the policy on; a password login then meets "WHM Login Security". */
async function whmTwoFactorPages(page: Page): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Two-Factor Authentication' }).click();
  await page.getByRole('button', { name: 'Set Up Two-Factor Authentication' }).click();
  await audit(page, 'WHM 2FA setup (QR code)');
  const whmCodes = codeSource(((await page.locator('#tfa-key').textContent()) ?? '').trim());
  await page.getByLabel('Security Code', { exact: true }).fill(whmCodes.wrong());
  await page.getByRole('button', { name: 'Configure Two-Factor Authentication' }).click();
  await page.getByText('The security code is invalid.').waitFor();
  await assertFocus(page, 'tfa_token');
  await audit(page, 'WHM 2FA setup, wrong code');
  await page.getByLabel('Security Code', { exact: true }).fill(await whmCodes.next());
  await page.getByRole('button', { name: 'Configure Two-Factor Authentication' }).click();
  await page.getByText('Two-Factor Authentication is now configured for your account.').waitFor();
  await audit(page, 'WHM 2FA configured');
  await page.getByRole('button', { name: 'Enable Policy' }).click();
  await page.getByText('The Two-Factor Authentication Security Policy is Enabled').waitFor();
  await audit(page, 'WHM 2FA, policy enabled');

  const fresh = await newContext(browser);
  const login = await fresh.newPage();
  await login.goto(`${PANEL}/`);
  await logInToWhmAsRoot(login);
  await login.getByRole('heading', { name: 'Enter the security code for “root”' }).waitFor();
  await audit(login, 'WHM Login Security (2FA prompt)');
  await login.getByLabel('Security code', { exact: true }).fill(whmCodes.wrong());
  await login.getByRole('button', { name: 'Continue', exact: true }).click();
  await login.getByText('The security code is invalid.').waitFor();
  await audit(login, 'WHM Login Security, wrong code');
  await fresh.close();
}

test('panel error states: panel.ini malformed, OpenID Connect notices, error pages', async () => {
  const context = await newContext(browser);
  const page = await context.newPage();
  await withMalformedPanelIni(async () => {
    await page.goto(`${PANEL}/`);
    await page.locator('#panel-ini-warning').waitFor();
    await audit(page, 'WHM login, panel.ini malformed');
  });
  await page.goto(`${PANEL}/openid_connect_callback/webpros?error=access_denied&state=x`);
  await page.getByText(/denied access to information/).waitFor();
  await audit(page, 'WHM login, OpenID Connect error notice');
  const refusedCallback = await page.goto(`${PANEL}/openid_connect_callback/webpros?error=server_error&state=x`);
  assert.equal(refusedCallback?.status(), 400);
  await page.locator('#login-status').waitFor();
  await audit(page, 'WHM login, OpenID Connect error (400)');
  const missing = await page.goto(`${PANEL}/no-such-page`);
  assert.equal(missing?.status(), 404);
  await audit(page, 'WHM error page (404)');
  const unreadable = await page.goto(`${PANEL}/?q=%FF`);
  assert.equal(unreadable?.status(), 400);
  await page.getByRole('heading', { name: 'The request could not be completed' }).waitFor();
  await audit(page, 'WHM error page (400)');
  await context.close();

  // The IdP refuses the panel's client secret: the token exchange fails, a 502 for the IdP's fault.
  const client = { provider_id: 'webpros', service_name: 'whostmgrd' };
  const saved = (await whmApi('get_provider_client_configurations', client)) as {
    client_configurations: Record<string, string>;
  };
  const wrongSecret = { ...saved.client_configurations, client_secret: 'not-the-client-secret-0123456789' };
  await whmApi('set_provider_client_configurations', { ...client, configurations: JSON.stringify(wrongSecret) });
  const person = await newContext(browser);
  try {
    const login = await person.newPage();
    await login.goto(`${PANEL}/`);
    await login.getByRole('link', { name: 'Log in via WebPros' }).click();
    await login.getByLabel('Email', { exact: true }).fill(DEMO.email);
    await login.getByLabel('Password', { exact: true }).fill(DEMO.password);
    const callback = login.waitForResponse((res) => res.url().includes('/openid_connect_callback/'));
    await login.getByRole('button', { name: 'Log in', exact: true }).click();
    await login.getByRole('heading', { name: 'Confirm Sending Data' }).waitFor();
    await login.getByRole('button', { name: 'Continue', exact: true }).click();
    assert.equal((await callback).status(), 502);
    await login.locator('#login-status').waitFor();
    await audit(login, 'WHM login, OpenID Connect error (502)');
  } finally {
    await person.close();
    await whmApi('set_provider_client_configurations', {
      ...client,
      configurations: JSON.stringify(saved.client_configurations),
    });
  }
});

test('axe-core reports a missing label and unreadable text as serious or critical (the audit can fail)', async () => {
  const context = await newContext(browser);
  const page = await context.newPage();
  await page.setContent(
    '<!doctype html><html lang="en"><title>Broken</title><main><h1>Broken</h1><p style="color:#bbb">Faint</p><input id="x"></main></html>',
  );
  const found = blockingViolations(await runAxe(page)).map((v) => v.id);
  assert.ok(found.includes('label'), `label is reported: ${found.join(', ')}`);
  assert.ok(found.includes('color-contrast'), `color-contrast is reported: ${found.join(', ')}`);
  await context.close();
});

/**
 * Where the fields and the submit button are, to compare before and after a refused submit. With
 * `form`, positions are taken from that form's top left corner: for a page whose notice above the
 * form (WHM's place for it) may move the form as a whole, while nothing inside it may move.
 */
async function formGeometry(page: Page, button: string, form?: string): Promise<string> {
  const origin = form ? await page.locator(form).boundingBox() : { x: 0, y: 0 };
  assert.ok(origin, `${form} is on the page`);
  const at = (box: { x: number; y: number; width: number; height: number } | null) =>
    box && { x: box.x - origin.x, y: box.y - origin.y, width: box.width, height: box.height };
  const boxes = [];
  for (const field of await page.locator(`${form ?? 'form'} input:not([type=hidden])`).all()) {
    if (await field.isVisible()) boxes.push(at(await field.boundingBox()));
  }
  boxes.push(at(await page.getByRole('button', { name: button, exact: true }).boundingBox()));
  return JSON.stringify(boxes);
}

test('a refused submit shows its message without moving the fields or the button', async () => {
  const context = await newContext(browser);
  const page = await context.newPage();

  await page.goto(`${IDP}/account/login`);
  await page.getByLabel('Email', { exact: true }).fill(DEMO.email);
  await page.getByLabel('Password', { exact: true }).fill('not-the-password');
  const login = await formGeometry(page, 'Log in');
  await page.getByRole('button', { name: 'Log in', exact: true }).click();
  await page.getByRole('alert').waitFor();
  assert.equal(await formGeometry(page, 'Log in'), login, 'IdP login');

  await page.goto(`${IDP}/signup`);
  const signup = await formGeometry(page, 'Create account');
  await page.getByRole('button', { name: 'Create account', exact: true }).click();
  await page.locator('#email-error').waitFor();
  assert.equal(await formGeometry(page, 'Create account'), signup, 'IdP signup');

  await page.goto(`${PANEL}/`);
  await page.getByLabel('Username', { exact: true }).fill('nobody');
  await page.getByLabel('Password', { exact: true }).fill('not-the-password');
  const whm = await formGeometry(page, 'Log in');
  await page.getByRole('button', { name: 'Log in', exact: true }).click();
  await page.getByText('The login is invalid.').waitFor();
  assert.equal(await formGeometry(page, 'Log in'), whm, 'WHM login');

  const email = `A11y.Shift+${Date.now()}@example.com`;
  await signUp(page, email, 'a11y-shift-password-123');
  await page.getByRole('group', { name: 'Verification code' }).waitFor();
  const code = await formGeometry(page, 'Next');
  await pasteCode(page, '000000');
  await page.getByRole('button', { name: 'Next', exact: true }).click();
  await page.getByRole('alert').waitFor();
  assert.equal(await formGeometry(page, 'Next'), code, 'IdP email code');
  await context.close();

  // The WHM forms with a field error: Configure (the redirect URIs not confirmed) and the 2FA Issuer.
  // The panel tour left WHM's 2FA policy on; root logs in here with the password alone.
  await whmApi('twofactorauth_disable_policy', {});
  const admin = await newContext(browser);
  const whmPage = await admin.newPage();
  await whmPage.goto(`${PANEL}/`);
  await logInToWhmAsRoot(whmPage);
  await whmPage.waitForURL(/\/cpsess\d{10}\/$/);
  const nav = whmPage.getByRole('navigation', { name: 'Main' });
  await nav.getByRole('link', { name: 'Manage External Authentications' }).click();
  await whmPage.locator('#provider-webpros').getByRole('link', { name: 'Configure', exact: true }).click();
  const configure = await formGeometry(whmPage, 'Save', '#configure-provider');
  await submitWithoutBrowserChecks(whmPage, 'Save');
  await whmPage.locator('#confirm-error').waitFor();
  assert.equal(await formGeometry(whmPage, 'Save', '#configure-provider'), configure, 'WHM Configure');

  await nav.getByRole('link', { name: 'Two-Factor Authentication' }).click();
  await whmPage.getByRole('link', { name: 'Settings', exact: true }).click();
  await whmPage.getByLabel('Issuer', { exact: true }).fill('not <valid>');
  const settings = await formGeometry(whmPage, 'Save');
  await whmPage.getByRole('button', { name: 'Save', exact: true }).click();
  await whmPage.locator('#issuer-error').waitFor();
  assert.equal(await formGeometry(whmPage, 'Save'), settings, 'WHM 2FA Settings');
  await admin.close();
});

test('without JavaScript: Generate, the email code page and MFA enrolment still work', async () => {
  const context = await browser.newContext({
    ignoreHTTPSErrors: true,
    javaScriptEnabled: false,
    viewport: WIDE,
  });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const email = `A11y.NoJs+${Date.now()}@example.com`;

  await page.goto(`${IDP}/signup`);
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByRole('button', { name: 'Generate', exact: true }).click();
  const password = await page.getByLabel('Password', { exact: true }).inputValue();
  assert.ok([...password].length >= 12, 'the server generated a password and shows it');
  await page.getByLabel('First name', { exact: true }).fill('No');
  await page.getByLabel('Last name', { exact: true }).fill('Script');
  await page.getByLabel(TERMS, { exact: true }).check();
  const sentAt = new Date(Date.now() - 1000);
  await page.getByRole('button', { name: 'Create account', exact: true }).click();

  await page.getByRole('heading', { name: 'Check your email' }).waitFor();
  const whole = page.getByLabel('Or type the whole code', { exact: true });
  assert.ok(await whole.isVisible(), 'the plain code field is there without the script');
  await audit(page, 'IdP email code, no JavaScript', { javaScriptDisabled: true });
  await whole.fill(await readCodeFromMailDev(email, 'Your WebPros Account verification code: ', sentAt));
  await page.getByRole('button', { name: 'Next', exact: true }).click();
  await page.getByRole('heading', { name: 'Welcome to your WebPros Account!' }).waitFor();

  const askedAt = new Date(Date.now() - 1000);
  await page.getByRole('button', { name: 'Send an enrollment email' }).click();
  await page.getByText('We sent you an enrollment email').waitFor();
  await page.goto(await readEnrollmentLink(email, askedAt));
  await page.getByRole('heading', { name: 'Secure Your Account' }).waitFor();
  assert.ok(await page.getByRole('img', { name: 'QR code' }).isVisible());
  await audit(page, 'IdP MFA enrolment, no JavaScript', { javaScriptDisabled: true });
  const codes = codeSource(((await page.locator('#totp-secret').textContent()) ?? '').replace(/\s+/g, ''));
  await page.getByLabel('One-time code', { exact: true }).fill(await codes.next());
  await page.getByRole('button', { name: 'Continue', exact: true }).click();
  await page.getByRole('heading', { name: 'Almost There!' }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Copy code' }).count(), 0, '"Copy code" needs the script');
  assert.match(((await page.locator('#recovery-code').textContent()) ?? '').trim(), /^[A-Z2-7]{5}(-[A-Z2-7]{5}){4}$/);
  await page.getByLabel('I have safely recorded this code', { exact: true }).check();
  await page.getByRole('button', { name: 'Continue', exact: true }).click();
  await page.getByText('Multi-factor authentication is on.').waitFor();
  await context.close();

  // This account (no other test needs it) guesses wrong codes until its second factor is locked.
  const withScript = await newContext(browser);
  const login = await withScript.newPage();
  await login.goto(`${PANEL}/`);
  await login.getByRole('link', { name: 'Log in via WebPros' }).click();
  await login.getByLabel('Email', { exact: true }).fill(email);
  await login.getByLabel('Password', { exact: true }).fill(password);
  await login.getByRole('button', { name: 'Log in', exact: true }).click();
  const locked = login.getByRole('alert').getByText(idpMessages.mfa_locked);
  for (let attempt = 1; attempt <= MFA_FAILURES + 1 && !(await locked.isVisible()); attempt += 1) {
    await login.getByLabel('One-time code', { exact: true }).fill(codes.wrong());
    await login.getByRole('button', { name: 'Continue', exact: true }).click();
    await login.locator('#code-error').waitFor();
  }
  await locked.waitFor();
  await audit(login, 'IdP MFA challenge, locked');
  await withScript.close();
});
