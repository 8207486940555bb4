import type { Migration } from '@extauth/server-kit/sqlite';

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
];
