import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
// Only the published API of the testkit: what a user of the sandbox has.
import { completeLogin, createSandbox, type Sandbox } from '@extauth/testkit';
import { startRpApp } from './rp-app.js';

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });

let sandbox: Sandbox;
let port: number;
const USER = { email: 'rp-user@example.com', password: 'rp-user-password-1' };
const SECRET = 'example-rp-secret-0123456789';

before(async () => {
  port = await freePort();
  // The app's client and a user come from a seed file, as a project would keep them.
  const seedFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rp-app-')), 'seed.yaml');
  fs.writeFileSync(
    seedFile,
    [
      'idp:',
      '  accounts:',
      `    - { email: ${USER.email}, password: ${USER.password}, givenName: Rae }`,
      '  clients:',
      `    - { client_id: example-rp, client_secret: ${SECRET}, redirect_uris: ['http://localhost:${port}/callback'] }`,
      '',
    ].join('\n'),
  );
  sandbox = await createSandbox({ seedFile, env: { MAILDEV_ENABLED: 'false' } });
});
after(() => sandbox?.stop());

/** Log in through the app: its /login, the IdP pages (testkit), its /callback; the app's session cookie. */
async function logIn(app: { url: string }, user: { email: string; password: string }) {
  const login = await fetch(`${app.url}/login`, { redirect: 'manual' });
  assert.equal(login.status, 302);
  const pendingCookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const callbackUrl = await completeLogin(login.headers.get('location') ?? '', { ...user, ca: sandbox.ca });
  const callback = await fetch(callbackUrl, { headers: { cookie: pendingCookie }, redirect: 'manual' });
  return { callback, session: (callback.headers.get('set-cookie') ?? '').split(';')[0] ?? '' };
}

test('a user logs in to the app through the sandbox IdP and the app shows their email', async () => {
  const app = await startRpApp({
    issuer: sandbox.issuer,
    clientId: 'example-rp',
    clientSecret: SECRET,
    port,
    ca: sandbox.ca,
  });
  try {
    const { callback, session } = await logIn(app, USER);
    assert.equal(callback.status, 302, await callback.text());
    const home = await fetch(`${app.url}/`, { headers: { cookie: session } });
    assert.match(await home.text(), /Signed in as rp-user@example\.com/);
  } finally {
    await app.close();
  }
});

test('a public client registered at runtime through the admin API works the same (PKCE)', async () => {
  const publicPort = await freePort();
  await sandbox.admin?.addClient({
    client_id: 'example-rp-public',
    redirect_uris: [`http://localhost:${publicPort}/callback`],
  });
  const user = await sandbox.seedAccount({ email: 'rp-public@example.com' });
  const app = await startRpApp({
    issuer: sandbox.issuer,
    clientId: 'example-rp-public',
    port: publicPort,
    ca: sandbox.ca,
  });
  try {
    const { session } = await logIn(app, user);
    const home = await fetch(`${app.url}/`, { headers: { cookie: session } });
    assert.match(await home.text(), /Signed in as rp-public@example\.com/);
  } finally {
    await app.close();
  }
});

test('the app refuses an ID token with a wrong audience and a failing token endpoint (fault injection)', async () => {
  const app = await startRpApp({
    issuer: sandbox.issuer,
    clientId: 'example-rp',
    clientSecret: SECRET,
    port,
    ca: sandbox.ca,
  });
  try {
    await sandbox.admin?.addFault({ endpoint: 'token', idToken: 'wrong_aud' });
    const wrongAud = await logIn(app, USER);
    assert.equal(wrongAud.callback.status, 502);
    assert.match(await wrongAud.callback.text(), /The sign-in failed/);
    await sandbox.admin?.addFault({ endpoint: 'token', respond: { status: 400, error: 'invalid_grant' } });
    const down = await logIn(app, USER);
    assert.equal(down.callback.status, 502);
    assert.match(await down.callback.text(), /invalid_grant/);
  } finally {
    await app.close();
  }
});
