import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { Logger } from './logger.js';
import { checkIntegrity, expiredRowsTask, openDatabase, startRowSweeper } from './sqlite.js';

const migrations = [
  { version: 1, name: 'items', up: 'CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL)' },
  { version: 2, name: 'items.note', up: 'ALTER TABLE items ADD COLUMN note TEXT' },
];

test('applies migrations once, in order, and keeps data across reopen in WAL mode', () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sqlite-test-')), 'x.sqlite');
  const db = openDatabase({ file, migrations: migrations.slice(0, 1) });
  db.prepare('INSERT INTO items (name) VALUES (?)').run('kept');
  assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  assert.equal(
    db.pragma('synchronous', { simple: true }),
    1,
    'synchronous = NORMAL (docs/decisions/014-durability.md)',
  );
  assert.equal(fs.statSync(path.dirname(file)).mode & 0o777, 0o700, 'the folder is owner-only');
  db.close();
  const again = openDatabase({ file, migrations });
  assert.deepEqual(again.prepare('SELECT name, note FROM items').all(), [{ name: 'kept', note: null }]);
  const versions = again.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all();
  assert.deepEqual(versions, [1, 2]);
  again.close();
});

test('a failing migration leaves the schema at the last good version', () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sqlite-test-')), 'x.sqlite');
  openDatabase({ file, migrations: migrations.slice(0, 1) }).close();
  assert.throws(() => openDatabase({ file, migrations: [...migrations, { version: 3, name: 'bad', up: 'NOT SQL' }] }));
  const db = openDatabase({ file, migrations: [] });
  const versions = db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all();
  assert.deepEqual(versions, [1, 2], 'migration 2 applied, 3 rolled back');
  db.close();
});

function recordingLogger() {
  const lines: { level: string; message: string; fields: Record<string, unknown> | undefined }[] = [];
  const at = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    lines.push({ level, message, fields });
  };
  const logger: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  return { logger, lines };
}

test('the row sweeper deletes expired rows in batches, keeps live ones, and logs the counts at debug', async () => {
  const db = openDatabase({
    file: ':memory:',
    migrations: [{ version: 1, name: 't', up: 'CREATE TABLE t (id INTEGER PRIMARY KEY, expires_at INTEGER NOT NULL)' }],
  });
  const insert = db.prepare('INSERT INTO t (expires_at) VALUES (?)');
  for (let i = 0; i < 7; i += 1) insert.run(100);
  for (let i = 0; i < 3; i += 1) insert.run(300);
  const batches: number[] = [];
  const task = expiredRowsTask(db, { name: 't', table: 't', expired: 'expires_at <= @now', now: () => 200 });
  const counted = {
    name: task.name,
    sweepBatch: (limit: number) => {
      const n = task.sweepBatch(limit);
      batches.push(n);
      return n;
    },
  };
  const failing = {
    name: 'broken',
    sweepBatch: () => {
      throw new Error('no such table');
    },
  };
  const { logger, lines } = recordingLogger();
  const sweeper = startRowSweeper({ tasks: [failing, counted], intervalMs: 3_600_000, logger, batchSize: 3 });
  assert.deepEqual(await sweeper.sweepNow(), { t: 7 }, 'a failing task does not stop the others');
  assert.deepEqual(batches, [3, 3, 1]);
  assert.deepEqual(db.prepare('SELECT expires_at FROM t').pluck().all(), [300, 300, 300]);
  assert.deepEqual(
    lines.map((l) => [l.level, l.message]),
    [
      ['error', 'expired-row sweep failed'],
      ['debug', 'expired rows swept'],
    ],
  );
  assert.deepEqual(lines[1]?.fields, { deleted: { t: 7 } });
  await sweeper.stop();
  db.close();
});

test('a stopped row sweeper finishes the batch under way and runs no more', async () => {
  const db = openDatabase({
    file: ':memory:',
    migrations: [{ version: 1, name: 't', up: 'CREATE TABLE t (id INTEGER PRIMARY KEY, expires_at INTEGER NOT NULL)' }],
  });
  const insert = db.prepare('INSERT INTO t (expires_at) VALUES (?)');
  for (let i = 0; i < 10; i += 1) insert.run(1);
  const task = expiredRowsTask(db, { name: 't', table: 't', expired: 'expires_at <= @now', now: () => 2 });
  const sweeper = startRowSweeper({
    tasks: [task],
    intervalMs: 3_600_000,
    logger: recordingLogger().logger,
    batchSize: 2,
  });
  const sweeping = sweeper.sweepNow();
  // The first batch ran synchronously; stop() waits for the sweep, which then ends between batches.
  await sweeper.stop();
  assert.deepEqual(await sweeping, { t: 2 });
  assert.equal(db.prepare('SELECT COUNT(*) FROM t').pluck().get(), 8);
  db.close();
});

test('checkIntegrity reads a WAL database left by a process that never closed it', () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sqlite-test-')), 'x.sqlite');
  const db = openDatabase({ file, migrations });
  db.prepare('INSERT INTO items (name) VALUES (?)').run('in the WAL only');
  assert.ok(fs.statSync(`${file}-wal`).size > 0, 'the row is in the WAL, not yet checkpointed');
  assert.deepEqual(checkIntegrity(file), ['ok']);
  db.close();
  fs.writeFileSync(file, Buffer.alloc(8192, 0x41));
  assert.throws(() => checkIntegrity(file), /not a database|malformed/);
});
