import type { Db } from '@extauth/server-kit/sqlite';

/** What survives a reset: the schema history and the signing keys (issued tokens stay verifiable). */
const KEPT_TABLES = new Set(['schema_migrations', 'signing_keys']);

/**
 * Deletes every account, client, code, session, grant, token and rate-limit row in one
 * transaction: the state of a new data folder, before the seed is applied again.
 */
export function eraseAllState(db: Db): void {
  const tables = db
    .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    .all()
    .map((row) => row.name)
    .filter((name) => !KEPT_TABLES.has(name));
  db.transaction(() => {
    for (const table of tables) db.prepare(`DELETE FROM "${table}"`).run();
  })();
}
