import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { applyMigrations, openDatabase } from '@extauth/server-kit/sqlite';
import { openPanelDatabase, panelMigrations } from './database.js';
import { createLinkStore } from './links.store.js';
import { createLoginFailureStore } from './login-failures.store.js';
import { createSessionStore } from './sessions.store.js';
import { createUserStore } from './users.store.js';

const now = new Date('2026-12-03T12:00:00Z');

function stores() {
  const db = openPanelDatabase(':memory:');
  const users = createUserStore(db);
  users.setPassword('root', 'scrypt$hash-1', 'env', now);
  users.setPassword('reseller1', 'scrypt$hash-2', 'env', now);
  return { db, users, links: createLinkStore(db), sessions: createSessionStore(db) };
}

describe('user store', () => {
  test('creates a user, then replaces its hash and origin', () => {
    const { users } = stores();
    assert.deepEqual(users.findUser('root'), {
      username: 'root',
      passwordHash: 'scrypt$hash-1',
      passwordOrigin: 'env',
      domain: null,
      contactEmail: null,
      reseller: false,
    });
    users.setPassword('root', 'scrypt$hash-3', 'file', now);
    assert.deepEqual(users.findUser('root'), {
      username: 'root',
      passwordHash: 'scrypt$hash-3',
      passwordOrigin: 'file',
      domain: null,
      contactEmail: null,
      reseller: false,
    });
    assert.equal(users.findUser('nobody'), undefined);
  });
});

describe('link store', () => {
  const link = (subject: string, username: string, preferredUsername = 'a@example.com') => ({
    providerId: 'webpros',
    subject,
    username,
    preferredUsername,
    linkTime: 1_800_000_000,
  });

  test('finds links by (provider, subject) only; the email label plays no part', () => {
    const { links } = stores();
    links.linkIdentity(link('sub-1', 'root', 'same@example.com'));
    assert.deepEqual(links.findUsernamesLinkedTo('webpros', 'sub-1'), ['root']);
    assert.deepEqual(links.findUsernamesLinkedTo('webpros', 'sub-2'), []);
    assert.deepEqual(links.findUsernamesLinkedTo('cpanelid', 'sub-1'), []);
    assert.deepEqual(links.findUsernamesLinkedTo('webpros', 'same@example.com'), []);
  });

  test('is many-to-many, and linking twice refreshes label and time without duplicating', () => {
    const { links } = stores();
    links.linkIdentity(link('sub-1', 'root'));
    links.linkIdentity(link('sub-1', 'reseller1'));
    links.linkIdentity(link('sub-2', 'root'));
    links.linkIdentity({ ...link('sub-1', 'root', 'new@example.com'), linkTime: 1_800_000_100 });
    assert.deepEqual(links.findUsernamesLinkedTo('webpros', 'sub-1'), ['reseller1', 'root']);
    const rootLinks = links.listLinksOfUser('root');
    assert.equal(rootLinks.length, 2);
    assert.deepEqual(
      rootLinks.find((l) => l.subject === 'sub-1'),
      { ...link('sub-1', 'root', 'new@example.com'), linkTime: 1_800_000_100 },
    );
  });

  test('unlinks one identity from one account and reports whether it existed', () => {
    const { links } = stores();
    links.linkIdentity(link('sub-1', 'root'));
    assert.equal(links.unlinkIdentity('webpros', 'sub-1', 'root'), true);
    assert.equal(links.unlinkIdentity('webpros', 'sub-1', 'root'), false);
    assert.deepEqual(links.listLinksOfUser('root'), []);
  });

  test('refuses a link to an account that does not exist', () => {
    const { links } = stores();
    assert.throws(() => links.linkIdentity(link('sub-1', 'ghost')), /FOREIGN KEY/);
  });
});

