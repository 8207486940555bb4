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
  {
    version: 2,
    name: 'profile seed, provider lifecycle, display configurations, API tokens, panel accounts',
    up: `
      CREATE TABLE profile_seed (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        profile TEXT NOT NULL,
        seeded_at INTEGER NOT NULL
      );
      CREATE TABLE authn_client_configs (
        provider_id TEXT PRIMARY KEY,
        source TEXT NOT NULL CHECK (source IN ('licence', 'admin')),
        client_id TEXT,
        client_secret_sealed TEXT,
        updated_at INTEGER NOT NULL
      );
      CREATE TABLE authn_enabled_services (
        provider_id TEXT NOT NULL,
        service TEXT NOT NULL,
        enabled_at INTEGER NOT NULL,
        PRIMARY KEY (provider_id, service)
      );
      CREATE TABLE authn_display_configs (
        provider_id TEXT NOT NULL,
        service TEXT NOT NULL,
        overrides TEXT NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (provider_id, service)
      );
      CREATE TABLE api_tokens (
        username TEXT NOT NULL REFERENCES users(username) ON DELETE CASCADE,
        name TEXT NOT NULL,
        token_hash TEXT NOT NULL UNIQUE,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (username, name)
      );
      ALTER TABLE users ADD COLUMN domain TEXT;
      ALTER TABLE users ADD COLUMN contact_email TEXT;
      ALTER TABLE users ADD COLUMN reseller INTEGER NOT NULL DEFAULT 0;
      CREATE UNIQUE INDEX users_domain ON users(domain) WHERE domain IS NOT NULL;
    `,
  },
  {
    version: 3,
    name: 'two-factor authentication: security policies, sealed user secrets, used steps, failures, issuers',
    up: `
      CREATE TABLE security_policies (
        name TEXT PRIMARY KEY,
        enabled INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE TABLE tfa_user_configs (
        username TEXT PRIMARY KEY REFERENCES users(username) ON DELETE CASCADE,
        secret_sealed TEXT NOT NULL,
        last_used_step INTEGER NOT NULL,
        configured_at INTEGER NOT NULL
      );
      CREATE TABLE tfa_login_failures (
        username TEXT PRIMARY KEY REFERENCES users(username) ON DELETE CASCADE,
        failures INTEGER NOT NULL,
        locked_until INTEGER NOT NULL
      );
      CREATE TABLE tfa_issuers (
        scope TEXT PRIMARY KEY,
        issuer TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 4,
    name: 'failed password attempts (the cPHulk-like login limit)',
    up: `
      CREATE TABLE login_failures (
        scope TEXT NOT NULL CHECK (scope IN ('user', 'ip')),
        key TEXT NOT NULL,
        failed_at INTEGER NOT NULL
      );
      CREATE INDEX login_failures_key ON login_failures(scope, key, failed_at);
      CREATE INDEX login_failures_failed_at ON login_failures(failed_at);
    `,
  },
  {
    version: 5,
    name: 'wrong 2FA security codes per client address (login_failures scope tfa_ip)',
    // SQLite cannot change a CHECK constraint in place: the table is copied into a new one.
    up: `
      CREATE TABLE login_failures_v5 (
        scope TEXT NOT NULL CHECK (scope IN ('user', 'ip', 'tfa_ip')),
        key TEXT NOT NULL,
        failed_at INTEGER NOT NULL
      );
      INSERT INTO login_failures_v5 (scope, key, failed_at) SELECT scope, key, failed_at FROM login_failures;
      DROP TABLE login_failures;
      ALTER TABLE login_failures_v5 RENAME TO login_failures;
      CREATE INDEX login_failures_key ON login_failures(scope, key, failed_at);
      CREATE INDEX login_failures_failed_at ON login_failures(failed_at);
    `,
  },
];

/** `file` is a path, or `':memory:'` for the in-memory mode. */
export function openPanelDatabase(file: string): Db {
  return openDatabase({ file, migrations: panelMigrations });
}
