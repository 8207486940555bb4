import type { Clock } from '@extauth/server-kit/clock';
import type { Sealer } from '@extauth/server-kit/crypto';
import { type WhmService, whmRedirectUris } from '@extauth/shared/contract';
import type { ExternalAuthProblem } from '@extauth/shared/external-auth-texts';
import type { PanelConfig } from '../config.js';
import type { ProviderStore } from '../store/providers.store.js';
import {
  type DisplayConfiguration,
  EDITABLE_DISPLAY_KEYS,
  type EditableDisplayKey,
  editableDisplayValueSchemas,
  HEX_COLOUR,
} from './display-configuration.js';
import {
  clientSecretAad,
  isWhmService,
  type ProviderRegistry,
  type ProviderState,
  SERVICE_NAMES,
} from './provider-state.js';

/**
 * The administration use cases of external authentication (spec §6-§8), shared by Manage External
 * Authentications and WHM API 1 so both apply the same rules and report the same problems.
 */
export interface ProviderAdminDeps {
  providers: ProviderRegistry;
  providerStore: ProviderStore;
  configSealer: Sealer;
  clock: Clock;
  config: Pick<PanelConfig, 'publicHostname' | 'port'>;
}

export type AdminResult<T extends object = object> = ({ ok: true } & T) | { ok: false; problem: ExternalAuthProblem };

const fail = (problem: ExternalAuthProblem): { ok: false; problem: ExternalAuthProblem } => ({ ok: false, problem });

/** The configuration fields of an OpenID Connect provider module (§6.2), in display order. */
export const CONFIGURATION_FIELDS = Object.freeze(['client_id', 'client_secret'] as const);
const FIELD_MAX_LENGTH = { client_id: 255, client_secret: 1024 } as const;

/** Providers the admin functions know: installed and available (an unavailable one has no row, §6.1). */
export function findAvailableProvider(
  deps: Pick<ProviderAdminDeps, 'providers'>,
  providerId: string,
): AdminResult<{ provider: ProviderState }> {
  const provider = deps.providers.findProvider(providerId);
  if (!provider?.available) return fail({ code: 'unknown_provider', providerId });
  return { ok: true, provider };
}

/** The (provider, service) pair most admin functions take: an available provider and a known service. */
function findProviderForService(
  deps: Pick<ProviderAdminDeps, 'providers'>,
  input: { providerId: string; service: string },
): AdminResult<{ provider: ProviderState; service: WhmService }> {
  const found = findAvailableProvider(deps, input.providerId);
  if (!found.ok) return found;
  const { service } = input;
  if (!isWhmService(service)) return fail({ code: 'invalid_service', service });
  return { ok: true, provider: found.provider, service };
}

export function redirectUrisFor(deps: Pick<ProviderAdminDeps, 'config'>, providerId: string): string[] {
  return whmRedirectUris(deps.config.publicHostname, deps.config.port, providerId);
}

/** §7: enabling needs a configured provider ("Enabled but not configured" is useless). */
export function setProviderEnabled(
  deps: ProviderAdminDeps,
  input: { providerId: string; service: string; enabled: boolean },
): AdminResult<{ provider: ProviderState; service: WhmService }> {
  const found = findProviderForService(deps, input);
  if (!found.ok) return found;
  if (input.enabled && !found.provider.client) {
    return fail({ code: 'not_configured', provider: found.provider.displayName });
  }
  deps.providerStore.setServiceEnabled(found.provider.id, found.service, input.enabled, deps.clock.now());
  return { ok: true, provider: found.provider, service: found.service };
}

export interface ClientConfigurationView {
  client_id?: string;
  client_secret?: string;
  redirect_uris: string[];
}

/** §8: without a configuration, only the default redirect URIs. */
export function getClientConfiguration(
  deps: ProviderAdminDeps,
  input: { providerId: string; service: string },
): AdminResult<{ configuration: ClientConfigurationView }> {
  const found = findProviderForService(deps, input);
  if (!found.ok) return found;
  const redirect_uris = redirectUrisFor(deps, found.provider.id);
  const client = found.provider.client;
  return {
    ok: true,
    configuration: client
      ? { client_id: client.clientId, client_secret: client.clientSecret, redirect_uris }
      : { redirect_uris },
  };
}

