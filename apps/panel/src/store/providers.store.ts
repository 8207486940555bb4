import type { Db } from '@extauth/server-kit/sqlite';

/**
 * The provider lifecycle of spec §7, persisted: the client configuration ("configured"), the
 * services a provider is enabled for, and per-service display overrides (§2.2's files, as rows).
 * A `licence` client configuration holds no credentials: they are read from the licence file at
 * start, so a changed licence never leaves a stale copy here. An `admin` one holds what root saved,
 * with the secret sealed by the caller.
 */
export type StoredClientConfig =
  | { source: 'licence' }
  | { source: 'admin'; clientId: string; sealedClientSecret: string };

export interface ProviderStore {
  findClientConfig(providerId: string): StoredClientConfig | undefined;
  saveClientConfig(providerId: string, config: StoredClientConfig, now: Date): void;
  listEnabledServices(providerId: string): string[];
  setServiceEnabled(providerId: string, service: string, enabled: boolean, now: Date): void;
  /** JSON text of the overrides, as saved. */
  findDisplayOverrides(providerId: string, service: string): string | undefined;
  saveDisplayOverrides(providerId: string, service: string, overridesJson: string, now: Date): void;
  /** The profile the data folder was seeded with, if it was. */
  findSeededProfile(): string | undefined;
  /** Runs `seed` and records the profile in one transaction, once per data folder. */
  seedOnce(profile: string, now: Date, seed: () => void): boolean;
}

export function createProviderStore(db: Db): ProviderStore {
  const findClient = db.prepare<
    [string],
    { source: 'licence' | 'admin'; client_id: string | null; client_secret_sealed: string | null }
  >('SELECT source, client_id, client_secret_sealed FROM authn_client_configs WHERE provider_id = ?');
  const saveClient = db.prepare<[string, string, string | null, string | null, number]>(
    `INSERT INTO authn_client_configs (provider_id, source, client_id, client_secret_sealed, updated_at)
     VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (provider_id) DO UPDATE SET source = excluded.source, client_id = excluded.client_id,
       client_secret_sealed = excluded.client_secret_sealed, updated_at = excluded.updated_at`,
  );
  const services = db.prepare<[string], { service: string }>(
    'SELECT service FROM authn_enabled_services WHERE provider_id = ? ORDER BY service',
  );
  const enable = db.prepare<[string, string, number]>(
    'INSERT OR IGNORE INTO authn_enabled_services (provider_id, service, enabled_at) VALUES (?, ?, ?)',
  );
  const disable = db.prepare<[string, string]>(
    'DELETE FROM authn_enabled_services WHERE provider_id = ? AND service = ?',
  );
  const findDisplay = db.prepare<[string, string], { overrides: string }>(
    'SELECT overrides FROM authn_display_configs WHERE provider_id = ? AND service = ?',
  );
  const saveDisplay = db.prepare<[string, string, string, number]>(
    `INSERT INTO authn_display_configs (provider_id, service, overrides, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (provider_id, service) DO UPDATE SET overrides = excluded.overrides, updated_at = excluded.updated_at`,
  );
  const findProfile = db.prepare<[], { profile: string }>('SELECT profile FROM profile_seed WHERE id = 1');
  const recordProfile = db.prepare<[string, number]>(
    'INSERT INTO profile_seed (id, profile, seeded_at) VALUES (1, ?, ?)',
  );
  const seedTx = db.transaction((profile: string, now: number, seed: () => void) => {
    if (findProfile.get()) return false;
    seed();
    recordProfile.run(profile, now);
    return true;
  });
  return {
    findClientConfig(providerId) {
      const row = findClient.get(providerId);
      if (!row) return undefined;
      if (row.source === 'licence') return { source: 'licence' };
      return { source: 'admin', clientId: row.client_id ?? '', sealedClientSecret: row.client_secret_sealed ?? '' };
    },
    saveClientConfig(providerId, config, now) {
      if (config.source === 'licence') saveClient.run(providerId, 'licence', null, null, now.getTime());
      else saveClient.run(providerId, 'admin', config.clientId, config.sealedClientSecret, now.getTime());
    },
    listEnabledServices: (providerId) => services.all(providerId).map((r) => r.service),
    setServiceEnabled(providerId, service, enabled, now) {
      if (enabled) enable.run(providerId, service, now.getTime());
      else disable.run(providerId, service);
    },
    findDisplayOverrides: (providerId, service) => findDisplay.get(providerId, service)?.overrides,
    saveDisplayOverrides(providerId, service, overridesJson, now) {
      saveDisplay.run(providerId, service, overridesJson, now.getTime());
    },
    findSeededProfile: () => findProfile.get()?.profile,
    seedOnce: (profile, now, seed) => seedTx(profile, now.getTime(), seed),
  };
}
