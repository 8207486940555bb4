import type { Sealer } from '@extauth/server-kit/crypto';
import type { LicenceCredentials } from '@extauth/server-kit/licence';
import { WEBPROS_DISPLAY_NAME, WEBPROS_PROVIDER_ID, WHM_SERVICES, type WhmService } from '@extauth/shared/contract';
import type { PanelIniSource, PanelIniStatus } from '../panel-ini/panel-ini-source.js';
import type { ProviderStore } from '../store/providers.store.js';
import {
  type DisplayConfiguration,
  defaultDisplayConfiguration,
  displayConfigurationSchema,
  displayOverridesSchema,
} from './display-configuration.js';

/**
 * The state of each external-authentication provider (spec §7): available (installed, and for
 * WebPros the panel.ini gate), configured (client credentials), enabled per service, and how its
 * login button looks (§6.2). Read fresh on every call: panel.ini costs a `stat`, the rest a few
 * indexed SQLite reads, so a change by file, UI or API applies to the next request.
 */
export interface ClientConfiguration {
  clientId: string;
  clientSecret: string;
}

export interface ProviderState {
  id: string;
  displayName: string;
  available: boolean;
  /** undefined = not configured. */
  client: ClientConfiguration | undefined;
  enabledServices: ReadonlySet<WhmService>;
  /** The display configuration for WHM's login page. */
  display: DisplayConfiguration;
  displays: Readonly<Record<WhmService, DisplayConfiguration>>;
}

/** The provider modules this panel has installed; `gated` ones need the panel.ini gate (§2.1). */
export const INSTALLED_PROVIDERS = Object.freeze([
  { id: WEBPROS_PROVIDER_ID, displayName: WEBPROS_DISPLAY_NAME, gated: true },
]);

export const SERVICE_NAMES = Object.freeze(Object.keys(WHM_SERVICES) as WhmService[]);

export function isWhmService(value: string): value is WhmService {
  return (SERVICE_NAMES as readonly string[]).includes(value);
}

/** The button shows, and the flow may start, only when available, configured and enabled (§7). */
export function isOfferedForLogin(provider: ProviderState, service: WhmService): boolean {
  return provider.available && provider.client !== undefined && provider.enabledServices.has(service);
}

export interface ProviderRegistry {
  /** An installed provider, available or not (links to an unavailable one stay manageable). */
  findProvider(id: string): ProviderState | undefined;
  /** Sorted by display name, case-insensitively, as the login page lists them (§4). */
  listProviders(): ProviderState[];
  readPanelIni(): PanelIniStatus;
}

/** Additional data bound into a sealed client secret, so it cannot be moved to another provider. */
export const clientSecretAad = (providerId: string) => `client_config:${providerId}`;

export function createProviderRegistry(deps: {
  store: ProviderStore;
  panelIni: PanelIniSource;
  licence: LicenceCredentials;
  sealer: Sealer;
}): ProviderRegistry {
  function clientOf(id: string): ClientConfiguration | undefined {
    const stored = deps.store.findClientConfig(id);
    if (!stored) return undefined;
    if (stored.source === 'licence') {
      return { clientId: deps.licence.client_id, clientSecret: deps.licence.client_secret };
    }
    try {
      return {
        clientId: stored.clientId,
        clientSecret: deps.sealer.open(stored.sealedClientSecret, clientSecretAad(id)),
      };
    } catch {
      // Sealed with another key (secrets.json replaced): as good as unconfigured.
      return undefined;
    }
  }

  function displayOf(id: string, displayName: string, service: WhmService): DisplayConfiguration {
    const defaults = defaultDisplayConfiguration(id, displayName);
    const json = deps.store.findDisplayOverrides(id, service);
    if (!json) return defaults;
    let overrides: unknown;
    try {
      overrides = JSON.parse(json);
    } catch {
      return defaults;
    }
    const parsed = displayOverridesSchema.safeParse(overrides);
    const merged = displayConfigurationSchema.safeParse({ ...defaults, ...(parsed.success ? parsed.data : {}) });
    return merged.success ? merged.data : defaults;
  }

  function stateOf(module: (typeof INSTALLED_PROVIDERS)[number], ini: PanelIniStatus): ProviderState {
    const displays = Object.fromEntries(
      SERVICE_NAMES.map((service) => [service, displayOf(module.id, module.displayName, service)]),
    ) as Record<WhmService, DisplayConfiguration>;
    return {
      id: module.id,
      displayName: module.displayName,
      available: module.gated ? ini.webprosGate : true,
      client: clientOf(module.id),
      enabledServices: new Set(deps.store.listEnabledServices(module.id).filter(isWhmService)),
      display: displays.whostmgrd,
      displays,
    };
  }

  return {
    findProvider(id) {
      const module = INSTALLED_PROVIDERS.find((p) => p.id === id);
      return module && stateOf(module, deps.panelIni.read());
    },
    listProviders() {
      const ini = deps.panelIni.read();
      return INSTALLED_PROVIDERS.map((m) => stateOf(m, ini)).sort((a, b) =>
        a.displayName.localeCompare(b.displayName, 'en', { sensitivity: 'base' }),
      );
    },
    readPanelIni: () => deps.panelIni.read(),
  };
}
