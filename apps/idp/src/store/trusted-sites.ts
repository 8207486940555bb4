import type { Db } from '@extauth/server-kit/sqlite';

/** A "Trust HOSTNAME for 365 days" choice, kept server-side so it can be listed and revoked. */
export interface TrustedSite {
  id: string;
  accountId: string;
  clientId: string;
  hostname: string;
  credentialVersion: number;
  createdAt: number;
  expiresAt: number;
}

export interface TrustedSiteStore {
  /** Replaces an earlier choice for the same (account, client, hostname). */
  recordTrust(site: TrustedSite): void;
  findTrust(id: string, nowMs: number): TrustedSite | undefined;
  /** Live choices made at the account's current credential version. */
  listTrustOfAccount(accountId: string, credentialVersion: number, nowMs: number): TrustedSite[];
  revokeTrust(accountId: string, id: string): boolean;
  revokeAllTrustOfAccount(accountId: string): void;
}

interface TrustRow {
  id: string;
  account_id: string;
  client_id: string;
  hostname: string;
  credential_version: number;
  created_at: number;
  expires_at: number;
}

const toSite = (row: TrustRow): TrustedSite => ({
  id: row.id,
  accountId: row.account_id,
  clientId: row.client_id,
  hostname: row.hostname,
  credentialVersion: row.credential_version,
  createdAt: row.created_at,
  expiresAt: row.expires_at,
});

export function createSqliteTrustedSiteStore(db: Db): TrustedSiteStore {
  const columns = 'id, account_id, client_id, hostname, credential_version, created_at, expires_at';
  const upsert = db.prepare(
    `INSERT INTO trusted_sites (${columns})
     VALUES (@id, @accountId, @clientId, @hostname, @credentialVersion, @createdAt, @expiresAt)
     ON CONFLICT (account_id, client_id, hostname) DO UPDATE SET id = @id, credential_version = @credentialVersion,
       created_at = @createdAt, expires_at = @expiresAt`,
  );
  const find = db.prepare<[string, number], TrustRow>(
    `SELECT ${columns} FROM trusted_sites WHERE id = ? AND expires_at > ?`,
  );
  const list = db.prepare<[string, number, number], TrustRow>(
    `SELECT ${columns} FROM trusted_sites WHERE account_id = ? AND credential_version = ? AND expires_at > ?
     ORDER BY created_at, hostname`,
  );
  const revoke = db.prepare('DELETE FROM trusted_sites WHERE account_id = ? AND id = ?');
  const revokeAll = db.prepare('DELETE FROM trusted_sites WHERE account_id = ?');
  return {
    recordTrust: (site) => {
      upsert.run(site);
    },
    findTrust: (id, now) => {
      const row = find.get(id, now);
      return row ? toSite(row) : undefined;
    },
    listTrustOfAccount: (accountId, version, now) => list.all(accountId, version, now).map(toSite),
    revokeTrust: (accountId, id) => revoke.run(accountId, id).changes === 1,
    revokeAllTrustOfAccount: (accountId) => {
      revokeAll.run(accountId);
    },
  };
}
