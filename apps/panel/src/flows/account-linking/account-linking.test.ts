import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createAdjustableClock } from '@extauth/server-kit/clock';
import { silentLogger } from '@extauth/server-kit/logger';
import type { IdTokenVerification } from '../../oidc/id-token-verifier.js';
import type { RelyingParty } from '../../oidc/relying-party.js';
import { openPanelDatabase } from '../../store/database.js';
import { createLinkStore } from '../../store/links.store.js';
import { createUserStore } from '../../store/users.store.js';
import { createTestProviders } from '../../test-support/providers.js';
import { completeAccountLink } from './account-linking.js';

const pending = {
  providerId: 'webpros',
  subject: 'sub-1',
  idToken: 'header.payload.signature',
  preferredUsername: 'demo@example.com',
  alreadyLinked: false,
  gotoUri: '/',
};

function setup(verification: IdTokenVerification) {
  const db = openPanelDatabase(':memory:');
  const users = createUserStore(db);
  const clock = createAdjustableClock({ now: () => new Date('2026-12-03T12:00:00Z') });
  users.setPassword('root', 'scrypt$x', 'env', clock.now());
  users.createAccount(
    { username: 'bob', passwordHash: 'scrypt$y', domain: 'bob.test', contactEmail: null },
    clock.now(),
  );
  users.createAccount(
    { username: 'rita', passwordHash: 'scrypt$z', domain: 'rita.test', contactEmail: null },
    clock.now(),
  );
  users.markReseller('rita', clock.now());
  const calls: { idToken: string; expected: unknown }[] = [];
  const relyingParty = {
    verifyIdToken: async (_creds: unknown, idToken: string, expected: unknown) => {
      calls.push({ idToken, expected });
      return verification;
    },
  } as unknown as RelyingParty;
  const links = createLinkStore(db);
  const deps = {
    providers: createTestProviders(db).providers,
    users,
    relyingParty,
    links,
    clock,
    logger: silentLogger,
  };
  return { deps, links, calls };
}

const valid: IdTokenVerification = { ok: true, claims: { sub: 'sub-1', exp: 1_796_400_000 } };

describe('completeAccountLink', () => {
  test('verifies the stored ID token for its subject, then links by subject with the time in seconds', async () => {
    const { deps, links, calls } = setup(valid);
    const result = await completeAccountLink(deps, pending, 'root');
    assert.deepEqual(calls, [{ idToken: pending.idToken, expected: { subject: 'sub-1' } }]);
    assert.ok(result.ok);
    assert.deepEqual(links.listLinksOfUser('root'), [
      {
        providerId: 'webpros',
        subject: 'sub-1',
        username: 'root',
        preferredUsername: 'demo@example.com',
        linkTime: 1_796_299_200,
      },
    ]);
  });

  test('links nothing when the signature check fails, and says why', async () => {
    for (const [reason, error] of [
      ['id_token_failed_verification', 'id_token_failed_verification'],
      ['signing_key_unavailable', 'signing_key_unavailable'],
      ['communication', 'signing_key_unavailable'],
    ] as const) {
      const { deps, links } = setup({ ok: false, reason, detail: 'x' });
      assert.deepEqual(await completeAccountLink(deps, pending, 'root'), { ok: false, error });
      assert.deepEqual(links.findUsernamesLinkedTo('webpros', 'sub-1'), []);
    }
  });

  test('in WHM only root and resellers may link: a plain cPanel account is refused before any check', async () => {
    const { deps, links, calls } = setup(valid);
    assert.deepEqual(await completeAccountLink(deps, pending, 'bob'), { ok: false, error: 'invalid_login' });
    assert.equal(calls.length, 0);
    assert.deepEqual(links.listLinksOfUser('bob'), []);
    assert.ok((await completeAccountLink(deps, pending, 'rita')).ok);
    assert.deepEqual(links.findUsernamesLinkedTo('webpros', 'sub-1'), ['rita']);
  });

  test('refuses a link request whose tokens have expired', async () => {
    const { deps, links, calls } = setup(valid);
    const expired = { ...pending, tokenExpiresAt: deps.clock.now().getTime() };
    assert.deepEqual(await completeAccountLink(deps, expired, 'root'), {
      ok: false,
      error: 'openid_access_token_expired',
    });
    assert.equal(calls.length, 0);
    assert.deepEqual(links.listLinksOfUser('root'), []);
  });
});
