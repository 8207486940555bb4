import type { Db } from '@extauth/server-kit/sqlite';

export interface StoredSigningKey {
  kid: string;
  alg: string;
  /** The private JWK, sealed by the caller: the store never sees it in plaintext. */
  sealedPrivateJwk: string;
  createdAt: Date;
}

export interface SigningKeyStore {
  /** Oldest first: the first one signs, later ones (after rotation) only verify. */
  listSigningKeys(): StoredSigningKey[];
  /** Returns false when a key with the same kid exists already. */
  addSigningKey(key: StoredSigningKey): boolean;
}

interface SigningKeyRow {
  kid: string;
  alg: string;
  sealed_private_jwk: string;
  created_at: number;
}

export function createSqliteSigningKeyStore(db: Db): SigningKeyStore {
  const list = db.prepare<[], SigningKeyRow>(
    'SELECT kid, alg, sealed_private_jwk, created_at FROM signing_keys ORDER BY created_at, kid',
  );
  const insert = db.prepare(
    'INSERT INTO signing_keys (kid, alg, sealed_private_jwk, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (kid) DO NOTHING',
  );
  return {
    listSigningKeys: () =>
      list.all().map((row) => ({
        kid: row.kid,
        alg: row.alg,
        sealedPrivateJwk: row.sealed_private_jwk,
        createdAt: new Date(row.created_at),
      })),
    addSigningKey: (key) => insert.run(key.kid, key.alg, key.sealedPrivateJwk, key.createdAt.getTime()).changes === 1,
  };
}
