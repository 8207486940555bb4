import { createSealer, randomToken } from '@extauth/server-kit/crypto';
import type { Db } from '@extauth/server-kit/sqlite';
import type { WhmService } from '@extauth/shared/contract';
import { createFixedPanelIniSource } from '../panel-ini/panel-ini-source.js';
import { createProviderRegistry } from '../providers/provider-state.js';
import { createProviderStore } from '../store/providers.store.js';

/** The provider registry on an in-memory database, with the gate and enabled services chosen. */
export function createTestProviders(
  db: Db,
  options: { gate?: boolean; enabled?: WhmService[]; configured?: boolean } = {},
) {
  const providerStore = createProviderStore(db);
  const now = new Date('2026-12-03T12:00:00Z');
  if (options.configured ?? true) providerStore.saveClientConfig('webpros', { source: 'licence' }, now);
  for (const service of options.enabled ?? ['whostmgrd']) {
    providerStore.setServiceEnabled('webpros', service, true, now);
  }
  const configSealer = createSealer(randomToken(32));
  const providers = createProviderRegistry({
    store: providerStore,
    panelIni: createFixedPanelIniSource(options.gate ?? true),
    licence: { client_id: 'c', client_secret: 's' },
    sealer: configSealer,
  });
  return { providers, providerStore, configSealer };
}
