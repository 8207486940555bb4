import type { Db, Migration } from '@extauth/server-kit/sqlite';
import { normalizeEmail } from './accounts.js';

/**
 * Migration 8: emails were matched on `trim().toLowerCase()`, so `user@bücher.example` and
 * `user@xn--bcher-kva.example` could be two accounts. Rows get the new form (punycode domain);
 * when two accounts now share it, the one already holding it (typed in punycode) keeps it, else
 * the oldest; the other keeps its old key, which no lookup produces any more: it is never merged
 * or deleted, an operator decides (the admin API lists and erases accounts). Codes and per-account
 * login counters follow; those that would collide are short-lived and keep their old key.
 */
function renormalizeEmails(db: Db): void {
  const accounts = db
    .prepare<[], { id: string; email: string; email_normalized: string }>(
      'SELECT id, email, email_normalized FROM accounts ORDER BY created_at, id',
    )
    .all();
  const moveAccount = db.prepare('UPDATE OR IGNORE accounts SET email_normalized = ? WHERE id = ?');
  for (const row of accounts) {
    const renormalized = normalizeEmail(row.email);
    if (renormalized !== row.email_normalized) moveAccount.run(renormalized, row.id);
  }
  const rekey = (table: string, column: string, where: string) => {
    const keys = db.prepare<[], { key: string }>(`SELECT DISTINCT ${column} AS key FROM ${table} WHERE ${where}`).all();
    const move = db.prepare(`UPDATE OR IGNORE ${table} SET ${column} = ? WHERE ${column} = ? AND ${where}`);
    for (const { key } of keys) {
      const renormalized = normalizeEmail(key);
      if (renormalized !== key) move.run(renormalized, key);
    }
  };
  rekey('email_codes', 'email_normalized', '1 = 1');
  rekey('rate_limits', 'key', "bucket = 'login_account'");
}

/**
 * The IdP's schema history. Never edit or renumber a released migration; add a new one.
 * Lookup columns of oidc_models hold SHA-256 hashes and `payload` is AES-256-GCM ciphertext, so no
 * token, code, session or grant id is stored in plaintext.
 */
