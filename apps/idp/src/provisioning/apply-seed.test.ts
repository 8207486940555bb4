import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { verifyPassword } from '@extauth/server-kit/passwords';
import { idpMessages } from '@extauth/shared/idp-messages';
import { seedFileSchema } from '@extauth/shared/seed';
import { adminRoutes } from '../admin/admin.routes.js';
import { openIdpDatabase } from '../store/database.js';
import { adminClient, TEST_ADMIN_TOKEN } from '../testing/admin-client.js';
import { frozenClock, logInWithPassword, totpAt } from '../testing/mfa.js';
import { authorizeUrl, browse, submitForm } from '../testing/oidc-driver.js';
import { startTestIdp } from '../testing/test-idp.js';

const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const seed = seedFileSchema.parse({
  idp: {
    accounts: [
      { email: 'seeded@example.com', password: 'seeded-password-1', givenName: 'Sid' },
      {
        email: 'mfa@example.com',
        password: 'seeded-password-2',
        totpSecret: SECRET,
        recoveryCode: 'AAAAA-BBBBB-CCCCC-DDDDD-EEEEE',
      },
    ],
    clients: [{ client_id: 'seeded-rp', redirect_uris: ['http://localhost:4000/cb'] }],
  },
}).idp;

describe('IdP seeding', () => {
  test('is idempotent across restarts: no duplicates, the seed password restored, secrets never in plaintext', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'idp-seed-'));
    const first = await startTestIdp({ dataDir, seed });
    assert.deepEqual(
      first.idp.seeded.accounts.map((a) => a.outcome),
      ['created', 'created'],
    );
    const sub = first.idp.subjectOf('SEEDED@example.com');
    await first.close();
    const second = await startTestIdp({ dataDir, seed });
    assert.deepEqual(
      second.idp.seeded.accounts.map((a) => [a.outcome, a.sub === sub || a.email !== 'seeded@example.com']),
      [
        ['unchanged', true],
        ['unchanged', true],
      ],
    );
    await second.close();
    const db = openIdpDatabase(dataDir);
    assert.equal(db.prepare('SELECT count(*) FROM accounts').pluck().get(), 3, 'demo + two seeded');
    assert.equal(db.prepare('SELECT count(*) FROM oidc_clients').pluck().get(), 1);
    db.prepare("UPDATE accounts SET given_name = 'Changed' WHERE email_normalized = 'seeded@example.com'").run();
    const dump =
      JSON.stringify(db.prepare('SELECT * FROM mfa_factors').all()) +
      JSON.stringify(db.prepare('SELECT * FROM oidc_clients').all());
    assert.equal(dump.includes(SECRET), false);
    assert.equal(dump.includes('AAAAA'), false);
    assert.equal(dump.includes('localhost:4000'), false, 'client metadata is sealed');
    db.close();
    const third = await startTestIdp({ dataDir, seed });
    assert.equal(third.idp.seeded.accounts[0]?.outcome, 'updated', 'names are set again');
    const stored = openIdpDatabase(dataDir);
    const hash = stored
      .prepare("SELECT password_hash FROM accounts WHERE email_normalized = 'seeded@example.com'")
      .pluck()
      .get();
    assert.equal(await verifyPassword('seeded-password-1', String(hash)), true);
    stored.close();
    await third.close();
  });

  test('a seeded TOTP secret is asked for at login', async () => {
    const t = await startTestIdp({ seed, clock: frozenClock() });
    try {
      const browser = t.browser();
      const challenge = await logInWithPassword(t, browser, {
        email: 'mfa@example.com',
        password: 'seeded-password-2',
      });
      assert.match(challenge.text, /Verify Your Identity/);
      const next = await browser.follow(
        await submitForm(browser, challenge, '/mfa/challenge', { code: await totpAt(t, SECRET) }),
      );
      assert.match(next.text, /Confirm Sending Data/);
    } finally {
      await t.close();
    }
  });

  test('a seed client that oidc-provider refuses stops the start before anything is written', async () => {
    const bad = seedFileSchema.parse({
      idp: {
        accounts: [{ email: 'never@example.com', password: 'never-password-1' }],
        clients: [{ client_id: 'bad', redirect_uris: ['https://rp.example/cb#x'] }],
      },
    }).idp;
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'idp-seed-bad-'));
    await assert.rejects(startTestIdp({ dataDir, seed: bad }), /idp\.clients\[0\]/);
    const db = openIdpDatabase(dataDir);
    assert.equal(
      db.prepare("SELECT count(*) FROM accounts WHERE email_normalized = 'never@example.com'").pluck().get(),
      0,
    );
    db.close();
  });

  test('a reset never leaves a seeded account missing: racing requests find it and its subject is kept', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'idp-reset-race-'));
    // Real scrypt cost, so the reset spends a noticeable time hashing while other requests arrive.
    const env = { IDP_ADMIN_TOKEN: TEST_ADMIN_TOKEN, SANDBOX_PASSWORD_HASH: 'secure' };
    const t = await startTestIdp({ dataDir, seed, env });
    // A second connection, as another process sharing the data folder would read it.
    const watcher = openIdpDatabase(dataDir);
    try {
      const call = adminClient(t);
      const sub = t.idp.subjectOf('seeded@example.com');
      const browser = t.browser();
      const loginPage = await browse(browser, await browser.get(authorizeUrl(t.issuer)));
      const seeded = watcher
        .prepare<[string, string, string], number>('SELECT count(*) FROM accounts WHERE email_normalized IN (?, ?, ?)')
        .pluck();
      const emails = [t.config.demo.email, 'seeded@example.com', 'mfa@example.com'] as const;
      // Checked at every turn of the event loop, so at every point where the reset awaits.
      const counts: number[] = [];
      let resetting = true;
      const watch = () => {
        if (!resetting) return;
        counts.push(seeded.get(...emails) ?? 0);
        setImmediate(watch);
      };
      watch();
      const reset = call<{ accounts: number }>('POST', adminRoutes.reset, {}).finally(() => {
        resetting = false;
      });
      await new Promise((resolve) => setTimeout(resolve, 20));
      const [resetAnswer, added, login] = await Promise.all([
        reset,
        call<{ error?: string }>('POST', adminRoutes.accounts, {
          email: 'seeded@example.com',
          password: 'racing-password-1',
        }),
        submitForm(browser, loginPage, '/login', { email: 'seeded@example.com', password: 'seeded-password-1' }),
      ]);
      assert.equal(resetAnswer.status, 200);
      assert.ok(counts.length > 1, 'the watcher ran while the reset was under way');
      assert.deepEqual(
        counts.filter((n) => n !== 3),
        [],
        'demo and seeded accounts exist at every await point of the reset',
      );
      assert.equal(added.status, 409, 'users add for a seeded email finds the account');
      assert.equal(added.body.error, 'account_exists');
      // The reset also ends sign-ins under way: the login lands (303), or, when its password check
      // ends after the reset's transaction, meets a "start again" answer; never a refused password.
      assert.ok(
        login.status === 303 || (login.status >= 400 && login.status < 500 && login.status !== 429),
        `the seeded login is not refused: ${login.status} ${login.text.slice(0, 300)}`,
      );
      assert.ok(!login.text.includes(idpMessages.invalid_credentials), 'the seeded password is never called wrong');
      assert.equal(t.idp.subjectOf('seeded@example.com'), sub, 'the seeded account keeps its subject');
      assert.equal(
        await verifyPassword(
          'seeded-password-1',
          String(
            watcher
              .prepare("SELECT password_hash FROM accounts WHERE email_normalized = 'seeded@example.com'")
              .pluck()
              .get(),
          ),
        ),
        true,
        "the seed's password, not the racing one",
      );
    } finally {
      watcher.close();
      await t.close();
    }
  });
});
