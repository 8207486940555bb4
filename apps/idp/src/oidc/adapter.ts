import type { Sealer } from '@extauth/server-kit/crypto';
import { sha256Hex } from '@extauth/server-kit/crypto';
import { type Adapter, type AdapterFactory, type AdapterPayload, errors } from 'oidc-provider';
import type { OidcModelStore } from '../store/oidc-models.js';

export interface OidcAdapterDeps {
  store: OidcModelStore;
  /** Clients beyond the static list (seed file, admin API): oidc-provider's `Client` model reads them. */
  clients?: { findClientMetadata(clientId: string): AdapterPayload | undefined };
  sealer: Sealer;
  /** Epoch milliseconds. oidc-provider's lifetimes run on real time (DESIGN.md), tests fix it. */
  nowMs?: () => number;
}

/**
 * oidc-provider's storage on our SQLite store. Ids, uids, user codes and grant ids are looked up
 * by SHA-256 (all are high-entropy, so an unkeyed hash is enough) and payloads are sealed with
 * AES-256-GCM bound to (model, id hash), so a database copy reveals no usable token or session.
 */
export function createOidcAdapterFactory(deps: OidcAdapterDeps): AdapterFactory {
  const nowMs = deps.nowMs ?? Date.now;
  const { store, sealer } = deps;

  return (model: string): Adapter => {
    if (model === 'Client' && deps.clients) return clientAdapter(deps.clients);
    const open = (idHash: string, found: { sealedPayload: string; consumedAt: number | undefined }) => {
      const payload = JSON.parse(sealer.open(found.sealedPayload, `${model}:${idHash}`)) as AdapterPayload;
      if (found.consumedAt !== undefined) payload.consumed = Math.floor(found.consumedAt / 1000);
      return payload;
    };

    return {
      async upsert(id: string, payload: AdapterPayload, expiresIn?: number) {
        const idHash = sha256Hex(id);
        store.saveOidcModel({
          model,
          idHash,
          sealedPayload: sealer.seal(JSON.stringify(payload), `${model}:${idHash}`),
          grantIdHash: payload.grantId ? sha256Hex(payload.grantId) : undefined,
          uidHash: payload.uid ? sha256Hex(payload.uid) : undefined,
          userCodeHash: payload.userCode ? sha256Hex(payload.userCode) : undefined,
          accountIdHash: payload.accountId ? accountIdHashOf(payload.accountId) : undefined,
          expiresAt: typeof expiresIn === 'number' ? nowMs() + expiresIn * 1000 : undefined,
        });
      },
      async find(id: string) {
        const idHash = sha256Hex(id);
        const found = store.findOidcModel(model, idHash, nowMs());
        return found ? open(idHash, found) : undefined;
      },
      async findByUid(uid: string) {
        const found = store.findOidcModelByUid(model, sha256Hex(uid), nowMs());
        return found ? open(found.idHash, found) : undefined;
      },
      async findByUserCode(userCode: string) {
        const found = store.findOidcModelByUserCode(model, sha256Hex(userCode), nowMs());
        return found ? open(found.idHash, found) : undefined;
      },
      async consume(id: string) {
        // oidc-provider checks `consumed` on the record it found and then calls consume(); two
        // requests holding the same code or refresh token can both pass that check. The store's
        // conditional UPDATE lets exactly one of them through; the other gets invalid_grant here,
        // before any token is issued. It is a reuse like one that comes later, which oidc-provider
        // answers by revoking the grant (RFC 6749 §4.1.2, RFC 9700 §4.14.2): so is this one.
        const idHash = sha256Hex(id);
        if (store.consumeOidcModel(model, idHash, nowMs())) return;
        const found = store.findOidcModel(model, idHash, nowMs());
        const grantId = found ? open(idHash, found).grantId : undefined;
        if (typeof grantId === 'string') store.revokeOidcGrant(sha256Hex(grantId));
        throw new errors.InvalidGrant(`${model} already consumed`);
      },
      async destroy(id: string) {
        store.deleteOidcModel(model, sha256Hex(id));
      },
      async revokeByGrantId(grantId: string) {
        store.deleteOidcModelsByGrant(model, sha256Hex(grantId));
      },
    };
  };
}

/** Read-only: clients are written by the client registry (seed, admin API), never by oidc-provider. */
function clientAdapter(clients: NonNullable<OidcAdapterDeps['clients']>): Adapter {
  const readOnly = async () => {
    throw new Error('clients are managed through the admin API, not the provider');
  };
  return {
    find: async (id: string) => clients.findClientMetadata(id),
    upsert: readOnly,
    findByUid: async () => undefined,
    findByUserCode: async () => undefined,
    consume: readOnly,
    destroy: readOnly,
    revokeByGrantId: readOnly,
  };
}

/** How oidc_models rows are tied to an account, so they can be revoked together. */
export function accountIdHashOf(accountId: string): string {
  return sha256Hex(`account:${accountId}`);
}

/** Ends the account's OIDC sessions and revokes its grants and tokens (password change or reset). */
export function revokeOidcAccessOfAccount(store: OidcModelStore, accountId: string): number {
  return store.revokeOidcArtefactsOfAccount(accountIdHashOf(accountId));
}
