import type { Sealer } from '@extauth/server-kit/crypto';
import type { SeedClient } from '@extauth/shared/seed';
import type { ClientMetadata, Provider } from 'oidc-provider';
import type { OidcClientSource, OidcClientStore } from '../store/oidc-clients.js';

/** A client as the admin API lists it: never its secret. */
export interface ClientView {
  client_id: string;
  client_name: string | undefined;
  confidential: boolean;
  token_endpoint_auth_method: string;
  redirect_uris: string[];
  post_logout_redirect_uris: string[];
  grant_types: string[];
  pkce_required: boolean;
  source: OidcClientSource | 'static';
}

export type AddClientResult =
  | { ok: true; client: ClientView }
  | { ok: false; error: 'STATIC_CLIENT' | 'INVALID_METADATA'; detail?: string };

const SEAL_CONTEXT = (clientId: string) => `oidc-client:${clientId}`;

/** The oidc-provider metadata of a seed-file or admin-API client. */
export function toClientMetadata(client: SeedClient): ClientMetadata {
  const confidential = client.client_secret !== undefined;
  return {
    client_id: client.client_id,
    ...(confidential ? { client_secret: client.client_secret } : {}),
    ...(client.client_name ? { client_name: client.client_name } : {}),
    redirect_uris: client.redirect_uris,
    post_logout_redirect_uris: client.post_logout_redirect_uris,
    grant_types: client.grant_types,
    response_types: ['code'],
    token_endpoint_auth_method: client.token_endpoint_auth_method ?? (confidential ? 'client_secret_basic' : 'none'),
    id_token_signed_response_alg: 'RS256',
    ...(client.pkce_required === undefined ? {} : { pkce_required: client.pkce_required }),
  };
}

/** Whether PKCE is required: the client's own flag, else for public clients only (DESIGN.md). */
export function isPkceRequired(metadata: ClientMetadata): boolean {
  const flag = metadata.pkce_required;
  return typeof flag === 'boolean' ? flag : metadata.token_endpoint_auth_method === 'none';
}

function toView(metadata: ClientMetadata, source: ClientView['source']): ClientView {
  return {
    client_id: metadata.client_id,
    client_name: metadata.client_name,
    confidential: metadata.token_endpoint_auth_method !== 'none',
    token_endpoint_auth_method: metadata.token_endpoint_auth_method ?? 'client_secret_basic',
    redirect_uris: [...(metadata.redirect_uris ?? [])],
    post_logout_redirect_uris: [...(metadata.post_logout_redirect_uris ?? [])],
    grant_types: [...(metadata.grant_types ?? [])],
    pkce_required: isPkceRequired(metadata),
    source,
  };
}

/**
 * Clients added at runtime (seed file, admin API). They live in the oidc_clients table (sealed)
 * and reach oidc-provider through the adapter's `Client` model, which it asks for every client id
 * missing from its static list (lib/models/client.js, `Client.find`): an added client works at
 * once and a removed one stops working at once, without a restart.
 */
export function createClientRegistry(deps: {
  store: OidcClientStore;
  sealer: Sealer;
  staticClients: ClientMetadata[];
  now: () => Date;
}) {
  const staticIds = new Set(deps.staticClients.map((c) => c.client_id));
  const open = (clientId: string, sealed: string) =>
    JSON.parse(deps.sealer.open(sealed, SEAL_CONTEXT(clientId))) as ClientMetadata;
  const findClientMetadata = (clientId: string): ClientMetadata | undefined => {
    const stored = deps.store.findOidcClient(clientId);
    return stored ? open(stored.clientId, stored.sealedMetadata) : undefined;
  };
  const storeValidatedClient = (client: SeedClient, source: OidcClientSource): ClientView => {
    const metadata = toClientMetadata(client);
    const createdAt = deps.store.findOidcClient(client.client_id)?.createdAt ?? deps.now().getTime();
    deps.store.saveOidcClient({
      clientId: client.client_id,
      sealedMetadata: deps.sealer.seal(JSON.stringify(metadata), SEAL_CONTEXT(client.client_id)),
      source,
      createdAt,
    });
    return toView(metadata, source);
  };
  return {
    findClientMetadata,
    /** Adds or replaces (by client_id); the metadata is checked by oidc-provider's own rules first. */
    async saveClient(provider: Provider, client: SeedClient, source: OidcClientSource): Promise<AddClientResult> {
      if (staticIds.has(client.client_id)) return { ok: false, error: 'STATIC_CLIENT' };
      const metadata = toClientMetadata(client);
      try {
        await provider.Client.validate(metadata);
      } catch (err) {
        const detail = (err as { error_description?: string }).error_description ?? (err as Error).message;
        return { ok: false, error: 'INVALID_METADATA', detail };
      }
      return { ok: true, client: storeValidatedClient(client, source) };
    },
    /**
     * Writes a client whose metadata `provider.Client.validate` has accepted already, without
     * awaiting anything (a reset rebuilds the clients inside one database transaction).
     */
    storeValidatedClient,
    listClients(): ClientView[] {
      return [
        ...deps.staticClients.map((c) => toView(c, 'static')),
        ...deps.store.listOidcClients().map((c) => toView(open(c.clientId, c.sealedMetadata), c.source)),
      ];
    },
    /** Static clients (the panel's) cannot be removed. */
    removeClient: (clientId: string) => !staticIds.has(clientId) && deps.store.removeOidcClient(clientId),
  };
}

export type ClientRegistry = ReturnType<typeof createClientRegistry>;