/** §8 `set_provider_client_configurations`: exactly the configuration fields, all strings. */
export function setClientConfiguration(
  deps: ProviderAdminDeps,
  input: { providerId: string; service: string; configurations: Record<string, unknown> },
): AdminResult<{ provider: ProviderState }> {
  const found = findProviderForService(deps, input);
  if (!found.ok) return found;
  const provider = found.provider;
  for (const [key, value] of Object.entries(input.configurations)) {
    // WHM always recomputes the redirect URIs, so a sent list is ignored rather than refused.
    if (key === 'redirect_uris') continue;
    if (!(CONFIGURATION_FIELDS as readonly string[]).includes(key)) {
      return fail({ code: 'invalid_configuration_key', key, provider: provider.displayName });
    }
    if (typeof value !== 'string') return fail({ code: 'configuration_not_string', key });
  }
  const values: Record<string, string> = {};
  for (const key of CONFIGURATION_FIELDS) {
    const value = input.configurations[key];
    if (value === undefined) return fail({ code: 'missing_configuration_key', key });
    const text = String(value).trim();
    if (!text || text.length > FIELD_MAX_LENGTH[key] || hasControlCharacter(text)) {
      return fail({ code: 'invalid_configuration_value', key });
    }
    values[key] = text;
  }
  deps.providerStore.saveClientConfig(
    provider.id,
    {
      source: 'admin',
      clientId: values.client_id ?? '',
      sealedClientSecret: deps.configSealer.seal(values.client_secret ?? '', clientSecretAad(provider.id)),
    },
    deps.clock.now(),
  );
  return { ok: true, provider };
}

export interface ConfigurationField {
  field_id: (typeof CONFIGURATION_FIELDS)[number];
  value: string;
  display_order: number;
}

export function getConfigurationFields(
  deps: ProviderAdminDeps,
  input: { providerId: string; service: string },
): AdminResult<{ provider: ProviderState; fields: ConfigurationField[] }> {
  const config = getClientConfiguration(deps, input);
  if (!config.ok) return config;
  const found = findAvailableProvider(deps, input.providerId);
  if (!found.ok) return found;
  const fields = CONFIGURATION_FIELDS.map((field_id, i) => ({
    field_id,
    value: config.configuration[field_id] ?? '',
    display_order: i + 1,
  }));
  return { ok: true, provider: found.provider, fields };
}

export function getDisplayConfigurations(
  deps: ProviderAdminDeps,
  input: { providerId: string },
): AdminResult<{ configurations: (DisplayConfiguration & { service: WhmService })[] }> {
  const found = findAvailableProvider(deps, input.providerId);
  if (!found.ok) return found;
  const configurations = SERVICE_NAMES.map((service) => ({ service, ...found.provider.displays[service] }));
  return { ok: true, configurations };
}

/** §8 `set_provider_display_configurations`: only existing, editable keys; colours as hex digits. */
export function setDisplayConfiguration(
  deps: ProviderAdminDeps,
  input: { providerId: string; service: string; configurations: Record<string, unknown> },
): AdminResult<{ provider: ProviderState }> {
  const found = findProviderForService(deps, input);
  if (!found.ok) return found;
  const provider = found.provider;
  const existing = deps.providerStore.findDisplayOverrides(provider.id, found.service);
  const overrides: Partial<Record<EditableDisplayKey, string>> = existing ? safeJsonObject(existing) : {};
  for (const [key, value] of Object.entries(input.configurations)) {
    if (!(EDITABLE_DISPLAY_KEYS as readonly string[]).includes(key)) {
      return fail({ code: 'invalid_configuration_key', key, provider: provider.displayName });
    }
    if (typeof value !== 'string') return fail({ code: 'configuration_not_string', key });
    const editable = key as EditableDisplayKey;
    if ((editable === 'color' || editable === 'textcolor') && !HEX_COLOUR.test(value)) {
      return fail({ code: 'invalid_colour', key });
    }
    if (!editableDisplayValueSchemas[editable].safeParse(value).success) {
      return fail({ code: 'invalid_configuration_value', key });
    }
    overrides[editable] = value;
  }
  deps.providerStore.saveDisplayOverrides(provider.id, found.service, JSON.stringify(overrides), deps.clock.now());
  return { ok: true, provider };
}

function hasControlCharacter(text: string): boolean {
  return [...text].some((ch) => (ch.codePointAt(0) ?? 0) < 0x20);
}

function safeJsonObject(json: string): Partial<Record<EditableDisplayKey, string>> {
  try {
    const value: unknown = JSON.parse(json);
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Partial<Record<EditableDisplayKey, string>>)
      : {};
  } catch {
    return {};
  }
}
