import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { readEnrollmentLink } from './mail.js';
import { sandboxWithBrowser } from './support/suite.js';
import { codeSource } from './support/totp.js';
import { IDP, PANEL } from './support/urls.js';

// The real launcher on its default addresses, as a person uses it.
const DEMO = { email: 'demo@example.com', password: 'sandbox-demo-password' };

const suite = sandboxWithBrowser('whm-2fa');

/** WHM login page → "Log in via WebPros" → IdP email and password → "Verify Your Identity" → "Confirm Sending Data". */
async function webProsUntilConsent(page: Page, idpCode: () => Promise<string>): Promise<void> {
  await page.goto(`${PANEL}/`);
  await page.getByRole('link', { name: 'Log in via WebPros' }).click();
  await page.getByLabel('Email', { exact: true }).fill(DEMO.email);
  await page.getByLabel('Password', { exact: true }).fill(DEMO.password);
  await page.getByRole('button', { name: 'Log in', exact: true }).click();
  await page.getByRole('heading', { name: 'Verify Your Identity' }).waitFor();
  await page.getByLabel('One-time code', { exact: true }).fill(await idpCode());
  await page.getByRole('button', { name: 'Continue', exact: true }).click();
  await page.getByRole('heading', { name: 'Confirm Sending Data' }).waitFor();
  await page.getByRole('button', { name: 'Continue', exact: true }).click();
}

test('WHM 2FA after WebPros MFA: password → Verify Your Identity → Confirm Sending Data → WHM Login Security → WHM Home', async () => {
  // IdP MFA for the demo account, from its account page and the emailed link.
  const setup = await suite.newContext();
  const idp = await setup.newPage();
  await idp.goto(`${IDP}/account/login`);
  await idp.getByLabel('Email', { exact: true }).fill(DEMO.email);
  await idp.getByLabel('Password', { exact: true }).fill(DEMO.password);
  await idp.getByRole('button', { name: 'Log in', exact: true }).click();
  const askedAt = new Date(Date.now() - 1000);
  await idp.getByRole('button', { name: 'Send an enrollment email' }).click();
  await idp.getByText('We sent you an enrollment email').waitFor();
  await idp.goto(await readEnrollmentLink(DEMO.email, askedAt));
  await idp.getByRole('heading', { name: 'Secure Your Account' }).waitFor();
  const idpSecret = ((await idp.locator('#totp-secret').textContent()) ?? '').replace(/\s+/g, '');
  const idpCodes = codeSource(idpSecret);
  await idp.getByLabel('One-time code', { exact: true }).fill(await idpCodes.next());
  await idp.getByRole('button', { name: 'Continue', exact: true }).click();
  await idp.getByRole('heading', { name: 'Almost There!' }).waitFor();
  await idp.getByLabel('I have safely recorded this code', { exact: true }).check();
  await idp.getByRole('button', { name: 'Continue', exact: true }).click();
  await idp.getByText('Multi-factor authentication is on.').waitFor();
  await setup.close();

  // The first WebPros login links the identity to root (before WHM 2FA exists).
  const first = await suite.newContext();
  const whm = await first.newPage();
  await webProsUntilConsent(whm, () => idpCodes.next());
  await whm.getByText('is not associated with an existing').waitFor();
  await whm.getByLabel('Username', { exact: true }).fill('root');
  await whm.getByLabel('Password', { exact: true }).fill(suite.rootPassword());
  await whm.getByRole('button', { name: 'Log in', exact: true }).click();
  await whm.waitForURL(/\/cpsess\d{10}\/$/);
  assert.equal(await whm.title(), 'WHM Home');

  // Root sets up WHM 2FA in Manage My Account with codes from the shown key, then enables the policy.
  await whm.getByRole('link', { name: 'Two-Factor Authentication' }).click();
  await whm.getByRole('button', { name: 'Set Up Two-Factor Authentication' }).click();
  assert.ok(await whm.getByRole('img', { name: 'QR code' }).isVisible(), 'the QR code is shown');
  assert.equal((await whm.locator('#tfa-account').textContent())?.trim(), 'root');
  const whmSecret = ((await whm.locator('#tfa-key').textContent()) ?? '').trim();
  assert.match(whmSecret, /^[A-Z2-7]{16}$/, 'the Key: 16 base32 characters, as WHM uses');
  const whmCodes = codeSource(whmSecret);
  await whm.getByLabel('Security Code', { exact: true }).fill(whmCodes.wrong());
  await whm.getByRole('button', { name: 'Configure Two-Factor Authentication' }).click();
  await whm.getByText('Failed to set user configuration: The security code is invalid.').waitFor();
  await whm.getByLabel('Security Code', { exact: true }).fill(await whmCodes.next());
  await whm.getByRole('button', { name: 'Configure Two-Factor Authentication' }).click();
  await whm.getByText('Two-Factor Authentication is now configured for your account.').waitFor();
  assert.ok(await whm.getByRole('button', { name: 'Remove Two-Factor Authentication' }).isVisible());
  assert.ok(await whm.getByRole('button', { name: 'Reconfigure' }).isVisible());
  await whm.getByRole('button', { name: 'Enable Policy' }).click();
  await whm.getByText('The Two-Factor Authentication Security Policy is Enabled').waitFor();
  await whm.getByRole('button', { name: 'Log out' }).click();
  await whm.getByText('You have logged out.').waitFor();
  await first.close();

  // A fresh browser: both MFAs, in the documented order, then WHM Home.
  const second = await suite.newContext();
  const page = await second.newPage();
  await webProsUntilConsent(page, () => idpCodes.next());
  await page.waitForFunction(() => document.title === 'WHM Login Security');
  assert.match(new URL(page.url()).pathname, /^\/cpsess\d{10}\/$/);
  const promptPath = new URL(page.url()).pathname;
  await page.getByRole('heading', { name: 'Enter the security code for “root”' }).waitFor();
  assert.equal(await page.getByLabel('Security code', { exact: true }).getAttribute('placeholder'), 'Security code');
  await page.getByLabel('Security code', { exact: true }).fill(whmCodes.wrong());
  await page.getByRole('button', { name: 'Continue', exact: true }).click();
  await page.getByText('The security code is invalid.').waitFor();
  assert.equal(await page.title(), 'WHM Login Security', 'no WHM Home without a valid code');
  await page.getByLabel('Security code', { exact: true }).fill(await whmCodes.next());
  await page.getByRole('button', { name: 'Continue', exact: true }).click();
  await page.waitForFunction(() => document.title === 'WHM Home');
  assert.notEqual(new URL(page.url()).pathname, promptPath, 'a new security token after the code');
  const home = await page.locator('body').innerText();
  assert.ok(home.includes('signed in with WebPros'), 'WHM Home of the WebPros login');
  await second.close();
});

// Browser globals used inside page.waitForFunction (this package compiles without the DOM library).
declare const document: { title: string };
