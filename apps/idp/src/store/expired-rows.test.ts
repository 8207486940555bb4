import assert from 'node:assert/strict';
import { test } from 'node:test';
import { silentLogger } from '@extauth/server-kit/logger';
import { startRowSweeper } from '@extauth/server-kit/sqlite';
import { openIdpDatabase } from './database.js';
import { EXPIRED_EMAIL_CODE_KEPT_MS, idpExpiredRowTasks, RATE_LIMIT_WINDOW_KEPT_MS } from './expired-rows.js';

const NOW = Date.UTC(2026, 5, 1);
const MINUTE = 60_000;

test('the IdP sweep deletes every kind of expired row and keeps the live ones', async () => {
  const db = openIdpDatabase(undefined);
  const insert = (sql: string, ...rows: unknown[][]) => {
    const statement = db.prepare(sql);
    for (const row of rows) statement.run(...row);
  };
  insert(
    'INSERT INTO oidc_models (model, id_hash, payload, expires_at) VALUES (?, ?, ?, ?)',
    ['AccessToken', 'expired', 'x', NOW - 1],
    ['AccessToken', 'live', 'x', NOW + MINUTE],
    ['Client', 'no-expiry', 'x', null],
  );
  insert(
    `INSERT INTO email_codes (purpose, email_normalized, account_id, salt, code_hash, sent_at, expires_at)
     VALUES ('verify_email', ?, NULL, 's', 'h', 0, ?)`,
    ['long-gone@example.com', NOW - EXPIRED_EMAIL_CODE_KEPT_MS - 1],
    // Expired, but a late try should still be told so (see EXPIRED_EMAIL_CODE_KEPT_MS).
    ['just-expired@example.com', NOW - MINUTE],
    ['live@example.com', NOW + MINUTE],
  );
  insert(
    'INSERT INTO password_reset_tickets (token_hash, account_id, expires_at) VALUES (?, ?, ?)',
    ['expired', 'a', NOW],
    ['live', 'a', NOW + MINUTE],
  );
  insert(
    'INSERT INTO account_sessions (id_hash, account_id, created_at, expires_at) VALUES (?, ?, 0, ?)',
    ['expired', 'a', NOW - MINUTE],
    ['live', 'a', NOW + MINUTE],
  );
  insert(
    'INSERT INTO mfa_enrollment_links (token_hash, account_id, expires_at) VALUES (?, ?, ?)',
    ['expired', 'a', NOW - MINUTE],
    ['live', 'b', NOW + MINUTE],
  );
  insert(
    'INSERT INTO mfa_flows (id_hash, account_id, credential_version, expires_at) VALUES (?, ?, 1, ?)',
    ['expired', 'a', NOW - MINUTE],
    ['live', 'a', NOW + MINUTE],
  );
  insert(
    `INSERT INTO trusted_sites (id, account_id, client_id, hostname, credential_version, created_at, expires_at)
     VALUES (?, 'a', ?, 'h', 1, 0, ?)`,
    ['expired', 'c1', NOW - MINUTE],
    ['live', 'c2', NOW + MINUTE],
  );
  insert(
    'INSERT INTO rate_limits (bucket, key, window_started_at, failures) VALUES (?, ?, ?, 3)',
    ['login_ip', 'old', NOW - RATE_LIMIT_WINDOW_KEPT_MS - 1],
    ['login_ip', 'recent', NOW - MINUTE],
  );

  // Batches of 1: every table has more than one row to look at, so batching must go on to the end.
  const sweeper = startRowSweeper({
    tasks: idpExpiredRowTasks(db, { nowMs: () => NOW, clockMs: () => NOW, rateLimitWindowMs: 15 * MINUTE }),
    intervalMs: 60 * MINUTE,
    logger: silentLogger,
    batchSize: 1,
  });
  assert.deepEqual(await sweeper.sweepNow(), {
    oidc_models: 1,
    email_codes: 1,
    password_reset_tickets: 1,
    account_sessions: 1,
    mfa_enrollment_links: 1,
    mfa_flows: 1,
    trusted_sites: 1,
    rate_limits: 1,
  });
  const keys = (sql: string) => db.prepare(sql).pluck().all();
  assert.deepEqual(keys('SELECT id_hash FROM oidc_models ORDER BY id_hash'), ['live', 'no-expiry']);
  assert.deepEqual(keys('SELECT email_normalized FROM email_codes ORDER BY 1'), [
    'just-expired@example.com',
    'live@example.com',
  ]);
  for (const [table, key] of [
    ['password_reset_tickets', 'token_hash'],
    ['account_sessions', 'id_hash'],
    ['mfa_enrollment_links', 'token_hash'],
    ['mfa_flows', 'id_hash'],
    ['trusted_sites', 'id'],
  ] as const) {
    assert.deepEqual(keys(`SELECT ${key} FROM ${table}`), ['live'], table);
  }
  assert.deepEqual(keys('SELECT key FROM rate_limits'), ['recent']);
  assert.deepEqual(await sweeper.sweepNow(), {}, 'a second sweep finds nothing');
  await sweeper.stop();
  db.close();
});

test('rows of the sandbox clock are judged by the earlier clock: moving it ahead deletes nothing that comes back', async () => {
  const db = openIdpDatabase(undefined);
  const YEAR = 366 * 24 * 60 * MINUTE;
  db.prepare(
    `INSERT INTO trusted_sites (id, account_id, client_id, hostname, credential_version, created_at, expires_at)
     VALUES ('trust', 'a', 'c', 'h', 1, 0, ?)`,
  ).run(NOW + MINUTE);
  db.prepare('INSERT INTO oidc_models (model, id_hash, payload, expires_at) VALUES (?, ?, ?, ?)').run(
    'AccessToken',
    'expired-on-real-time',
    'x',
    NOW - 1,
  );
  const sweep = (clockMs: number, nowMs: number) =>
    startRowSweeper({
      tasks: idpExpiredRowTasks(db, { nowMs: () => nowMs, clockMs: () => clockMs, rateLimitWindowMs: MINUTE }),
      intervalMs: 60 * MINUTE,
      logger: silentLogger,
    });

  const ahead = sweep(NOW + YEAR, NOW);
  assert.deepEqual(await ahead.sweepNow(), { oidc_models: 1 }, 'real time still sweeps oidc-provider rows');
  await ahead.stop();
  assert.equal(db.prepare('SELECT COUNT(*) FROM trusted_sites').pluck().get(), 1, 'trust a moved clock ended is kept');

  const behind = sweep(NOW, NOW + YEAR);
  assert.deepEqual(await behind.sweepNow(), {}, 'a clock set back keeps what is live by it');
  await behind.stop();
  const later = sweep(NOW + 2 * MINUTE, NOW + 2 * MINUTE);
  assert.deepEqual(await later.sweepNow(), { trusted_sites: 1 }, 'once both clocks are past it, it goes');
  await later.stop();
  db.close();
});
