import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { applyMigrations, openDatabase } from '@extauth/server-kit/sqlite';
import { createApiTokenStore } from './api-tokens.store.js';
import { openPanelDatabase, panelMigrations } from './database.js';
import { createProviderStore } from './providers.store.js';
import { createUserStore } from './users.store.js';

const now = new Date('2026-12-03T12:00:00Z');

describe('panel accounts in the user store', () => {
  test('creates an account once per username and per domain, then marks it a reseller', () => {
    const users = createUserStore(openPanelDatabase(':memory:'));
    const account = { username: 'rita', passwordHash: 'scrypt$a', domain: 'rita.test', contactEmail: 'r@x.test' };
    assert.equal(users.createAccount(account, now), 'created');
    assert.equal(users.createAccount(account, now), 'username_taken');
    assert.equal(users.createAccount({ ...account, username: 'other' }, now), 'domain_taken');
    assert.equal(users.findUser('rita')?.reseller, false);
    assert.equal(users.markReseller('rita', now), true);
    assert.equal(users.markReseller('ghost', now), false);
    assert.deepEqual(users.findUser('rita'), {
      username: 'rita',
      passwordHash: 'scrypt$a',
      passwordOrigin: 'api',
      domain: 'rita.test',
      contactEmail: 'r@x.test',
      reseller: true,
    });
    assert.deepEqual(
      users.listUsers().map((u) => u.username),
      ['rita'],
    );
  });
});

describe('provider store', () => {
  test('keeps the client configuration, enabled services and display overrides per provider', () => {
    const store = createProviderStore(openPanelDatabase(':memory:'));
    assert.equal(store.findClientConfig('webpros'), undefined);
    store.saveClientConfig('webpros', { source: 'licence' }, now);
    assert.deepEqual(store.findClientConfig('webpros'), { source: 'licence' });
    store.saveClientConfig('webpros', { source: 'admin', clientId: 'id', sealedClientSecret: 'v1.x' }, now);
    assert.deepEqual(store.findClientConfig('webpros'), {
      source: 'admin',
      clientId: 'id',
      sealedClientSecret: 'v1.x',
    });
    store.setServiceEnabled('webpros', 'whostmgrd', true, now);
    store.setServiceEnabled('webpros', 'whostmgrd', true, now);
    store.setServiceEnabled('webpros', 'cpaneld', true, now);
    store.setServiceEnabled('webpros', 'cpaneld', false, now);
    assert.deepEqual(store.listEnabledServices('webpros'), ['whostmgrd']);
    store.saveDisplayOverrides('webpros', 'whostmgrd', '{"color":"fff"}', now);
    assert.equal(store.findDisplayOverrides('webpros', 'whostmgrd'), '{"color":"fff"}');
    assert.equal(store.findDisplayOverrides('webpros', 'cpaneld'), undefined);
  });

  test('seeds a profile exactly once', () => {
    const store = createProviderStore(openPanelDatabase(':memory:'));
    let runs = 0;
    assert.equal(
      store.seedOnce('fresh', now, () => {
        runs += 1;
      }),
      true,
    );
    assert.equal(
      store.seedOnce('demo', now, () => {
        runs += 1;
      }),
      false,
    );
    assert.equal(runs, 1);
    assert.equal(store.findSeededProfile(), 'fresh');
  });
});

describe('API token store', () => {
  test('finds a token by its hash only, refuses a second token of the same name, and revokes', () => {
    const db = openPanelDatabase(':memory:');
    createUserStore(db).setPassword('root', 'scrypt$x', 'env', now);
    const tokens = createApiTokenStore(db);
    assert.equal(tokens.insertToken({ username: 'root', name: 'ci', tokenHash: 'h1', createdAt: 1 }), true);
    assert.equal(tokens.insertToken({ username: 'root', name: 'ci', tokenHash: 'h2', createdAt: 2 }), false);
    assert.deepEqual(tokens.findTokenByHash('h1'), { username: 'root', name: 'ci', createdAt: 1 });
    assert.equal(tokens.findTokenByHash('h2'), undefined);
    assert.equal(tokens.revokeToken('root', 'ci'), true);
    assert.equal(tokens.revokeToken('root', 'ci'), false);
    assert.equal(tokens.findTokenByHash('h1'), undefined);
  });
});

describe('migration 2 on a database from the first release', () => {
  test('keeps users and links, and adds the account columns with their defaults', () => {
    const db = openDatabase({ file: ':memory:', migrations: panelMigrations.filter((m) => m.version === 1) });
    db.prepare(
      "INSERT INTO users (username, password_hash, password_origin, created_at, updated_at) VALUES ('root', 'h', 'file', 0, 0)",
    ).run();
    applyMigrations(db, panelMigrations);
    assert.deepEqual(createUserStore(db).findUser('root'), {
      username: 'root',
      passwordHash: 'h',
      passwordOrigin: 'file',
      domain: null,
      contactEmail: null,
      reseller: false,
    });
  });
});
