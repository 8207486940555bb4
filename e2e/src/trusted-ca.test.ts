import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page, Response } from 'playwright-core';
import { launchBrowser, tempDir } from './support/browser.js';
import { makeDataDir, repoRoot, type SandboxProcess, startSandboxProcess } from './support/sandbox-process.js';
import { IDP, PANEL } from './support/urls.js';

// The journey in a chromium that checks certificates for real (no ignoreHTTPSErrors): it trusts the
// sandbox CA only because `pnpm sandbox trust` put it into the NSS database under its HOME.

const DEMO = { email: 'demo@example.com', password: 'sandbox-demo-password' };
const CLI = path.join(repoRoot, 'packages/testkit/dist/cli.js');

let sandbox: SandboxProcess;
const dataDir = makeDataDir('trusted-ca');
const trustingHome = tempDir('extauth-e2e-home-trusting-');
const browsers: Browser[] = [];

before(async () => {
  sandbox = await startSandboxProcess({ dataDir });
});

after(async () => {
  await Promise.all(browsers.map((b) => b.close()));
  await sandbox?.stop();
});

function trust(args: string[] = []): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, 'trust', ...args],
      { cwd: repoRoot, env: { ...process.env, HOME: trustingHome, SANDBOX_DATA_DIR: dataDir } },
      (error, out, err) => resolve({ code: error ? Number(error.code ?? 1) : 0, out, err }),
    );
  });
}

/** A chromium whose HOME is `home`, in a context that rejects any certificate it does not trust. */
async function strictPage(home: string): Promise<Page> {
  const browser = await launchBrowser({ env: { ...process.env, HOME: home } });
  browsers.push(browser);
  const context = await browser.newContext({ ignoreHTTPSErrors: false, viewport: { width: 1200, height: 900 } });
  context.setDefaultTimeout(15_000);
  return context.newPage();
}

/** Every HTTPS response of the page, to check each one's certificate afterwards. */
function recordResponses(page: Page): Response[] {
  const responses: Response[] = [];
  page.on('response', (res) => {
    if (res.url().startsWith('https://')) responses.push(res);
  });
  return responses;
}

test('after `sandbox trust`, chromium checking certificates logs in via WebPros with no certificate error', async () => {
  const res = await trust();
  assert.equal(res.code, 0, res.err);
  assert.match(
    res.out,
    new RegExp(`^trusted {3}${path.join(trustingHome, '.pki', 'nssdb')} \\(Chromium/Chrome\\)$`, 'm'),
  );

  const page = await strictPage(trustingHome);
  const responses = recordResponses(page);
  const failures: string[] = [];
  page.on('requestfailed', (req) => failures.push(`${req.url()}: ${req.failure()?.errorText}`));

  const first = await page.goto(`${PANEL}/`);
  assert.equal(first?.status(), 200);
  const security = await first?.securityDetails();
  assert.match(security?.issuer ?? '', /^extauth-sandbox local development CA /, 'served under the sandbox CA');

  await page.getByRole('link', { name: 'Log in via WebPros' }).click();
  await page.getByRole('heading', { name: 'Log in to your WebPros Account' }).waitFor();
  assert.ok(page.url().startsWith(`${IDP}/`), `on the IdP: ${page.url()}`);
  await page.getByLabel('Email', { exact: true }).fill(DEMO.email);
  await page.getByLabel('Password', { exact: true }).fill(DEMO.password);
  await page.getByRole('button', { name: 'Log in', exact: true }).click();
  await page.getByRole('heading', { name: 'Confirm Sending Data' }).waitFor();
  await page.getByRole('button', { name: 'Continue', exact: true }).click();
  await page.getByText('is not associated with an existing').waitFor();
  await page.getByLabel('Username', { exact: true }).fill('root');
  await page
    .getByLabel('Password', { exact: true })
    .fill(fs.readFileSync(path.join(dataDir, 'panel', 'root-password.txt'), 'utf8').trim());
  await page.getByRole('button', { name: 'Log in', exact: true }).click();
  await page.waitForURL(/\/cpsess\d{10}\/$/);
  assert.ok((await page.locator('body').innerText()).includes(DEMO.email), 'WHM Home shows the linked identity');

  assert.deepEqual(failures, [], 'no request failed');
  const origins = new Set(responses.map((r) => new URL(r.url()).origin));
  assert.ok(origins.has(PANEL) && origins.has(IDP), `both apps answered over HTTPS: ${[...origins].join(', ')}`);
});

test('the trusted CA does not cover a name missing from the certificate: ERR_CERT_COMMON_NAME_INVALID', async () => {
  // Chromium resolves every *.localhost name to the loopback address itself, so this reaches the
  // same listener; the certificate names localhost, 127.0.0.1 and ::1 only.
  const page = await strictPage(trustingHome);
  const otherName = new URL(PANEL);
  otherName.hostname = 'whm.localhost';
  await assert.rejects(page.goto(otherName.href), /net::ERR_CERT_COMMON_NAME_INVALID/);
});

test('a chromium with a fresh HOME (CA not trusted) refuses the panel and the IdP with a certificate error', async () => {
  const page = await strictPage(tempDir('extauth-e2e-home-fresh-'));
  for (const url of [`${PANEL}/`, `${IDP}/.well-known/openid-configuration`]) {
    await assert.rejects(page.goto(url), /net::ERR_CERT_AUTHORITY_INVALID/, url);
  }
});

test('`sandbox trust --remove` takes the trust away again', async () => {
  const res = await trust(['--remove']);
  assert.equal(res.code, 0, res.err);
  assert.match(res.out, /^removed {3}.+\(Chromium\/Chrome\)$/m);
  const page = await strictPage(trustingHome);
  await assert.rejects(page.goto(`${PANEL}/`), /net::ERR_CERT_AUTHORITY_INVALID/);
});
