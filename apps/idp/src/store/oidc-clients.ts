import type { Db } from '@extauth/server-kit/sqlite';

/** Where a stored client came from: the seed (re-applied on reset) or the admin API. */
export type OidcClientSource = 'seed' | 'admin';

export interface StoredOidcClient {
  clientId: string;
  /** The client metadata as JSON, sealed by the caller (it holds the client secret). */
  sealedMetadata: string;
  source: OidcClientSource;
  createdAt: number;
}

/** OIDC clients beyond the provider's static list, read by oidc-provider through the adapter. */
export interface OidcClientStore {
  /** Adds or replaces the client with this id. */
  saveOidcClient(client: StoredOidcClient): void;
  findOidcClient(clientId: string): StoredOidcClient | undefined;
  listOidcClients(): StoredOidcClient[];
  removeOidcClient(clientId: string): boolean;
}

interface ClientRow {
  client_id: string;
  sealed_metadata: string;
  source: OidcClientSource;
  created_at: number;
}

const toClient = (row: ClientRow): StoredOidcClient => ({
  clientId: row.client_id,
  sealedMetadata: row.sealed_metadata,
  source: row.source,
  createdAt: row.created_at,
});

export function createSqliteOidcClientStore(db: Db): OidcClientStore {
  const upsert = db.prepare(
    `INSERT INTO oidc_clients (client_id, sealed_metadata, source, created_at)
     VALUES (@clientId, @sealedMetadata, @source, @createdAt)
     ON CONFLICT (client_id) DO UPDATE SET sealed_metadata = excluded.sealed_metadata, source = excluded.source`,
  );
  const find = db.prepare<[string], ClientRow>('SELECT * FROM oidc_clients WHERE client_id = ?');
  const list = db.prepare<[], ClientRow>('SELECT * FROM oidc_clients ORDER BY created_at, client_id');
  const remove = db.prepare('DELETE FROM oidc_clients WHERE client_id = ?');
  return {
    saveOidcClient: (client) => {
      upsert.run(client);
    },
    findOidcClient: (clientId) => {
      const row = find.get(clientId);
      return row ? toClient(row) : undefined;
    },
    listOidcClients: () => list.all().map(toClient),
    removeOidcClient: (clientId) => remove.run(clientId).changes === 1,
  };
}
