import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, test } from 'node:test';
import { createHeadlessBrowser, createSandbox, HeadlessError, type Sandbox } from './index.js';

let sandbox: Sandbox;

before(async () => {
  sandbox = await createSandbox();
});

after(async () => {
  await sandbox?.stop();
});

test('createSandbox starts IdP, panel and MailDev on free ports with a CA to trust', async () => {
  assert.match(sandbox.issuer, /^https:\/\/localhost:\d+$/);
  assert.match(sandbox.panelUrl, /^https:\/\/localhost:\d+$/);
  assert.notEqual(new URL(sandbox.issuer).port, '8443', 'not the default port, so it runs beside pnpm start');
  assert.match(sandbox.ca, /BEGIN CERTIFICATE/);
  const res = await fetch(`${sandbox.mailUrl}/api/email`);
  assert.equal(res.status, 200);
});

test('loginViaWebPros links on first use, then goes straight to WHM Home with a working session cookie', async () => {
  const first = await sandbox.loginViaWebPros({ email: sandbox.demo.email, password: sandbox.demo.password });
  assert.equal(first.linked, true);
  assert.match(first.homeUrl, /\/cpsess\d{10}\/$/);
  assert.match(first.sessionCookie, /^whostmgrsession=/);
  assert.ok(first.steps.some((s) => s.page === 'Confirm Sending Data'));

  const second = await sandbox.loginViaWebPros({ email: sandbox.demo.email, password: sandbox.demo.password });
  assert.equal(second.linked, false);

  const browser = createHeadlessBrowser({ ca: sandbox.ca });
  const anonymous = await browser.open(second.homeUrl);
  await browser.close();
  assert.equal(anonymous.title, 'WHM Login', 'the security token alone opens nothing');
  const home = await sandbox.fetch(second.homeUrl, { headers: { cookie: second.sessionCookie } });
  assert.equal(home.status, 200);
  assert.ok((await home.text()).includes(sandbox.demo.email), 'the returned cookie opens WHM Home');
});

test('loginViaWebPros says where it got stuck on a wrong password', async () => {
  await assert.rejects(
    sandbox.loginViaWebPros({ email: sandbox.demo.email, password: 'not-the-password-at-all' }),
    (err: unknown) => err instanceof HeadlessError && /status 400/.test(err.message),
  );
});

test('mail.waitForCode reads the code the IdP mailed', async () => {
  const since = new Date();
  const browser = createHeadlessBrowser({ ca: sandbox.ca });
  const page = await browser.open(`${sandbox.issuer}/password-reset`);
  await browser.submit(page, { button: 'Send code', fill: { Email: sandbox.demo.email.toUpperCase() } });
  await browser.close();
  const code = await sandbox.mail.waitForCode(sandbox.demo.email, { since });
  assert.match(code, /^\d{6}$/);
});

test('two sandboxes run side by side, each with its own ports and data', async () => {
  const [a, b] = await Promise.all([createSandbox(), createSandbox({ storage: 'sqlite' })]);
  try {
    assert.notEqual(a.issuer, b.issuer);
    assert.notEqual(a.dataDir, b.dataDir);
    const [ra, rb] = await Promise.all([
      a.loginViaWebPros({ email: a.demo.email, password: a.demo.password }),
      b.loginViaWebPros({ email: b.demo.email, password: b.demo.password }),
    ]);
    assert.ok(ra.homeUrl.startsWith(a.panelUrl));
    assert.ok(rb.homeUrl.startsWith(b.panelUrl));
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
  assert.equal(fs.existsSync(a.dataDir), false, 'the in-memory sandbox leaves no folder behind');
  assert.equal(fs.existsSync(b.dataDir), true, 'the sqlite sandbox keeps its data for inspection');
});
