import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { pasteCode, readCodeFromMailDev, readEnrollmentLink } from './mail.js';
import { sandboxWithBrowser } from './support/suite.js';
import { codeSource } from './support/totp.js';
import { IDP, PANEL } from './support/urls.js';

const TERMS =
  'I agree with the Terms of Use and that WebPros will process my provided personal data in its internal systems according to the WebPros Privacy Policy';

const suite = sandboxWithBrowser('mfa');

async function passwordStep(page: Page, email: string, password: string) {
  await page.goto(`${PANEL}/`);
  await page.getByRole('link', { name: 'Log in via WebPros' }).click();
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Log in', exact: true }).click();
  await page.getByRole('heading', { name: 'Verify Your Identity' }).waitFor();
}

/** "Almost There!": reads the code, checks Continue is refused unticked, ticks and continues. */
async function recordRecoveryCode(page: Page): Promise<string> {
  await page.getByRole('heading', { name: 'Almost There!' }).waitFor();
  const code = ((await page.locator('#recovery-code').textContent()) ?? '').trim();
  assert.match(code, /^[A-Z2-7]{5}(-[A-Z2-7]{5}){4}$/);
  assert.ok(await page.getByRole('button', { name: 'Copy code' }).isVisible(), '"Copy code" is offered');
  // What the button did is said in a polite live region (copied, or selected where the browser
  // does not let the page write to the clipboard), not only by a changed button label.
  await page.getByRole('button', { name: 'Copy code' }).click();
  await page
    .locator('#copy-status[aria-live="polite"]')
    .filter({ hasText: /^(Copied|The code is selected: copy it with your keyboard\.)$/ })
    .waitFor();
  await page.getByRole('button', { name: 'Continue', exact: true }).click();
  await page.getByText('Tick “I have safely recorded this code” to continue.').waitFor();
  assert.equal(((await page.locator('#recovery-code').textContent()) ?? '').trim(), code, 'the same code, still shown');
  await page.getByLabel('I have safely recorded this code', { exact: true }).check();
  await page.getByRole('button', { name: 'Continue', exact: true }).click();
  return code;
}

async function consentAndReachWhm(page: Page) {
  await page.getByRole('heading', { name: 'Confirm Sending Data' }).waitFor();
  await page.getByRole('button', { name: 'Continue', exact: true }).click();
  await page.waitForURL(/\/cpsess\d{10}\//);
}

test('enrol MFA from the emailed link, log in to WHM through "Verify Your Identity", then with recovery codes', async () => {
  const email = `E2E.Mfa+${Date.now()}@example.com`;
  const password = 'e2e-mfa-password-123';
  const context = await suite.newContext();
  const page = await context.newPage();

  // Sign up directly at the IdP and verify the address.
  await page.goto(`${IDP}/signup`);
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByLabel('First name', { exact: true }).fill('Mfa');
  await page.getByLabel('Last name', { exact: true }).fill('Tester');
  await page.getByLabel(TERMS, { exact: true }).check();
  const signedUpAt = new Date(Date.now() - 1000);
  await page.getByRole('button', { name: 'Create account', exact: true }).click();
  await page.getByRole('group', { name: 'Verification code' }).waitFor();
  await pasteCode(page, await readCodeFromMailDev(email, 'Your WebPros Account verification code: ', signedUpAt));
  await page.getByRole('button', { name: 'Next', exact: true }).click();
  await page.getByRole('heading', { name: 'Welcome to your WebPros Account!' }).waitFor();

  // Enrol from the emailed link.
  const askedAt = new Date(Date.now() - 1000);
  await page.getByRole('button', { name: 'Send an enrollment email' }).click();
  await page.getByText('We sent you an enrollment email').waitFor();
  await page.goto(await readEnrollmentLink(email, askedAt));
  await page.getByRole('heading', { name: 'Secure Your Account' }).waitFor();
  assert.ok(await page.getByRole('img', { name: 'QR code' }).isVisible());
  const secret = ((await page.locator('#totp-secret').textContent()) ?? '').replace(/\s+/g, '');
  assert.match(secret, /^[A-Z2-7]{32}$/, 'the secret for manual entry: 160 bits, base32, no padding');
  const codes = codeSource(secret);
  await page.getByLabel('One-time code', { exact: true }).fill(await codes.next());
  await page.getByRole('button', { name: 'Continue', exact: true }).click();
  const firstRecoveryCode = await recordRecoveryCode(page);
  await page.getByText('Multi-factor authentication is on.').waitFor();
  await context.close();

  // First WHM login: password, then a one-time code; the identity is linked to root.
  const first = await suite.newContext();
  const whm = await first.newPage();
  await passwordStep(whm, email, password);
  await whm.getByLabel('One-time code', { exact: true }).fill(await codes.next());
  await whm.getByRole('button', { name: 'Continue', exact: true }).click();
  await whm.getByRole('heading', { name: 'Confirm Sending Data' }).waitFor();
  await whm.getByRole('button', { name: 'Continue', exact: true }).click();
  await whm.getByText('is not associated with an existing').waitFor();
  await whm.getByLabel('Username', { exact: true }).fill('root');
  await whm.getByLabel('Password', { exact: true }).fill(suite.rootPassword());
  await whm.getByRole('button', { name: 'Log in', exact: true }).click();
  await whm.waitForURL(/\/cpsess\d{10}\//);
  assert.ok((await whm.locator('body').innerText()).includes(email), 'WHM Home shows the linked identity');
  await first.close();

  // Second login with the recovery code: it dies and a new one is shown at once.
  const second = await suite.newContext();
  const again = await second.newPage();
  await passwordStep(again, email, password);
  await again.getByRole('link', { name: 'Use a recovery code' }).click();
  await again.getByLabel('Recovery code', { exact: true }).fill(firstRecoveryCode.toLowerCase());
  await again.getByRole('button', { name: 'Continue', exact: true }).click();
  const secondRecoveryCode = await recordRecoveryCode(again);
  assert.notEqual(secondRecoveryCode, firstRecoveryCode);
  await consentAndReachWhm(again);
  await second.close();

  // A fresh browser: the used code is refused, the new one works.
  const fresh = await suite.newContext();
  const last = await fresh.newPage();
  await passwordStep(last, email, password);
  await last.getByRole('link', { name: 'Use a recovery code' }).click();
  await last.getByLabel('Recovery code', { exact: true }).fill(firstRecoveryCode);
  await last.getByRole('button', { name: 'Continue', exact: true }).click();
  await last.getByText('This recovery code is incorrect or was already used.').waitFor();
  await last.getByLabel('Recovery code', { exact: true }).fill(secondRecoveryCode);
  await last.getByRole('button', { name: 'Continue', exact: true }).click();
  const thirdRecoveryCode = await recordRecoveryCode(last);
  assert.notEqual(thirdRecoveryCode, secondRecoveryCode);
  await consentAndReachWhm(last);
  await fresh.close();
});
