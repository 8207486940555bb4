import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { authorize, completeLogin, createSandbox, HeadlessError, type Sandbox } from './index.js';

// The wrong-code test relies on this: with a limit of 2, a driver that resubmitted a refused code
// even once more would lock the account, and the right code afterwards would get 429.
let sandbox: Sandbox;
before(async () => {
  sandbox = await createSandbox({ env: { MAILDEV_ENABLED: 'false', IDP_MFA_MAX_FAILURES: '2' } });
  await sandbox.admin.addClient({ client_id: RP.clientId, redirect_uris: [RP.redirectUri] });
});
after(() => sandbox?.stop());

const RP = { clientId: 'drivers-rp', redirectUri: 'http://localhost:4556/callback' };
const OTHER_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

/** An MFA account's email, password and TOTP secret (without its recovery code, which would win). */
async function seedMfa(email: string) {
  const { password, totpSecret, recoveryCode } = await sandbox.seedAccount({ email, mfa: true });
  assert.ok(totpSecret && recoveryCode);
  return { email, password, totpSecret, recoveryCode };
}

async function login(options: { email: string; password: string; totpSecret?: string; recoveryCode?: string }) {
  const request = await authorize({ issuer: sandbox.issuer, ...RP, acrValues: '2', ca: sandbox.ca });
  return completeLogin(request.url, { ...options, ca: sandbox.ca });
}

describe('testkit drivers: TOTP steps, refused forms, missing factors', () => {
  test('two completeLogin calls in a row with the same secret both succeed', async () => {
    const { recoveryCode: _, ...user } = await seedMfa('twice-oidc@example.com');
    for (const round of [1, 2]) {
      const callback = new URL(await login(user));
      assert.ok(callback.searchParams.get('code'), `login ${round} returned a code`);
    }
  });

  test('two loginViaWebPros calls in a row with the same secret both reach WHM Home', async () => {
    const { recoveryCode: _, ...user } = await seedMfa('twice-panel@example.com');
    const first = await sandbox.loginViaWebPros(user);
    const second = await sandbox.loginViaWebPros(user);
    assert.equal(first.linked, true);
    assert.equal(second.linked, false);
    assert.match(second.homeUrl, /\/cpsess\d{10}\/$/);
  });

  test('a wrong code: one HeadlessError quoting the page, and only one failure counted', async () => {
    const { recoveryCode: _, ...user } = await seedMfa('wrong-code@example.com');
    await assert.rejects(login({ ...user, totpSecret: OTHER_SECRET }), (err: unknown) => {
      assert.ok(err instanceof HeadlessError);
      assert.equal(err.page.status, 400);
      assert.match(err.message, /refused: "This code is incorrect\. Check your authenticator app and try again\."/);
      return true;
    });
    // One failure of the two allowed: the right code still gets in (a second submission would have locked it).
    const callback = new URL(await login(user));
    assert.ok(callback.searchParams.get('code'));
  });

  test('an MFA account without totpSecret or recoveryCode: both drivers say what to pass', async () => {
    const user = await seedMfa('no-factor@example.com');
    const credentials = { email: user.email, password: user.password };
    const expected = /^this account has MFA: pass totpSecret or recoveryCode \(on .*heading "Verify Your Identity"\)$/;
    await assert.rejects(
      login(credentials),
      (err: unknown) => err instanceof HeadlessError && expected.test(err.message),
    );
    await assert.rejects(
      sandbox.loginViaWebPros(credentials),
      (err: unknown) => err instanceof HeadlessError && expected.test(err.message),
    );
  });

  test('completeLogin takes a recovery code', async () => {
    const user = await seedMfa('recovery@example.com');
    const callback = new URL(
      await login({ email: user.email, password: user.password, recoveryCode: user.recoveryCode }),
    );
    assert.ok(callback.searchParams.get('code'));
  });

  test('mail.* says MailDev is off instead of "fetch failed"', async () => {
    await assert.rejects(
      sandbox.mail.waitForCode(sandbox.demo.email),
      new Error('MailDev is off in this sandbox (MAILDEV_ENABLED=false): read codes with sandbox.outbox.waitForCode'),
    );
  });
});

describe('createSandbox: settings, failed starts, stop', () => {
  test('a misspelt setting is refused with the closest known name', async () => {
    await assert.rejects(createSandbox({ env: { IDP_PROT: '4000' } }), (err: unknown) => {
      assert.ok(err instanceof Error);
      assert.equal(err.name, 'ConfigError');
      assert.match(err.message, /unknown setting IDP_PROT .*did you mean IDP_PORT\?/);
      return true;
    });
    // Names that do not look like settings are the caller's own business.
    const other = await createSandbox({ env: { MY_APP_FLAG: '1', MAILDEV_ENABLED: 'false' } });
    await other.stop();
  });

  test('a failed start leaves no temporary folder behind', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'failed-starts-'));
    const badSeed = path.join(tmp, 'bad-seed.yaml');
    fs.writeFileSync(badSeed, 'idp:\n  accounts:\n    - email: not-an-email\n');
    const saved = process.env.TMPDIR;
    // createSandbox makes its folder under os.tmpdir(): a private one shows what is left.
    const scratch = path.join(tmp, 'scratch');
    fs.mkdirSync(scratch);
    process.env.TMPDIR = scratch;
    try {
      const attempts: Parameters<typeof createSandbox>[0][] = [
        { seedFile: badSeed },
        { seedFile: path.join(tmp, 'missing.yaml') },
        { env: { IDP_PORT: 'not-a-port' } },
      ];
      for (const options of attempts) {
        await assert.rejects(createSandbox({ ...options, env: { MAILDEV_ENABLED: 'false', ...options?.env } }));
        assert.deepEqual(fs.readdirSync(scratch), [], JSON.stringify(options));
      }
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  test('stop() twice resolves, and an admin API turned off says so on use', async () => {
    const plain = await createSandbox({ admin: false, env: { MAILDEV_ENABLED: 'false' } });
    await assert.rejects(plain.admin.listAccounts(), /the admin API is off for this sandbox/);
    assert.equal(plain.adminToken, undefined);
    await plain.stop();
    await plain.stop();
    await Promise.all([plain.stop(), plain.stop()]);
  });
});
