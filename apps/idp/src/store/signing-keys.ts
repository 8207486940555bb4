import type { Db } from '@extauth/server-kit/sqlite';

export interface StoredSigningKey {
  kid: string;
  alg: string;
  /** The private JWK, sealed by the caller: the store never sees it in plaintext. */
  sealedPrivateJwk: string;
  createdAt: Date;
  /** Set on keys rotated out: they stay in the JWKS (verify only) until then. */
  retireAfter?: Date | undefined;
}

export interface SigningKeyStore {
  /** The signing key first (the oldest key not rotated out), then rotated-out keys. */
  listSigningKeys(): StoredSigningKey[];
  /** Returns false when a key with the same kid exists already. */
  addSigningKey(key: StoredSigningKey): boolean;
  /** Rotation: every key but `kid` that is not rotated out yet leaves the JWKS after `retireAfter`. */
  retireSigningKeysExcept(kid: string, retireAfter: Date): number;
  /** Deletes rotated-out keys whose grace period has ended; returns their kids. */
  dropRetiredSigningKeys(now: Date): string[];
}

interface SigningKeyRow {
  kid: string;
  alg: string;
  sealed_private_jwk: string;
  created_at: number;
  retire_after: number | null;
}

export function createSqliteSigningKeyStore(db: Db): SigningKeyStore {
  // Rotation leaves one active key. Before any rotation, two processes racing on a fresh folder may
  // both insert one: the oldest active key signs, so both agree.
  const list = db.prepare<[], SigningKeyRow>(
    `SELECT kid, alg, sealed_private_jwk, created_at, retire_after FROM signing_keys
     ORDER BY retire_after IS NOT NULL, created_at, kid`,
  );
  const insert = db.prepare(
    'INSERT INTO signing_keys (kid, alg, sealed_private_jwk, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (kid) DO NOTHING',
  );
  const retire = db.prepare('UPDATE signing_keys SET retire_after = ? WHERE kid != ? AND retire_after IS NULL');
  const drop = db.prepare<[number], { kid: string }>(
    'DELETE FROM signing_keys WHERE retire_after IS NOT NULL AND retire_after <= ? RETURNING kid',
  );
  return {
    listSigningKeys: () =>
      list.all().map((row) => ({
        kid: row.kid,
        alg: row.alg,
        sealedPrivateJwk: row.sealed_private_jwk,
        createdAt: new Date(row.created_at),
        retireAfter: row.retire_after === null ? undefined : new Date(row.retire_after),
      })),
    addSigningKey: (key) => insert.run(key.kid, key.alg, key.sealedPrivateJwk, key.createdAt.getTime()).changes === 1,
    retireSigningKeysExcept: (kid, retireAfter) => retire.run(retireAfter.getTime(), kid).changes,
    dropRetiredSigningKeys: (now) => drop.all(now.getTime()).map((row) => row.kid),
  };
}
