import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { pasteCode, readCodeFromMailDev } from './mail.js';
import { launchBrowser, newContext } from './support/browser.js';
import { makeDataDir, type SandboxProcess, startSandboxProcess } from './support/sandbox-process.js';
import { PANEL } from './support/urls.js';

const TERMS =
  'I agree with the Terms of Use and that WebPros will process my provided personal data in its internal systems according to the WebPros Privacy Policy';

let browser: Browser;
let sandbox: SandboxProcess;
const dataDir = makeDataDir('signup');

before(async () => {
  [browser, sandbox] = await Promise.all([launchBrowser(), startSandboxProcess({ dataDir })]);
});

after(async () => {
  await browser?.close();
  await sandbox?.stop();
});

test('from "Log in via WebPros", a brand-new account is created, verified by mail, consents and reaches WHM Home', async () => {
  const email = `E2E.Signup+${Date.now()}@example.com`;
  const context = await newContext(browser);
  const page = await context.newPage();
  await page.goto(`${PANEL}/`);
  await page.getByRole('link', { name: 'Log in via WebPros' }).click();
  await page.getByText('No WebPros account?').waitFor();
  await page.getByRole('link', { name: 'Create one' }).click();

  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByRole('button', { name: 'Generate', exact: true }).click();
  const passwordField = page.getByLabel('Password', { exact: true });
  const password = await passwordField.inputValue();
  assert.ok([...password].length >= 16, 'Generate fills a strong password');
  assert.equal(await passwordField.getAttribute('type'), 'text', 'and shows it');
  await page.getByLabel('First name', { exact: true }).fill('Erika');
  await page.getByLabel('Last name', { exact: true }).fill('Mustermann');
  await page.getByLabel(TERMS, { exact: true }).check();
  const sentAfter = new Date();
  await page.getByRole('button', { name: 'Create account', exact: true }).click();

  await page.getByRole('group', { name: 'Verification code' }).waitFor();
  const code = await readCodeFromMailDev(email, 'Your WebPros Account verification code: ', sentAfter);
  await pasteCode(page, code);
  const boxes = page.getByRole('group', { name: 'Verification code' }).getByRole('textbox');
  assert.deepEqual(
    await boxes.evaluateAll((els) => els.map((e) => (e as unknown as { value: string }).value).join('')),
    code,
  );
  await page.getByRole('button', { name: 'Next', exact: true }).click();

  await page.getByRole('heading', { name: 'Confirm Sending Data' }).waitFor();
  await page.getByRole('button', { name: 'Continue', exact: true }).click();

  await page.getByText('is not associated with an existing').waitFor();
  assert.ok((await page.locator('body').innerText()).includes(email), 'the banner names the new account');
  const rootPassword = fs.readFileSync(path.join(dataDir, 'panel', 'root-password.txt'), 'utf8').trim();
  await page.getByLabel('Username', { exact: true }).fill('root');
  await page.getByLabel('Password', { exact: true }).fill(rootPassword);
  await page.getByRole('button', { name: 'Log in', exact: true }).click();
  await page.waitForURL(/\/cpsess\d{10}\//);
  assert.ok((await page.locator('body').innerText()).includes(email), 'WHM Home shows the linked WebPros identity');
  await context.close();
});
