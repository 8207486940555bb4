import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { createSealer, randomToken, sha256Hex } from '@extauth/server-kit/crypto';
import { silentLogger } from '@extauth/server-kit/logger';
import { startRowSweeper } from '@extauth/server-kit/sqlite';
import { openIdpDatabase } from '../store/database.js';
import { idpExpiredRowTasks } from '../store/expired-rows.js';
import { createSqliteOidcModelStore } from '../store/oidc-models.js';
import { createOidcAdapterFactory } from './adapter.js';

function setup(dataDir?: string) {
  const db = openIdpDatabase(dataDir);
  const store = createSqliteOidcModelStore(db);
  let now = Date.UTC(2026, 0, 1);
  const adapter = createOidcAdapterFactory({ store, sealer: createSealer(randomToken(32)), nowMs: () => now });
  return {
    db,
    store,
    adapter,
    advance: (ms: number) => {
      now += ms;
    },
    nowMs: () => now,
  };
}

describe('oidc-provider adapter on SQLite', () => {
  test('finds what was upserted, per model, and replaces it on a second upsert', async () => {
    const { adapter, db } = setup();
    const codes = adapter('AuthorizationCode');
    await codes.upsert('code-1', { accountId: 'a1', grantId: 'g1' }, 60);
    assert.deepEqual(await codes.find('code-1'), { accountId: 'a1', grantId: 'g1' });
    assert.equal(await adapter('AccessToken').find('code-1'), undefined, 'models do not share ids');
    await codes.upsert('code-1', { accountId: 'a2', grantId: 'g1' }, 60);
    assert.equal((await codes.find('code-1'))?.accountId, 'a2');
    assert.equal(await codes.find('missing'), undefined);
    db.close();
  });

  test('finds sessions by uid and device codes by user code', async () => {
    const { adapter, db } = setup();
    await adapter('Session').upsert('session-id', { uid: 'uid-1', accountId: 'a1' }, 60);
    assert.equal((await adapter('Session').findByUid('uid-1'))?.accountId, 'a1');
    assert.equal(await adapter('Session').findByUid('uid-2'), undefined);
    await adapter('DeviceCode').upsert('device-id', { userCode: 'ABCD-EFGH', grantId: 'g' }, 60);
    assert.equal((await adapter('DeviceCode').findByUserCode('ABCD-EFGH'))?.grantId, 'g');
    db.close();
  });

  test('consume marks the record once with an epoch-seconds timestamp', async () => {
    const { adapter, db, store, nowMs } = setup();
    const codes = adapter('AuthorizationCode');
    await codes.upsert('code-1', { grantId: 'g1' }, 60);
    await codes.consume('code-1');
    assert.equal((await codes.find('code-1'))?.consumed, Math.floor(nowMs() / 1000));
    assert.equal(
      store.consumeOidcModel('AuthorizationCode', sha256Hex('code-1'), nowMs()),
      false,
      'a second consume does not win',
    );
    await assert.rejects(codes.consume('code-1'), { name: 'InvalidGrant', error: 'invalid_grant' });
    await assert.rejects(codes.consume('never-issued'), { name: 'InvalidGrant' });
    db.close();
  });

  test('a consume that loses revokes the grant: its grant, codes and tokens go, other grants stay', async () => {
    const { adapter, db } = setup();
    await adapter('Grant').upsert('g1', { accountId: 'a1', clientId: 'c' }, 600);
    await adapter('AuthorizationCode').upsert('code-1', { grantId: 'g1' }, 60);
    await adapter('AccessToken').upsert('at-of-winner', { grantId: 'g1' }, 600);
    await adapter('RefreshToken').upsert('rt-of-winner', { grantId: 'g1' }, 600);
    await adapter('Grant').upsert('g2', { accountId: 'a1', clientId: 'c' }, 600);
    await adapter('AccessToken').upsert('at-of-g2', { grantId: 'g2' }, 600);
    await adapter('AuthorizationCode').consume('code-1');

    await assert.rejects(adapter('AuthorizationCode').consume('code-1'), { name: 'InvalidGrant' });
    assert.equal(await adapter('Grant').find('g1'), undefined);
    assert.equal(await adapter('AuthorizationCode').find('code-1'), undefined);
    assert.equal(await adapter('AccessToken').find('at-of-winner'), undefined);
    assert.equal(await adapter('RefreshToken').find('rt-of-winner'), undefined);
    assert.ok(await adapter('Grant').find('g2'), 'another grant is untouched');
    assert.ok(await adapter('AccessToken').find('at-of-g2'));
    db.close();
  });

  test('does not return expired records, and the sweeper deletes them', async () => {
    const { adapter, db, advance, nowMs } = setup();
    await adapter('AccessToken').upsert('short', { grantId: 'g' }, 10);
    await adapter('AccessToken').upsert('long', { grantId: 'g' }, 1000);
    await adapter('Client').upsert('forever', { client_id: 'c' });
    advance(10_000);
    assert.equal(await adapter('AccessToken').find('short'), undefined);
    assert.ok(await adapter('AccessToken').find('long'));
    const sweeper = startRowSweeper({
      tasks: idpExpiredRowTasks(db, { nowMs, clockMs: nowMs, rateLimitWindowMs: 60_000 }),
      intervalMs: 60_000,
      logger: silentLogger,
    });
    assert.deepEqual(await sweeper.sweepNow(), { oidc_models: 1 });
    await sweeper.stop();
    assert.equal(db.prepare('SELECT COUNT(*) FROM oidc_models').pluck().get(), 2);
    assert.ok(await adapter('Client').find('forever'));
    db.close();
  });

  test('revokeByGrantId deletes that grant’s records of that model only', async () => {
    const { adapter, db } = setup();
    await adapter('AccessToken').upsert('at-1', { grantId: 'g1' }, 60);
    await adapter('AccessToken').upsert('at-2', { grantId: 'g2' }, 60);
    await adapter('RefreshToken').upsert('rt-1', { grantId: 'g1' }, 60);
    await adapter('AccessToken').revokeByGrantId('g1');
    assert.equal(await adapter('AccessToken').find('at-1'), undefined);
    assert.ok(await adapter('AccessToken').find('at-2'));
    assert.ok(await adapter('RefreshToken').find('rt-1'));
    await adapter('RefreshToken').destroy('rt-1');
    assert.equal(await adapter('RefreshToken').find('rt-1'), undefined);
    db.close();
  });

  test('stores no token id, uid, grant id or payload value in plaintext on disk', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idp-adapter-'));
    const { adapter, db } = setup(dir);
    const tokenId = `tok_${randomToken(24)}`;
    const uid = `uid_${randomToken(24)}`;
    const grantId = `grant_${randomToken(24)}`;
    await adapter('AccessToken').upsert(tokenId, { grantId, accountId: 'account-marker-42' }, 3600);
    await adapter('Session').upsert(`sess_${randomToken(24)}`, { uid, accountId: 'account-marker-42' }, 3600);
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    const bytes = Buffer.concat(
      fs.readdirSync(path.join(dir, 'idp')).map((name) => fs.readFileSync(path.join(dir, 'idp', name))),
    );
    for (const secret of [tokenId, uid, grantId, 'account-marker-42']) {
      assert.equal(bytes.includes(Buffer.from(secret)), false, `${secret} found in the database files`);
    }
    assert.ok(bytes.length > 0);
  });

  test('refuses a payload moved to another row (the ciphertext is bound to model and id)', async () => {
    const { adapter, db } = setup();
    await adapter('AccessToken').upsert('at-1', { accountId: 'a1' }, 60);
    await adapter('AccessToken').upsert('at-2', { accountId: 'a2' }, 60);
    db.exec(`UPDATE oidc_models SET payload = (SELECT payload FROM oidc_models ORDER BY rowid LIMIT 1)`);
    await assert.rejects(adapter('AccessToken').find('at-2'));
    db.close();
  });
});