export const idpMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'accounts',
    up: `CREATE TABLE accounts (
      id TEXT PRIMARY KEY,
      email TEXT NOT NULL,
      email_normalized TEXT NOT NULL UNIQUE,
      password_hash TEXT NOT NULL,
      given_name TEXT NOT NULL,
      family_name TEXT NOT NULL,
      email_verified INTEGER NOT NULL CHECK (email_verified IN (0, 1)),
      created_at INTEGER NOT NULL
    ) STRICT`,
  },
  {
    version: 2,
    name: 'oidc_models',
    up: `CREATE TABLE oidc_models (
      model TEXT NOT NULL,
      id_hash TEXT NOT NULL,
      payload TEXT NOT NULL,
      grant_id_hash TEXT,
      uid_hash TEXT,
      user_code_hash TEXT,
      expires_at INTEGER,
      consumed_at INTEGER,
      PRIMARY KEY (model, id_hash)
    ) STRICT;
    CREATE INDEX oidc_models_grant ON oidc_models (model, grant_id_hash) WHERE grant_id_hash IS NOT NULL;
    CREATE INDEX oidc_models_uid ON oidc_models (model, uid_hash) WHERE uid_hash IS NOT NULL;
    CREATE INDEX oidc_models_user_code ON oidc_models (model, user_code_hash) WHERE user_code_hash IS NOT NULL;
    CREATE INDEX oidc_models_expiry ON oidc_models (expires_at) WHERE expires_at IS NOT NULL;`,
  },
  {
    version: 3,
    name: 'signing_keys',
    up: `CREATE TABLE signing_keys (
      kid TEXT PRIMARY KEY,
      alg TEXT NOT NULL,
      sealed_private_jwk TEXT NOT NULL,
      created_at INTEGER NOT NULL
    ) STRICT`,
  },
  {
    version: 4,
    name: 'self_service_accounts',
    // Codes, reset tickets and account-session ids are stored as hashes only. `credential_version`
    // rises with every password change or reset: trust cookies (issue 4) are bound to it, so raising
    // it revokes all trust. `account_id_hash` lets a reset revoke the account's OIDC sessions, grants
    // and tokens; rows written before this migration have none and simply expire.
    up: `ALTER TABLE accounts ADD COLUMN terms_accepted_at INTEGER;
    ALTER TABLE accounts ADD COLUMN terms_version TEXT;
    ALTER TABLE accounts ADD COLUMN newsletter INTEGER NOT NULL DEFAULT 0 CHECK (newsletter IN (0, 1));
    ALTER TABLE accounts ADD COLUMN credential_version INTEGER NOT NULL DEFAULT 1;
    ALTER TABLE oidc_models ADD COLUMN account_id_hash TEXT;
    CREATE INDEX oidc_models_account ON oidc_models (account_id_hash) WHERE account_id_hash IS NOT NULL;
    CREATE TABLE email_codes (
      purpose TEXT NOT NULL,
      email_normalized TEXT NOT NULL,
      account_id TEXT,
      salt TEXT NOT NULL,
      code_hash TEXT NOT NULL,
      failed_attempts INTEGER NOT NULL DEFAULT 0,
      sent_at INTEGER NOT NULL,
      expires_at INTEGER NOT NULL,
      PRIMARY KEY (purpose, email_normalized)
    ) STRICT;
    CREATE TABLE password_reset_tickets (
      token_hash TEXT PRIMARY KEY,
      account_id TEXT NOT NULL,
      expires_at INTEGER NOT NULL
    ) STRICT;
    CREATE TABLE account_sessions (
      id_hash TEXT PRIMARY KEY,
      account_id TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      expires_at INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX account_sessions_account ON account_sessions (account_id);
    CREATE TABLE rate_limits (
      bucket TEXT NOT NULL,
      key TEXT NOT NULL,
      window_started_at INTEGER NOT NULL,
      failures INTEGER NOT NULL,
      PRIMARY KEY (bucket, key)
    ) STRICT;`,
  },
  {
    version: 5,
    name: 'mfa_and_trust',
    // TOTP secrets are AES-256-GCM ciphertext (associated data: the account id); recovery codes and
    // enrollment-link tokens are SHA-256 hashes. `last_step` is the last TOTP time step accepted
    // (a step is accepted once: UPDATE … WHERE last_step < ?). `status`: pending (secret shown,
    // not confirmed) → confirmed (code right, recovery code not yet acknowledged) → active.
    // trusted_sites holds ids only: the signed cookie carries the same ids, so either alone is useless.
    up: `CREATE TABLE mfa_factors (
      account_id TEXT PRIMARY KEY,
      status TEXT NOT NULL CHECK (status IN ('pending', 'confirmed', 'active')),
      sealed_secret TEXT NOT NULL,
      last_step INTEGER NOT NULL DEFAULT -1,
      recovery_code_hash TEXT,
      failures INTEGER NOT NULL DEFAULT 0,
      locked_until INTEGER NOT NULL DEFAULT 0,
      updated_at INTEGER NOT NULL
    ) STRICT;
    CREATE TABLE mfa_enrollment_links (
      token_hash TEXT PRIMARY KEY,
      account_id TEXT NOT NULL,
      expires_at INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX mfa_enrollment_links_account ON mfa_enrollment_links (account_id);
    CREATE TABLE trusted_sites (
      id TEXT PRIMARY KEY,
      account_id TEXT NOT NULL,
      client_id TEXT NOT NULL,
      hostname TEXT NOT NULL,
      credential_version INTEGER NOT NULL,
      created_at INTEGER NOT NULL,
      expires_at INTEGER NOT NULL,
      UNIQUE (account_id, client_id, hostname)
    ) STRICT;`,
  },
  {
    version: 6,
    name: 'oidc_clients_and_key_rotation',
    // Clients from a seed file or the admin API (the panel's stays in the provider's static list).
    // The metadata, secret included, is AES-256-GCM ciphertext: oidc-provider needs the secret
    // itself to check client_secret_basic/post. `retire_after`: NULL for the signing key, the
    // epoch milliseconds after which a rotated-out key leaves the JWKS otherwise.
    up: `CREATE TABLE oidc_clients (
      client_id TEXT PRIMARY KEY,
      sealed_metadata TEXT NOT NULL,
      source TEXT NOT NULL CHECK (source IN ('seed', 'admin')),
      created_at INTEGER NOT NULL
    ) STRICT;
    ALTER TABLE signing_keys ADD COLUMN retire_after INTEGER;`,
  },
  {
    version: 7,
    name: 'mfa_flows',
    // The server side of the sealed `idp_mfa_flow` cookie: one row per MFA step, keyed by the hash
    // of the random id the cookie carries, deleted when the step finishes or moves on, so a copied
    // cookie is good for one use only. `credential_version` is the account's at the start: a
    // password change or reset, or an MFA change, raises the account's and so ends the step.
    up: `CREATE TABLE mfa_flows (
      id_hash TEXT PRIMARY KEY,
      account_id TEXT NOT NULL,
      credential_version INTEGER NOT NULL,
      expires_at INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX mfa_flows_account ON mfa_flows (account_id);`,
  },
  {
    version: 8,
    name: 'email_idn_domains',
    up: renormalizeEmails,
  },
];
