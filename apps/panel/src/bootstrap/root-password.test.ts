import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { systemClock } from '@extauth/server-kit/clock';
import { FAST_TEST_SCRYPT, verifyPassword } from '@extauth/server-kit/passwords';
import { openPanelDatabase } from '../store/database.js';
import { createUserStore } from '../store/users.store.js';
import { ensureRootPassword, generateRootPassword } from './root-password.js';

function setup() {
  const panelDir = fs.mkdtempSync(path.join(os.tmpdir(), 'panel-root-'));
  const users = createUserStore(openPanelDatabase(':memory:'));
  const run = (envPassword: string | undefined, mode: 'disk' | 'memory' = 'disk') =>
    ensureRootPassword({
      users,
      clock: systemClock,
      hashParams: FAST_TEST_SCRYPT,
      envPassword,
      panelDir: mode === 'disk' ? panelDir : undefined,
    });
  const rootHash = () => users.findUser('root')?.passwordHash ?? '';
  return { panelDir, users, run, rootHash };
}

describe('root password', () => {
  test('generates readable passwords from the CSPRNG', () => {
    const a = generateRootPassword();
    assert.match(a, /^[a-km-zA-HJ-NP-Z2-9]{6}(-[a-km-zA-HJ-NP-Z2-9]{6}){3}$/);
    assert.notEqual(a, generateRootPassword());
  });

  test('without env: written once to an owner-only file, and only its hash is stored', async () => {
    const { panelDir, run, rootHash } = setup();
    const source = await run(undefined);
    const file = path.join(panelDir, 'root-password.txt');
    assert.deepEqual(source, { source: 'file', file });
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    const password = fs.readFileSync(file, 'utf8').trim();
    assert.match(rootHash(), /^scrypt\$/);
    assert.ok(!rootHash().includes(password));
    assert.ok(await verifyPassword(password, rootHash()));
    const before = rootHash();
    await run(undefined);
    assert.equal(fs.readFileSync(file, 'utf8').trim(), password, 'never rewritten');
    assert.equal(rootHash(), before, 'not rehashed on restart');
  });

  test('a file password stays valid after the file is deleted', async () => {
    const { panelDir, run, rootHash } = setup();
    await run(undefined);
    const password = fs.readFileSync(path.join(panelDir, 'root-password.txt'), 'utf8').trim();
    fs.rmSync(path.join(panelDir, 'root-password.txt'));
    await run(undefined);
    assert.ok(await verifyPassword(password, rootHash()));
  });

  test('the env password applies, and a changed env password replaces it', async () => {
    const { run, rootHash } = setup();
    assert.deepEqual(await run('first-password'), { source: 'env' });
    assert.ok(await verifyPassword('first-password', rootHash()));
    const hash = rootHash();
    await run('first-password');
    assert.equal(rootHash(), hash, 'unchanged env password: no new hash');
    await run('second-password');
    assert.ok(await verifyPassword('second-password', rootHash()));
    assert.ok(!(await verifyPassword('first-password', rootHash())));
  });

  test('dropping the env variable goes back to the file password', async () => {
    const { panelDir, run, rootHash } = setup();
    await run('from-env');
    await run(undefined);
    const password = fs.readFileSync(path.join(panelDir, 'root-password.txt'), 'utf8').trim();
    assert.ok(await verifyPassword(password, rootHash()));
  });

  test('in memory mode without env: generated and returned, nothing written', async () => {
    const { panelDir, run, rootHash } = setup();
    const source = await run(undefined, 'memory');
    assert.equal(source.source, 'memory');
    assert.ok(source.source === 'memory' && (await verifyPassword(source.value, rootHash())));
    assert.deepEqual(fs.readdirSync(panelDir), []);
  });
});
