import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FAST_TEST_SCRYPT, verifyPassword } from '@extauth/server-kit/passwords';
import { applyMigrations, openDatabase } from '@extauth/server-kit/sqlite';
import { createSqliteAccountsStore, type NewAccount, normalizeEmail } from './accounts.js';
import { openIdpDatabase } from './database.js';
import { idpMigrations } from './migrations.js';
import { seedDemoAccount } from './seed.js';

const created = new Date('2026-01-02T03:04:05Z');
const ana = (overrides: Partial<NewAccount> = {}): NewAccount => ({
  id: 'acc_ana',
  email: 'Ana.Lopez+Test@Example.com',
  emailVerified: false,
  givenName: 'Ana',
  familyName: 'López',
  passwordHash: 'scrypt$x',
  createdAt: created,
  ...overrides,
});

describe('accounts store', () => {
  test('keeps the email as entered and finds it case-insensitively, trimmed', () => {
    const accounts = createSqliteAccountsStore(openIdpDatabase(undefined));
    const result = accounts.createAccount(ana({ email: '  Ana.Lopez+Test@Example.com ' }));
    assert.equal(result.ok, true);
    const found = accounts.findAccountByEmail(' ana.lopez+test@EXAMPLE.COM');
    assert.equal(found?.email, 'Ana.Lopez+Test@Example.com');
    assert.deepEqual(accounts.findAccountById('acc_ana'), found);
    assert.equal(found?.familyName, 'López');
    assert.equal(found?.emailVerified, false);
    assert.equal(found?.createdAt.getTime(), created.getTime());
    assert.equal(accounts.findAccountByEmail('ana.lopez@example.com'), undefined);
    assert.equal(accounts.findAccountById('acc_other'), undefined);
  });

  test('refuses a second account with the same email in another case', () => {
    const accounts = createSqliteAccountsStore(openIdpDatabase(undefined));
    accounts.createAccount(ana());
    assert.deepEqual(accounts.createAccount(ana({ id: 'acc_2', email: 'ANA.LOPEZ+TEST@example.com' })), {
      ok: false,
      error: 'EMAIL_TAKEN',
    });
    assert.equal(accounts.findAccountById('acc_2'), undefined);
  });

  test('seeds the demo account once, verified, with an opaque id and a scrypt hash', async () => {
    const accounts = createSqliteAccountsStore(openIdpDatabase(undefined));
    const deps = { accounts, passwordHashing: FAST_TEST_SCRYPT, now: () => created };
    const seed = {
      email: 'demo@example.com',
      password: 'sandbox-demo-password',
      givenName: 'Demo',
      familyName: 'User',
    };
    assert.equal(await seedDemoAccount(deps, seed), 'created');
    assert.equal(await seedDemoAccount(deps, { ...seed, password: 'another-password-1' }), 'exists');
    const demo = accounts.findAccountByEmail('demo@example.com');
    assert.ok(demo);
    assert.equal(demo.emailVerified, true);
    assert.equal(`${demo.givenName} ${demo.familyName}`, 'Demo User');
    assert.match(demo.id, /^[A-Za-z0-9_-]{22}$/);
    const { N, r, p } = FAST_TEST_SCRYPT;
    assert.match(
      demo.passwordHash,
      new RegExp(`^scrypt\\$${N}\\$${r}\\$${p}\\$`),
      'the parameters are stored with the hash',
    );
    assert.equal(await verifyPassword('sandbox-demo-password', demo.passwordHash), true, 'the first password stays');
  });

  test('an internationalised domain typed in Unicode or in punycode is one mailbox, in either order', () => {
    const forms = ['Jürgen@BÜCHER.example', 'jürgen@xn--bcher-kva.EXAMPLE'] as const;
    for (const [first, second] of [forms, [forms[1], forms[0]]] as const) {
      const accounts = createSqliteAccountsStore(openIdpDatabase(undefined));
      assert.equal(accounts.createAccount(ana({ email: first })).ok, true);
      assert.deepEqual(accounts.createAccount(ana({ id: 'acc_2', email: second })), {
        ok: false,
        error: 'EMAIL_TAKEN',
      });
      assert.equal(accounts.findAccountByEmail(second)?.email, first, 'found by the other form, kept as typed');
    }
    assert.equal(normalizeEmail(' Jürgen@BÜCHER.example '), 'jürgen@xn--bcher-kva.example');
    assert.equal(normalizeEmail('not-an-address'), 'not-an-address');
  });

  test('migration 8 re-normalises rows written before it; of two that now collide, the holder of the key keeps it', () => {
    const db = openDatabase({ file: ':memory:', migrations: idpMigrations.filter((m) => m.version < 8) });
    const insert = db.prepare(
      `INSERT INTO accounts (id, email, email_normalized, password_hash, given_name, family_name, email_verified, created_at)
       VALUES (?, ?, ?, 'x', 'A', 'B', 1, ?)`,
    );
    insert.run('old', 'ana@Bücher.example', 'ana@bücher.example', 1);
    insert.run('dup', 'ana@xn--bcher-kva.example', 'ana@xn--bcher-kva.example', 2);
    insert.run('idn', 'bo@bücher.example', 'bo@bücher.example', 3);
    db.prepare(
      `INSERT INTO email_codes (purpose, email_normalized, salt, code_hash, sent_at, expires_at)
       VALUES ('verify_email', 'bo@bücher.example', 's', 'h', 0, 1)`,
    ).run();
    applyMigrations(db, idpMigrations);
    const accounts = createSqliteAccountsStore(db);
    assert.equal(accounts.findAccountByEmail('bo@xn--bcher-kva.example')?.id, 'idn');
    assert.equal(accounts.findAccountByEmail('ana@bücher.example')?.id, 'dup');
    assert.equal(accounts.findAccountById('old')?.email, 'ana@Bücher.example', 'never deleted or merged');
    const codes = db.prepare('SELECT email_normalized FROM email_codes').all();
    assert.deepEqual(codes, [{ email_normalized: 'bo@xn--bcher-kva.example' }]);
  });
});
