import assert from 'node:assert/strict';
import { test } from 'node:test';
import { silentLogger } from '@extauth/server-kit/logger';
import { startRowSweeper } from '@extauth/server-kit/sqlite';
import { openPanelDatabase } from './database.js';
import { panelExpiredRowTasks } from './expired-rows.js';

const NOW = Date.UTC(2026, 5, 1);
const MINUTE = 60_000;

test('the panel sweep deletes expired sessions and forgotten password failures, and keeps the rest', async () => {
  const db = openPanelDatabase(':memory:');
  const session = db.prepare(
    `INSERT INTO sessions (id_hash, security_token, username, data, created_at, last_seen_at, expires_at)
     VALUES (?, 'cpsess0000000000', NULL, 'sealed', 0, 0, ?)`,
  );
  session.run('expired', NOW - 1);
  session.run('expired-at-now', NOW);
  session.run('live', NOW + MINUTE);
  const failure = db.prepare("INSERT INTO login_failures (scope, key, failed_at) VALUES ('user', 'root', ?)");
  failure.run(NOW - 16 * MINUTE);
  failure.run(NOW - 14 * MINUTE);

  const sweeper = startRowSweeper({
    tasks: panelExpiredRowTasks(db, { clockMs: () => NOW, loginFailureWindowMs: 15 * MINUTE }),
    intervalMs: 60 * MINUTE,
    logger: silentLogger,
  });
  assert.deepEqual(await sweeper.sweepNow(), { sessions: 2, login_failures: 1 });
  assert.deepEqual(db.prepare('SELECT id_hash FROM sessions').pluck().all(), ['live']);
  assert.deepEqual(db.prepare('SELECT failed_at FROM login_failures').pluck().all(), [NOW - 14 * MINUTE]);
  await sweeper.stop();
  db.close();
});
