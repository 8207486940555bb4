import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Logger } from './logger.js';

export type Db = Database.Database;

/**
 * WAL with `synchronous = NORMAL` (docs/decisions/014-durability.md): a commit has been written to
 * the WAL file before the statement returns, so before any response is sent, and the operating
 * system keeps it when the process dies (kill -9, OOM, container kill). Only a power loss or kernel
 * crash may roll back the last commits; the database stays consistent either way. FULL would add an
 * fsync to every commit (about 10× the cost of a commit here) to cover that case too.
 */
export const SQLITE_JOURNAL_MODE = 'WAL';
export const SQLITE_SYNCHRONOUS = 'NORMAL';

export interface Migration {
  /** Strictly increasing, starting at 1; never renumber a released migration. */
  version: number;
  name: string;
  up: string | ((db: Db) => void);
}

export interface OpenDatabaseOptions {
  /** File path, or `':memory:'` for the in-memory mode used by tests. */
  file: string;
  migrations: readonly Migration[];
}

/**
 * Opens a SQLite database in WAL mode (durability: see SQLITE_SYNCHRONOUS) and applies pending
 * migrations in one transaction each.
 */
export function openDatabase(options: OpenDatabaseOptions): Db {
  if (options.file !== ':memory:') {
    // The app's own folder: owner-only, like the secrets beside the database.
    const dir = path.dirname(options.file);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    fs.chmodSync(dir, 0o700);
  }
  const db = new Database(options.file);
  db.pragma(`journal_mode = ${SQLITE_JOURNAL_MODE}`);
  db.pragma(`synchronous = ${SQLITE_SYNCHRONOUS}`);
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  applyMigrations(db, options.migrations);
  return db;
}

export function applyMigrations(db: Db, migrations: readonly Migration[]): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at INTEGER NOT NULL
  )`);
  const applied = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version),
  );
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  for (const migration of sorted) {
    if (applied.has(migration.version)) continue;
    db.transaction(() => {
      if (typeof migration.up === 'string') db.exec(migration.up);
      else migration.up(db);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        migration.version,
        migration.name,
        Date.now(),
      );
    })();
  }
}

/** One kind of expired row: deletes at most `limit` of them now and says how many it deleted. */
export interface SweepTask {
  name: string;
  sweepBatch(limit: number): number;
}

/**
 * A sweep task over one rowid table: `expired` is an SQL condition on its columns with one named
 * parameter, `@now`, bound to `now()` (epoch milliseconds) at each batch.
 */
export function expiredRowsTask(
  db: Db,
  rule: { name: string; table: string; expired: string; now: () => number },
): SweepTask {
  const remove = db.prepare<{ now: number; limit: number }>(
    `DELETE FROM ${rule.table} WHERE rowid IN (SELECT rowid FROM ${rule.table} WHERE ${rule.expired} LIMIT @limit)`,
  );
  return { name: rule.name, sweepBatch: (limit) => remove.run({ now: rule.now(), limit }).changes };
}

export interface RowSweeper {
  /** Runs every task to the end now (tests, and the timer); resolves with the rows deleted per task. */
  sweepNow(): Promise<Record<string, number>>;
  /** Stops the timer and waits for a sweep under way, so the database can be closed after it. */
  stop(): Promise<void>;
}

/** Rows per DELETE: small enough that a request waiting behind one batch waits a few milliseconds. */
export const SWEEP_BATCH_ROWS = 500;

/**
 * Deletes expired rows every `intervalMs` on an unref'd timer (it never keeps the process alive),
 * in batches of `batchSize` with a turn of the event loop between batches, so requests are served
 * while a large backlog goes. Counts are logged at debug; a failing task is logged and the others
 * still run.
 */
export function startRowSweeper(options: {
  tasks: readonly SweepTask[];
  intervalMs: number;
  logger: Logger;
  batchSize?: number;
}): RowSweeper {
  const batchSize = options.batchSize ?? SWEEP_BATCH_ROWS;
  let stopped = false;
  let running: Promise<Record<string, number>> | undefined;

  const runAll = async () => {
    const deleted: Record<string, number> = {};
    for (const task of options.tasks) {
      let total = 0;
      try {
        for (;;) {
          if (stopped) break;
          const n = task.sweepBatch(batchSize);
          total += n;
          if (n < batchSize) break;
          await new Promise((resolve) => setImmediate(resolve));
        }
      } catch (err) {
        options.logger.error('expired-row sweep failed', { task: task.name, err });
      }
      if (total > 0) deleted[task.name] = total;
    }
    if (Object.keys(deleted).length > 0) options.logger.debug?.('expired rows swept', { deleted });
    return deleted;
  };
  const sweepNow = () => {
    // One sweep at a time: a tick that finds one under way shares it.
    running ??= runAll().finally(() => {
      running = undefined;
    });
    return running;
  };
  const timer = setInterval(() => void sweepNow(), options.intervalMs);
  timer.unref();
  return {
    sweepNow,
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}

/**
 * `PRAGMA integrity_check` on a database file opened read-only (its WAL is read, never
 * checkpointed): `['ok']` when the file is sound, else SQLite's list of problems.
 */
export function checkIntegrity(file: string): string[] {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db.prepare('PRAGMA integrity_check').pluck().all() as string[];
  } finally {
    db.close();
  }
}
