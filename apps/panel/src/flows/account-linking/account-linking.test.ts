import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createAdjustableClock } from '@extauth/server-kit/clock';
import { silentLogger } from '@extauth/server-kit/logger';
import type { IdTokenVerification } from '../../oidc/id-token-verifier.js';
import type { RelyingParty } from '../../oidc/relying-party.js';
import { createDemoProviderRegistry } from '../../providers/provider-state.js';
import { openPanelDatabase } from '../../store/database.js';
import { createLinkStore } from '../../store/links.store.js';
import { createUserStore } from '../../store/users.store.js';
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
  users.setPassword('bob', 'scrypt$y', 'env', clock.now());
  const calls: { idToken: string; expected: unknown }[] = [];
  const relyingParty = {
    verifyIdToken: async (_creds: unknown, idToken: string, expected: unknown) => {
      calls.push({ idToken, expected });
      return verification;
    },
  } as unknown as RelyingParty;
  const links = createLinkStore(db);
  const deps = {
    providers: createDemoProviderRegistry({ client_id: 'c', client_secret: 's' }),
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

  test('only root may link in WHM for the WebPros admin feature', async () => {
    const { deps, links, calls } = setup(valid);
    assert.deepEqual(await completeAccountLink(deps, pending, 'bob'), { ok: false, error: 'invalid_login' });
    assert.equal(calls.length, 0);
    assert.deepEqual(links.listLinksOfUser('bob'), []);
  });
});
