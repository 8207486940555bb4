import type { Db } from '@extauth/server-kit/sqlite';

/**
 * One oidc-provider artefact (session, interaction, code, token, grant…) as stored: every lookup
 * key is a hash and the payload is ciphertext; the oidc adapter decides how both are made.
 */
export interface OidcModelRow {
  model: string;
  idHash: string;
  sealedPayload: string;
  grantIdHash: string | undefined;
  uidHash: string | undefined;
  userCodeHash: string | undefined;
  /** Set on the rows that belong to an account (Session, Grant, tokens, codes). */
  accountIdHash?: string | undefined;
  /** Epoch milliseconds; undefined = no expiry. */
  expiresAt: number | undefined;
}

export interface FoundOidcModel {
  sealedPayload: string;
  /** Epoch milliseconds of the first consumption, if any. */
  consumedAt: number | undefined;
}

export interface OidcModelStore {
  saveOidcModel(row: OidcModelRow): void;
  /** Only rows that have not expired at `nowMs`. */
  findOidcModel(model: string, idHash: string, nowMs: number): FoundOidcModel | undefined;
  findOidcModelByUid(model: string, uidHash: string, nowMs: number): (FoundOidcModel & { idHash: string }) | undefined;
  findOidcModelByUserCode(
    model: string,
    userCodeHash: string,
    nowMs: number,
  ): (FoundOidcModel & { idHash: string }) | undefined;
  /** Marks the row consumed once; returns false when it was consumed already or is missing. */
  consumeOidcModel(model: string, idHash: string, nowMs: number): boolean;
  deleteOidcModel(model: string, idHash: string): void;
  deleteOidcModelsByGrant(model: string, grantIdHash: string): number;
  /** Deletes a grant and every code and token issued under it, of every model; returns the row count. */
  revokeOidcGrant(grantIdHash: string): number;
  /** Ends every OIDC session and revokes every grant and token of one account; returns the row count. */
  revokeOidcArtefactsOfAccount(accountIdHash: string): number;
}

interface FoundRow {
  id_hash: string;
  payload: string;
  consumed_at: number | null;
}

const toFound = (row: FoundRow) => ({
  idHash: row.id_hash,
  sealedPayload: row.payload,
  consumedAt: row.consumed_at ?? undefined,
});

export function createSqliteOidcModelStore(db: Db): OidcModelStore {
  const live = '(expires_at IS NULL OR expires_at > @now)';
  const upsert = db.prepare(
    `INSERT INTO oidc_models (model, id_hash, payload, grant_id_hash, uid_hash, user_code_hash, account_id_hash,
       expires_at, consumed_at)
     VALUES (@model, @idHash, @payload, @grantIdHash, @uidHash, @userCodeHash, @accountIdHash, @expiresAt, NULL)
     ON CONFLICT (model, id_hash) DO UPDATE SET payload = excluded.payload, grant_id_hash = excluded.grant_id_hash,
       uid_hash = excluded.uid_hash, user_code_hash = excluded.user_code_hash,
       account_id_hash = excluded.account_id_hash, expires_at = excluded.expires_at`,
  );
  const byId = db.prepare<{ model: string; key: string; now: number }, FoundRow>(
    `SELECT id_hash, payload, consumed_at FROM oidc_models WHERE model = @model AND id_hash = @key AND ${live}`,
  );
  const byUid = db.prepare<{ model: string; key: string; now: number }, FoundRow>(
    `SELECT id_hash, payload, consumed_at FROM oidc_models WHERE model = @model AND uid_hash = @key AND ${live}`,
  );
  const byUserCode = db.prepare<{ model: string; key: string; now: number }, FoundRow>(
    `SELECT id_hash, payload, consumed_at FROM oidc_models WHERE model = @model AND user_code_hash = @key AND ${live}`,
  );
  const consume = db.prepare(
    `UPDATE oidc_models SET consumed_at = @now
     WHERE model = @model AND id_hash = @key AND consumed_at IS NULL AND ${live}`,
  );
  const destroy = db.prepare('DELETE FROM oidc_models WHERE model = ? AND id_hash = ?');
  const destroyByGrant = db.prepare('DELETE FROM oidc_models WHERE model = ? AND grant_id_hash = ?');
  const destroyOfAccount = db.prepare('DELETE FROM oidc_models WHERE account_id_hash = ?');
  // A Grant row's own id is the grant id, so its id_hash is the grant id hash of its tokens.
  const destroyGrant = db.prepare<{ grant: string }>(
    `DELETE FROM oidc_models WHERE grant_id_hash = @grant OR (model = 'Grant' AND id_hash = @grant)`,
  );

  return {
    saveOidcModel: (row) => {
      upsert.run({
        model: row.model,
        idHash: row.idHash,
        payload: row.sealedPayload,
        grantIdHash: row.grantIdHash ?? null,
        uidHash: row.uidHash ?? null,
        userCodeHash: row.userCodeHash ?? null,
        accountIdHash: row.accountIdHash ?? null,
        expiresAt: row.expiresAt ?? null,
      });
    },
    findOidcModel: (model, idHash, now) => {
      const row = byId.get({ model, key: idHash, now });
      if (!row) return undefined;
      const { sealedPayload, consumedAt } = toFound(row);
      return { sealedPayload, consumedAt };
    },
    findOidcModelByUid: (model, uidHash, now) => {
      const row = byUid.get({ model, key: uidHash, now });
      return row ? toFound(row) : undefined;
    },
    findOidcModelByUserCode: (model, userCodeHash, now) => {
      const row = byUserCode.get({ model, key: userCodeHash, now });
      return row ? toFound(row) : undefined;
    },
    // A single conditional UPDATE: SQLite serialises writers, so two concurrent consumers cannot both win.
    consumeOidcModel: (model, idHash, now) => consume.run({ model, key: idHash, now }).changes === 1,
    deleteOidcModel: (model, idHash) => {
      destroy.run(model, idHash);
    },
    deleteOidcModelsByGrant: (model, grantIdHash) => destroyByGrant.run(model, grantIdHash).changes,
    revokeOidcGrant: (grantIdHash) => destroyGrant.run({ grant: grantIdHash }).changes,
    revokeOidcArtefactsOfAccount: (accountIdHash) => destroyOfAccount.run(accountIdHash).changes,
  };
}
