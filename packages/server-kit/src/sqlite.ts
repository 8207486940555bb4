import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

export type Db = Database.Database;

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
 * Opens a SQLite database in WAL mode and applies pending migrations in one transaction each.
 * `synchronous = NORMAL` in WAL mode keeps the database consistent after a crash; a power loss may
 * drop the last transactions (documented in docs/decisions/001-storage.md).
 */
export function openDatabase(options: OpenDatabaseOptions): Db {
  if (options.file !== ':memory:') {
    // The app's own folder: owner-only, like the secrets beside the database.
    const dir = path.dirname(options.file);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    fs.chmodSync(dir, 0o700);
  }
  const db = new Database(options.file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
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
