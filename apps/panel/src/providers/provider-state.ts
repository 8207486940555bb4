import type { LicenceCredentials } from '@extauth/server-kit/licence';
import { WEBPROS_DISPLAY_NAME, WEBPROS_PROVIDER_ID, type WhmService } from '@extauth/shared/contract';
import { z } from 'zod';

/**
 * The state of each external-authentication provider (spec §7): available (installed, and for
 * WebPros the panel.ini gate), configured (client credentials), enabled per service, and how its
 * login button looks (§6.2). Everything else asks this module, never the pieces directly, so the
 * panel.ini gate, the profiles and the WHM API can later change the state in one place.
 */

const hexColour = z.string().regex(/^[0-9a-fA-F]{3}([0-9a-fA-F]{3})?$/, { error: 'must be a hex colour without #' });

export const displayConfigurationSchema = z.object({
  label: z.string().min(1).max(100),
  color: hexColour,
  textcolor: hexColour,
  /** Base64 image, empty for none. */
  icon: z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, { error: 'must be Base64' }),
  icon_type: z.string().regex(/^image\/[a-z0-9.+-]+$/, { error: 'must be an image MIME type' }),
  link: z.string(),
  display_name: z.string().min(1),
  provider_name: z.string().min(1),
  documentation_url: z.string(),
});
export type DisplayConfiguration = z.infer<typeof displayConfigurationSchema>;

/** The product's defaults for a provider module (§6.2). */
export function defaultDisplayConfiguration(providerId: string, displayName: string): DisplayConfiguration {
  return {
    label: `Log in via ${displayName}`,
    color: 'cccccc',
    textcolor: '000000',
    icon: '',
    icon_type: 'image/svg+xml',
    link: `/openid_connect/${providerId}`,
    display_name: displayName,
    provider_name: providerId,
    documentation_url: 'http://openid.net/developers/specs/',
  };
}

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
  display: DisplayConfiguration;
}

/** The button shows, and the flow may start, only when available, configured and enabled (§7). */
export function isOfferedForLogin(provider: ProviderState, service: WhmService): boolean {
  return provider.available && provider.client !== undefined && provider.enabledServices.has(service);
}

export interface ProviderRegistry {
  findProvider(id: string): ProviderState | undefined;
  /** Sorted by display name, case-insensitively, as the login page lists them (§4). */
  listProviders(): ProviderState[];
}

/**
 * The `demo` profile (DESIGN.md): the gate is on and WebPros is configured with the licence's
 * credentials and enabled for WHM. The `fresh` profile and the panel.ini gate come with issue 5.
 */
export function createDemoProviderRegistry(licence: LicenceCredentials): ProviderRegistry {
  const webpros: ProviderState = {
    id: WEBPROS_PROVIDER_ID,
    displayName: WEBPROS_DISPLAY_NAME,
    available: true,
    client: { clientId: licence.client_id, clientSecret: licence.client_secret },
    enabledServices: new Set<WhmService>(['whostmgrd']),
    display: displayConfigurationSchema.parse(defaultDisplayConfiguration(WEBPROS_PROVIDER_ID, WEBPROS_DISPLAY_NAME)),
  };
  const providers = [webpros];
  return {
    findProvider: (id) => providers.find((p) => p.id === id),
    listProviders: () =>
      [...providers].sort((a, b) => a.displayName.localeCompare(b.displayName, 'en', { sensitivity: 'base' })),
  };
}
