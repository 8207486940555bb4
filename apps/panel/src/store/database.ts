import { type Db, type Migration, openDatabase } from '@extauth/server-kit/sqlite';

/**
 * The panel's schema. Released migrations are never edited or renumbered; add a new one instead.
 * Times are Unix milliseconds except `link_time`, which is seconds as in WHM's link records (§2.2).
 */
export const panelMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'users, sessions, external authentication links',
    up: `
      CREATE TABLE users (
        username TEXT PRIMARY KEY,
        password_hash TEXT NOT NULL,
        password_origin TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE TABLE sessions (
        id_hash TEXT PRIMARY KEY,
        security_token TEXT NOT NULL,
        username TEXT REFERENCES users(username) ON DELETE CASCADE,
        data TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        last_seen_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      );
      CREATE INDEX sessions_expires_at ON sessions(expires_at);
      CREATE TABLE authn_links (
        provider_protocol TEXT NOT NULL,
        provider_id TEXT NOT NULL,
        subject TEXT NOT NULL,
        username TEXT NOT NULL REFERENCES users(username) ON DELETE CASCADE,
        preferred_username TEXT NOT NULL,
        link_time INTEGER NOT NULL,
        PRIMARY KEY (provider_protocol, provider_id, subject, username)
      );
      CREATE INDEX authn_links_username ON authn_links(username);
    `,
  },
];

/** `file` is a path, or `':memory:'` for the in-memory mode. */
export function openPanelDatabase(file: string): Db {
  return openDatabase({ file, migrations: panelMigrations });
}
