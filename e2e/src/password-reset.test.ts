import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { readCodeFromMailDev } from './mail.js';
import { launchBrowser, newContext } from './support/browser.js';
import { makeDataDir, type SandboxProcess, startSandboxProcess } from './support/sandbox-process.js';
import { PANEL } from './support/urls.js';

const DEMO = { email: 'demo@example.com', password: 'sandbox-demo-password' };

let browser: Browser;
let sandbox: SandboxProcess;
const dataDir = makeDataDir('password-reset');

before(async () => {
  [browser, sandbox] = await Promise.all([launchBrowser(), startSandboxProcess({ dataDir })]);
});

after(async () => {
  await browser?.close();
  await sandbox?.stop();
});

test('"Forgot password?" resets the demo account\'s password by mailed code; the new one logs in, the old one does not', async () => {
  const newPassword = `reset in the browser ${Date.now()}`;
  const context = await newContext(browser);
  const page = await context.newPage();
  await page.goto(`${PANEL}/`);
  await page.getByRole('link', { name: 'Log in via WebPros' }).click();
  await page.getByRole('link', { name: 'Forgot password?' }).click();

  await page.getByLabel('Email', { exact: true }).fill(DEMO.email.toUpperCase());
  const sentAfter = new Date();
  await page.getByRole('button', { name: 'Send code', exact: true }).click();
  await page.getByRole('group', { name: 'Verification code' }).waitFor();
  const code = await readCodeFromMailDev(DEMO.email, 'Your WebPros Account password reset code: ', sentAfter);
  // Typed digit by digit: the focus moves on by itself.
  await page.getByRole('group', { name: 'Verification code' }).getByRole('textbox').first().click();
  await page.keyboard.type(code);
  await page.getByRole('button', { name: 'Next', exact: true }).click();

  await page.getByLabel('New password', { exact: true }).fill(newPassword);
  await page.getByRole('button', { name: 'Reset password', exact: true }).click();
  await page.getByText('Your password has been reset.').waitFor();

  await page.getByLabel('Email', { exact: true }).fill(DEMO.email);
  await page.getByLabel('Password', { exact: true }).fill(DEMO.password);
  await page.getByRole('button', { name: 'Log in', exact: true }).click();
  await page.getByText(/incorrect/i).waitFor();

  await page.getByLabel('Password', { exact: true }).fill(newPassword);
  await page.getByRole('button', { name: 'Log in', exact: true }).click();
  await page.getByRole('heading', { name: 'Confirm Sending Data' }).waitFor();
  await page.getByRole('button', { name: 'Continue', exact: true }).click();
  await page.getByText('is not associated with an existing').waitFor();
  assert.ok((await page.locator('body').innerText()).includes(DEMO.email));
  await context.close();
});