describe('session store', () => {
  const record = (idHash: string, expiresAt: number, username: string | null = null) => ({
    idHash,
    securityToken: '0123456789',
    username,
    sealedData: 'v1.sealed',
    createdAt: 0,
    lastSeenAt: 0,
    expiresAt,
  });

  test('finds only live sessions', () => {
    const { sessions } = stores();
    sessions.insertSession(record('a', 1000));
    sessions.insertSession(record('b', 3000, 'root'));
    assert.equal(sessions.findLiveSession('a', 999)?.idHash, 'a');
    assert.equal(sessions.findLiveSession('a', 1000), undefined);
    assert.equal(sessions.findLiveSession('b', 2000)?.username, 'root');
  });

  test('saves data, extends and destroys', () => {
    const { sessions } = stores();
    sessions.insertSession(record('a', 1000));
    sessions.saveSessionData('a', 'v1.other', 500, 5000);
    assert.equal(sessions.findLiveSession('a', 4000)?.sealedData, 'v1.other');
    sessions.extendSession('a', 4000, 9000);
    assert.equal(sessions.findLiveSession('a', 8000)?.lastSeenAt, 4000);
    sessions.destroySession('a');
    assert.equal(sessions.findLiveSession('a', 0), undefined);
  });
});

describe('login failure store', () => {
  test('counts failures per scope and key inside the window, finds the n-th, and clears a key', () => {
    const failures = createLoginFailureStore(openPanelDatabase(':memory:'));
    const t = now.getTime();
    failures.recordFailure('user', 'root', t);
    failures.recordFailure('user', 'root', t + 1000);
    failures.recordFailure('ip', 'root', t + 2000);
    assert.equal(failures.countFailuresSince('user', 'root', t), 2);
    assert.equal(failures.countFailuresSince('user', 'root', t + 1), 1);
    assert.equal(failures.nthFailureSince('user', 'root', t, 1), t + 1000);
    assert.equal(failures.nthFailureSince('user', 'root', t, 2), undefined);
    failures.recordFailure('user', 'admin', t + 5000);
    assert.equal(failures.countFailuresSince('ip', 'root', 0), 1);
    failures.clearFailures('user', 'admin');
    assert.equal(failures.countFailuresSince('user', 'admin', 0), 0);
  });

  test('takes back one failure by its id, leaving the others of the key', () => {
    const failures = createLoginFailureStore(openPanelDatabase(':memory:'));
    const t = now.getTime();
    failures.recordFailure('ip', '192.0.2.1', t);
    const counted = failures.recordFailure('ip', '192.0.2.1', t + 1000);
    failures.removeFailure(counted);
    assert.equal(failures.countFailuresSince('ip', '192.0.2.1', 0), 1);
    assert.equal(failures.nthFailureSince('ip', '192.0.2.1', 0, 0), t, 'the other one stays');
  });

  test('never takes back a failure that reused the rowid of one the sweeper removed', () => {
    const db = openPanelDatabase(':memory:');
    const failures = createLoginFailureStore(db);
    const t = now.getTime();
    const counted = failures.recordFailure('ip', '192.0.2.1', t);
    db.prepare('DELETE FROM login_failures').run();
    const stranger = failures.recordFailure('ip', '198.51.100.7', t + 1000);
    assert.equal(stranger.id, counted.id, 'SQLite reused the rowid');
    failures.removeFailure(counted);
    assert.equal(failures.countFailuresSince('ip', '198.51.100.7', 0), 1, "the stranger's failure stays");
  });

  test('migration 5 keeps the failures already counted and adds the 2FA prompt’s scope per address', () => {
    const db = openDatabase({ file: ':memory:', migrations: panelMigrations.filter((m) => m.version <= 4) });
    createLoginFailureStore(db).recordFailure('ip', '192.0.2.1', 1000);
    assert.throws(() => createLoginFailureStore(db).recordFailure('tfa_ip', '192.0.2.1', 2000), /CHECK constraint/);
    applyMigrations(db, panelMigrations);
    const failures = createLoginFailureStore(db);
    failures.recordFailure('tfa_ip', '192.0.2.1', 2000);
    assert.equal(failures.countFailuresSince('ip', '192.0.2.1', 0), 1);
    assert.equal(failures.countFailuresSince('tfa_ip', '192.0.2.1', 0), 1);
    assert.throws(() => db.prepare("INSERT INTO login_failures VALUES ('other', 'k', 0)").run(), /CHECK constraint/);
  });
});
