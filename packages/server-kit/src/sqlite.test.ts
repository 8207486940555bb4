import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { openDatabase } from './sqlite.js';

const migrations = [
  { version: 1, name: 'items', up: 'CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL)' },
  { version: 2, name: 'items.note', up: 'ALTER TABLE items ADD COLUMN note TEXT' },
];

test('applies migrations once, in order, and keeps data across reopen in WAL mode', () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sqlite-test-')), 'x.sqlite');
  const db = openDatabase({ file, migrations: migrations.slice(0, 1) });
  db.prepare('INSERT INTO items (name) VALUES (?)').run('kept');
  assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
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
