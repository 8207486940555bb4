import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, newContext } from './support/browser.js';
import { makeDataDir, type SandboxProcess, startSandboxProcess } from './support/sandbox-process.js';
import { PANEL } from './support/urls.js';

// The documented enabling steps on a newly installed server (profile `fresh`), by hand in a browser.
const DEMO = { email: 'demo@example.com', password: 'sandbox-demo-password' };
const BUTTON = { name: 'Log in via WebPros' } as const;

let browser: Browser;
let sandbox: SandboxProcess;
const dataDir = makeDataDir('fresh-profile');

before(async () => {
  [browser, sandbox] = await Promise.all([
    launchBrowser(),
    startSandboxProcess({ dataDir, env: { SANDBOX_PROFILE: 'fresh' } }),
  ]);
});

after(async () => {
  await browser?.close();
  await sandbox?.stop();
});

const rootPassword = () => fs.readFileSync(path.join(dataDir, 'panel', 'root-password.txt'), 'utf8').trim();

async function logInAsRoot(page: Page) {
  await page.getByLabel('Username', { exact: true }).fill('root');
  await page.getByLabel('Password', { exact: true }).fill(rootPassword());
  await page.getByRole('button', { name: 'Log in', exact: true }).click();
  await page.waitForURL(/\/cpsess\d{10}\//);
}

/** The IdP asks for the password the first time, then "Confirm Sending Data" every time. */
async function passIdp(page: Page) {
  const email = page.getByLabel('Email', { exact: true });
  const consent = page.getByRole('heading', { name: 'Confirm Sending Data' });
  const first = await Promise.race([
    email.waitFor().then(() => 'login' as const),
    consent.waitFor().then(() => 'consent' as const),
  ]);
  if (first === 'login') {
    await email.fill(DEMO.email);
    await page.getByLabel('Password', { exact: true }).fill(DEMO.password);
    await page.getByRole('button', { name: 'Log in', exact: true }).click();
    await consent.waitFor();
  }
  await page.getByRole('button', { name: 'Continue', exact: true }).click();
}

test('fresh profile: gate, enable, log in via WebPros, unlink, and the link banner again', async () => {
  const context = await newContext(browser);
  const page = await context.newPage();

  await page.goto(`${PANEL}/`);
  assert.equal(await page.title(), 'WHM Login');
  assert.equal(await page.getByRole('link', BUTTON).count(), 0, 'no button before the gate');

  fs.writeFileSync(path.join(dataDir, 'panel', 'panel.ini'), '[AuthProviders]\nWebProsAccountAdmin = true\n');
  await page.reload();
  assert.equal(await page.getByRole('link', BUTTON).count(), 0, 'available but still disabled');

  await logInAsRoot(page);
  await page.getByRole('link', { name: 'Manage External Authentications' }).click();
  const row = page.locator('#provider-webpros');
  await row.getByRole('button', { name: 'Enable WebPros for whostmgrd' }).click();
  await page.getByText('The system has successfully enabled the “WebPros” provider in “whostmgrd”.').waitFor();
  await page.getByRole('button', { name: 'Log out' }).click();
  await page.getByText('You have logged out.').waitFor();

  await page.getByRole('link', BUTTON).click();
  await passIdp(page);
  await page.getByText('is not associated with an existing “WHM” account').waitFor();
  await logInAsRoot(page);
  assert.ok((await page.locator('body').innerText()).includes(DEMO.email), 'WHM Home shows the link');

  await page.getByRole('link', { name: 'Manage External Authentications' }).click();
  await page.getByRole('link', { name: 'Manage Users' }).click();
  await page.getByRole('link', { name: 'Manage root' }).click();
  await page.getByRole('link', { name: 'Unlink' }).click();
  await page.getByRole('heading', { name: 'Confirm Unlink' }).waitFor();
  await page.getByRole('button', { name: 'Unlink' }).click();
  await page
    .getByText(`The system has removed the “WebPros (${DEMO.email})” authentication linkage for “root.”`)
    .waitFor();
  await page.getByRole('link', { name: 'Go Back' }).click();
  await page.getByText('There are no alternative authentication methods for this user.').waitFor();
  await page.getByRole('button', { name: 'Log out' }).click();

  await page.getByRole('link', BUTTON).click();
  await passIdp(page);
  await page.getByText('is not associated with an existing “WHM” account').waitFor();
  assert.equal(await page.title(), 'WHM Login');
  await context.close();
});
