import { hashPassword } from '@extauth/server-kit/passwords';
import type { Db } from '@extauth/server-kit/sqlite';
import type { IdpSeed } from '@extauth/shared/seed';
import type { Provider } from 'oidc-provider';
import { type ClientRegistry, toClientMetadata } from '../oidc/client-registry.js';
import { eraseAllState } from '../store/reset.js';
import { type DemoAccountSeed, newAccountId } from '../store/seed.js';
import { type ProvisioningDeps, type UpsertOutcome, upsertSeedAccount, writeSeedAccountNow } from './accounts.js';

export interface SeedDeps extends ProvisioningDeps {
  clients: ClientRegistry;
  provider: Provider;
}

export interface AppliedIdpSeed {
  accounts: { email: string; sub: string; outcome: UpsertOutcome }[];
  clients: string[];
}

/** A seed the IdP cannot take (a client oidc-provider refuses, or one that would replace the panel's). */
export class SeedRejectedError extends Error {
  constructor(readonly problems: { path: string; message: string }[]) {
    super(`the seed cannot be applied:\n${problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`);
    this.name = 'SeedRejectedError';
  }
}

/** Every seed client checked by oidc-provider's own rules; throws SeedRejectedError listing all problems. */
async function checkSeedClients(deps: SeedDeps, seed: IdpSeed): Promise<void> {
  const staticIds = new Set(
    deps.clients
      .listClients()
      .filter((c) => c.source === 'static')
      .map((c) => c.client_id),
  );
  const problems: { path: string; message: string }[] = [];
  for (const [i, client] of seed.clients.entries()) {
    const path = `idp.clients[${i}]`;
    if (staticIds.has(client.client_id)) {
      problems.push({ path: `${path}.client_id`, message: `"${client.client_id}" is the panel's client` });
      continue;
    }
    try {
      await deps.provider.Client.validate(toClientMetadata(client));
    } catch (err) {
      const detail = (err as { error_description?: string }).error_description ?? (err as Error).message;
      problems.push({ path, message: detail });
    }
  }
  if (problems.length > 0) throw new SeedRejectedError(problems);
}

/**
 * Applies the IdP part of a seed file: accounts upserted by email, clients by client_id, so a
 * second run changes nothing. Every client is checked before anything is written.
 */
export async function applyIdpSeed(deps: SeedDeps, seed: IdpSeed): Promise<AppliedIdpSeed> {
  await checkSeedClients(deps, seed);
  const accounts: AppliedIdpSeed['accounts'] = [];
  for (const account of seed.accounts) {
    const { account: saved, outcome } = await upsertSeedAccount(deps, account);
    accounts.push({ email: saved.email, sub: saved.id, outcome });
  }
  for (const client of seed.clients) {
    const saved = await deps.clients.saveClient(deps.provider, client, 'seed');
    if (!saved.ok) throw new SeedRejectedError([{ path: client.client_id, message: saved.detail ?? saved.error }]);
  }
  return { accounts, clients: seed.clients.map((c) => c.client_id) };
}

/**
 * Everything back to a new data folder plus the seed: the demo account, seeded accounts and clients.
 * The demo and seeded accounts keep their subjects (`sub`): relying parties such as the panel link
 * their users to a subject, and new ones would leave every link made before the reset stale.
 * `removedAccounts` counts the accounts that are gone for good (signed up or added since).
 *
 * All the slow, asynchronous work (scrypt for every seed password, oidc-provider's client checks)
 * is done first, while the old state still serves requests; then erasing and rebuilding happen in
 * one synchronous transaction. No request runs in between, so none sees a seeded account missing:
 * a login is not refused (and counted as a failure), and a signup or `users add` for a seeded email
 * cannot create it with a new subject.
 */
export async function resetToSeed(
  deps: SeedDeps & { db: Db },
  seed: { demo: DemoAccountSeed; idp: IdpSeed },
): Promise<AppliedIdpSeed & { removedAccounts: number }> {
  await checkSeedClients(deps, seed.idp);
  const demoHash = await hashPassword(seed.demo.password, deps.passwordHashing);
  const hashed: { account: IdpSeed['accounts'][number]; passwordHash: string }[] = [];
  for (const account of seed.idp.accounts) {
    hashed.push({ account, passwordHash: await hashPassword(account.password, deps.passwordHashing) });
  }

  const rebuild = deps.db.transaction(() => {
    const subjects = new Map<string, string>();
    for (const email of [seed.demo.email, ...seed.idp.accounts.map((a) => a.email)]) {
      // The store's own email lookup, so "Ana@Example.com" in the seed finds "ana@example.com".
      const id = deps.accounts.findAccountByEmail(email)?.id;
      if (id) subjects.set(email, id);
    }
    const kept = new Set(subjects.values());
    const removedAccounts = deps.accounts.listAccounts().filter((a) => !kept.has(a.id)).length;
    eraseAllState(deps.db);
    const demo = deps.accounts.createAccount({
      id: subjects.get(seed.demo.email) ?? newAccountId(),
      email: seed.demo.email,
      emailVerified: true,
      givenName: seed.demo.givenName,
      familyName: seed.demo.familyName,
      passwordHash: demoHash,
      createdAt: deps.clock.now(),
    });
    if (!demo.ok) throw new Error(`the demo account ${seed.demo.email} could not be created`);
    const accounts = hashed.map(({ account, passwordHash }) => {
      const id = subjects.get(account.email) ?? newAccountId();
      const { account: saved, outcome } = writeSeedAccountNow(deps, account, id, passwordHash);
      return { email: saved.email, sub: saved.id, outcome };
    });
    for (const client of seed.idp.clients) deps.clients.storeValidatedClient(client, 'seed');
    return { accounts, clients: seed.idp.clients.map((c) => c.client_id), removedAccounts };
  });
  return rebuild();
}
