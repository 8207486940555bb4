import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createAdjustableClock } from '@extauth/server-kit/clock';
import { createSealer, randomToken, sha256Hex } from '@extauth/server-kit/crypto';
import { openPanelDatabase } from '../store/database.js';
import { createSessionStore } from '../store/sessions.store.js';
import { createUserStore } from '../store/users.store.js';
import { AUTHENTICATED_IDLE_TIMEOUT_MS, createSessionManager, PRE_AUTH_IDLE_TIMEOUT_MS } from './session-manager.js';

function setup() {
  const db = openPanelDatabase(':memory:');
  createUserStore(db).setPassword('root', 'scrypt$x', 'env', new Date());
  // A fixed base, so only `advance` moves time.
  const clock = createAdjustableClock({ now: () => new Date('2026-12-03T12:00:00Z') });
  const manager = createSessionManager({ store: createSessionStore(db), sealer: createSealer(randomToken(32)), clock });
  return { db, clock, manager };
}

const pendingLink = {
  providerId: 'webpros',
  subject: 'sub-1',
  idToken: 'eyJ.secret-id-token.sig',
  preferredUsername: 'demo@example.com',
  alreadyLinked: false,
  gotoUri: '/',
};

describe('session manager', () => {
  test('stores only the hash of the id and seals the data', () => {
    const { db, manager } = setup();
    const session = manager.startSession(null, { pendingLink });
    assert.match(session.id, /^[A-Za-z0-9_-]{43}$/);
    assert.match(session.securityToken, /^\d{10}$/);
    const row = db.prepare('SELECT * FROM sessions').get() as Record<string, unknown>;
    assert.equal(row.id_hash, sha256Hex(session.id));
    assert.ok(!JSON.stringify(row).includes(session.id));
    assert.ok(!JSON.stringify(row).includes('secret-id-token'));
    const loaded = manager.loadSession(session.id);
    assert.equal(loaded.status, 'active');
    assert.deepEqual(loaded.status === 'active' && loaded.session.data, { pendingLink });
  });

  test('expires pre-auth sessions after 15 idle minutes and logged-in ones after an hour', () => {
    const { clock, manager } = setup();
    const pre = manager.startSession(null, {});
    const full = manager.startSession('root', {});
    clock.advance(PRE_AUTH_IDLE_TIMEOUT_MS - 1);
    assert.equal(manager.loadSession(pre.id).status, 'active');
    clock.advance(PRE_AUTH_IDLE_TIMEOUT_MS - 1);
    assert.equal(manager.loadSession(full.id).status, 'active');
    assert.equal(manager.loadSession(pre.id).status, 'active', 'the previous request slid the expiry');
    clock.advance(PRE_AUTH_IDLE_TIMEOUT_MS + 1);
    assert.equal(manager.loadSession(pre.id).status, 'expired');
    clock.advance(AUTHENTICATED_IDLE_TIMEOUT_MS + 1);
    assert.equal(manager.loadSession(full.id).status, 'expired');
  });

  test('tells a missing, malformed, unknown and destroyed cookie apart', () => {
    const { manager } = setup();
    assert.equal(manager.loadSession(undefined).status, 'none');
    assert.equal(manager.loadSession('short').status, 'malformed');
    assert.equal(manager.loadSession(randomToken(32)).status, 'expired');
    const session = manager.startSession('root', {});
    manager.destroySession(session);
    assert.equal(manager.loadSession(session.id).status, 'expired');
  });

  test('treats data sealed for another session as unreadable', () => {
    const { db, manager } = setup();
    const a = manager.startSession(null, { pendingLink });
    const b = manager.startSession(null, {});
    db.prepare('UPDATE sessions SET data = (SELECT data FROM sessions WHERE id_hash = ?) WHERE id_hash = ?').run(
      sha256Hex(a.id),
      sha256Hex(b.id),
    );
    assert.equal(manager.loadSession(b.id).status, 'malformed');
    assert.equal(manager.loadSession(a.id).status, 'active');
  });
});
