import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  AdminApiError,
  authorize,
  completeLogin,
  createHeadlessBrowser,
  createSandbox,
  exchangeCode,
  HeadlessError,
  type Sandbox,
} from './index.js';

let sandbox: Sandbox;
before(async () => {
  sandbox = await createSandbox({ env: { MAILDEV_ENABLED: 'false' } });
});
after(() => sandbox?.stop());

const RP = { clientId: 'testkit-rp', redirectUri: 'http://localhost:4555/callback' };

describe('testkit: admin API, outbox and OIDC helpers', () => {
  test('seedAccount makes a verified account (with MFA on request) and the admin client reads it', async () => {
    const plain = await sandbox.seedAccount({ email: 'kit-plain@example.com' });
    assert.equal(plain.password.length, 20);
    const mfa = await sandbox.seedAccount({ email: 'kit-mfa@example.com', password: 'kit-mfa-password-1', mfa: true });
    assert.match(mfa.totpSecret ?? '', /^[A-Z2-7]{32}$/);
    const read = await sandbox.admin?.getAccount('KIT-MFA@example.com');
    assert.equal(read?.mfa, 'active');
    assert.equal(await sandbox.admin?.getAccount('nobody@example.com'), undefined);
    await assert.rejects(sandbox.seedAccount({ email: 'kit-plain@example.com' }), (err: unknown) => {
      return err instanceof AdminApiError && err.status === 409 && err.error === 'account_exists';
    });
  });

  test('outbox.waitForCode reads an emailed code without any mail catcher', async () => {
    const since = new Date();
    const browser = createHeadlessBrowser({ ca: sandbox.ca });
    const page = await browser.open(`${sandbox.issuer}/password-reset`);
    await browser.submit(page, { button: 'Send code', fill: { Email: sandbox.demo.email } });
    await browser.close();
    assert.match(await sandbox.outbox.waitForCode(sandbox.demo.email, { since }), /^\d{6}$/);
  });

  test('authorize + completeLogin + exchangeCode log a registered client in, with MFA', async () => {
    await sandbox.admin?.addClient({
      client_id: RP.clientId,
      client_secret: 'testkit-rp-secret-0123456789',
      redirect_uris: [RP.redirectUri],
    });
    const user = await sandbox.seedAccount({ email: 'kit-login@example.com', password: 'kit-login-pass-1', mfa: true });
    const options = { issuer: sandbox.issuer, ...RP, clientSecret: 'testkit-rp-secret-0123456789', ca: sandbox.ca };
    const request = await authorize({ ...options, acrValues: '2' });
    const callbackUrl = await completeLogin(request.url, { ...user, ca: sandbox.ca });
    const callback = new URL(callbackUrl);
    assert.equal(callback.origin + callback.pathname, RP.redirectUri);
    assert.equal(callback.searchParams.get('state'), request.state);
    const tokens = await exchangeCode({ ...options, callbackUrl, request });
    const claims = JSON.parse(Buffer.from(tokens.id_token.split('.')[1] ?? '', 'base64url').toString());
    assert.equal(claims.email, user.email);
    assert.equal(claims.nonce, request.nonce);
    assert.equal(claims.acr, '2');
  });

  test('completeLogin names the page it is stuck on (a wrong password)', async () => {
    const request = await authorize({ issuer: sandbox.issuer, ...RP, ca: sandbox.ca });
    await assert.rejects(
      completeLogin(request.url, { email: sandbox.demo.email, password: 'wrong-password-here', ca: sandbox.ca }),
      (err: unknown) => err instanceof HeadlessError && /status 400/.test(err.message),
    );
  });

  test('a fresh-profile sandbox has no admin API unless asked for', async () => {
    const fresh = await createSandbox({ env: { SANDBOX_PROFILE: 'fresh', MAILDEV_ENABLED: 'false' } });
    try {
      assert.equal(fresh.adminToken, undefined);
      await assert.rejects(fresh.admin.listAccounts(), /admin API is off/);
      const res = await fresh.fetch(`${fresh.issuer}/admin/accounts`, { headers: { accept: 'application/json' } });
      assert.equal(res.status, 404);
      await assert.rejects(fresh.seedAccount({ email: 'x@example.com' }), /admin API is off/);
    } finally {
      await fresh.stop();
    }
  });
});
