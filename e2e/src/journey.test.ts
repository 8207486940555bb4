import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { issueIdToken, verifyWithJwks } from './support/oidc.js';
import { sandboxWithBrowser } from './support/suite.js';
import { IDP, MAILDEV, PANEL } from './support/urls.js';

// What `pnpm start` prints and what a person types: the defaults of the real launcher.
const DEMO = { email: 'demo@example.com', password: 'sandbox-demo-password' };
const LINK_BANNER = `Your account “${DEMO.email}” is not associated with an existing “WHM” account. Please log in to connect the account.`;

const suite = sandboxWithBrowser('journey');

async function logInAtIdp(page: Page) {
  await page.getByRole('link', { name: 'Log in via WebPros' }).click();
  await page.getByLabel('Email', { exact: true }).fill(DEMO.email);
  await page.getByLabel('Password', { exact: true }).fill(DEMO.password);
  await page.getByRole('button', { name: 'Log in', exact: true }).click();
}

async function continueIfAskedToConfirm(page: Page) {
  const heading = page.getByRole('heading', { name: 'Confirm Sending Data' });
  const home = page.waitForURL(/\/cpsess\d{10}\//, { timeout: 15_000 }).then(() => 'home' as const);
  const consent = heading.waitFor({ timeout: 15_000 }).then(() => 'consent' as const);
  if ((await Promise.race([home, consent])) === 'consent') {
    await page.getByRole('button', { name: 'Continue', exact: true }).click();
  }
}

test('the banner prints the URLs, the demo credentials, the root password file and the data folder', () => {
  const out = suite.sandbox.output();
  for (const expected of [PANEL, IDP, MAILDEV, DEMO.email, DEMO.password, suite.dataDir]) {
    assert.ok(out.includes(expected), `ready banner mentions ${expected}:\n${out}`);
  }
  assert.ok(
    out.includes(path.join(suite.dataDir, 'panel', 'root-password.txt')),
    'banner says where the root password is',
  );
});

test('first "Log in via WebPros" links the identity to root and opens WHM Home; the second goes straight there', async () => {
  const context = await suite.newContext();
  const page = await context.newPage();
  await page.goto(`${PANEL}/`);
  assert.equal(await page.title(), 'WHM Login');

  await logInAtIdp(page);
  await page.getByRole('heading', { name: 'Confirm Sending Data' }).waitFor();
  await page.getByRole('button', { name: 'Continue', exact: true }).click();

  await page.getByText('is not associated with an existing').waitFor();
  const bannerText = (await page.getByText('is not associated with an existing').textContent())?.trim();
  assert.equal(bannerText, LINK_BANNER);

  await page.getByLabel('Username', { exact: true }).fill('root');
  await page.getByLabel('Password', { exact: true }).fill(suite.rootPassword());
  await page.getByRole('button', { name: 'Log in', exact: true }).click();
  await page.waitForURL(/\/cpsess\d{10}\//);
  const home = await page.locator('body').innerText();
  assert.match(home, /root/);
  assert.ok(home.includes(DEMO.email), 'WHM Home shows the linked WebPros identity');

  await page.getByRole('button', { name: 'Log out' }).click();
  await page.getByText('You have logged out.').waitFor();

  await page.getByRole('link', { name: 'Log in via WebPros' }).click();
  await continueIfAskedToConfirm(page);
  await page.waitForURL(/\/cpsess\d{10}\//);
  assert.equal(await page.getByText('is not associated with an existing').count(), 0, 'no link banner the second time');
  assert.ok((await page.locator('body').innerText()).includes(DEMO.email));
  await context.close();
});

test('bad input lands on a page with a clear message, never an error page', async () => {
  const context = await suite.newContext();
  const page = await context.newPage();

  await page.goto(`${PANEL}/`);
  await page.getByLabel('Username', { exact: true }).fill('root');
  await page.getByLabel('Password', { exact: true }).fill('not-the-password');
  await page.getByRole('button', { name: 'Log in', exact: true }).click();
  await page.getByText('The login is invalid.').waitFor();

  await page.getByRole('link', { name: 'Log in via WebPros' }).click();
  await page.getByLabel('Email', { exact: true }).fill(DEMO.email);
  await page.getByLabel('Password', { exact: true }).fill('wrong-password-123');
  await page.getByRole('button', { name: 'Log in', exact: true }).click();
  await page.getByText(/incorrect/i).waitFor();
  assert.equal(await page.getByLabel('Password', { exact: true }).inputValue(), '', 'the password is never echoed');

  const notices: [string, string, RegExp][] = [
    ['error=access_denied&state=x', 'openid_access_denied', /denied access to information/],
    ['state=%7B%7D', 'missing_openid_code', /did not return an authorization code/],
    ['code=abc', 'missing_openid_state', /did not send back the state of the request/],
  ];
  for (const [query, code, text] of notices) {
    const res = await page.goto(`${PANEL}/openid_connect_callback/webpros?${query}`);
    assert.ok(res && res.status() < 500, `${code}: no server error`);
    assert.match(await page.locator('body').innerText(), text);
    assert.ok((await page.content()).includes(`msg_code:[${code}]`), `${code} is in the page`);
  }

  // A state whose validation token does not match this browser's pre-auth session.
  await page.goto(`${PANEL}/openid_connect/webpros`).catch(() => undefined);
  const tampered = encodeURIComponent(JSON.stringify({ service: 'whostmgrd', external_validation_token: 'forged' }));
  const res = await page.goto(`${PANEL}/openid_connect_callback/webpros?code=abc&state=${tampered}`);
  assert.ok(res && res.status() < 500);
  assert.ok((await page.content()).includes('msg_code:[invalid_openid_external_validation_token]'));
  await context.close();
});

test('after a restart the link, the IdP account and the signing key are still there', async () => {
  const before = await issueIdToken({ dataDir: suite.dataDir, email: DEMO.email, password: DEMO.password });

  const firstRun = suite.sandbox;
  assert.equal(await suite.restart(), 0, 'Ctrl-C stops the sandbox cleanly');
  assert.match(firstRun.output(), /Stopped\./);

  assert.ok(
    await verifyWithJwks(suite.dataDir, before.idToken),
    'an ID token issued before the restart still verifies',
  );

  const context = await suite.newContext();
  const page = await context.newPage();
  await page.goto(`${PANEL}/`);
  await logInAtIdp(page);
  await continueIfAskedToConfirm(page);
  await page.waitForURL(/\/cpsess\d{10}\//);
  assert.ok((await page.locator('body').innerText()).includes(DEMO.email), 'the link survived the restart');
  await context.close();
});
