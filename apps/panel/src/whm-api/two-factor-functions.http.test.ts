import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createAdjustableClock } from '@extauth/server-kit/clock';
import { startTestEnv, type TestEnv } from '../test-support/harness.js';
import { codeAt } from '../test-support/two-factor.js';
import { basicAuth, callWhmApi } from '../test-support/whm-api-client.js';

const BASE_MS = Math.floor(Date.now() / 30_000) * 30_000 + 10_000;
const clock = createAdjustableClock({ now: () => new Date(BASE_MS) });
const ok = (command: string) => ({ command, reason: 'OK', result: 1, version: 1 });

describe('WHM API 1: two-factor authentication functions', () => {
  let env: TestEnv;
  before(async () => {
    env = await startTestEnv({ clock });
    await callWhmApi(env, 'createacct', { username: 'rita', password: 'rita-password-1', domain: 'rita.example.test' });
  });
  after(() => env.close());

  test('twofactorauth_enable_policy / disable_policy switch what twofactorauth_policy_status reports', async () => {
    assert.deepEqual((await callWhmApi(env, 'twofactorauth_policy_status')).body, {
      metadata: ok('twofactorauth_policy_status'),
      data: { is_enabled: 0 },
    });
    assert.deepEqual((await callWhmApi(env, 'twofactorauth_enable_policy')).body, {
      metadata: ok('twofactorauth_enable_policy'),
    });
    assert.equal((await callWhmApi(env, 'twofactorauth_policy_status')).body.data?.is_enabled, 1);
    await callWhmApi(env, 'twofactorauth_disable_policy', {}, { method: 'POST' });
    assert.equal((await callWhmApi(env, 'twofactorauth_policy_status')).body.data?.is_enabled, 0);
  });

  test('twofactorauth_generate_tfa_config gives 16 base32 characters and the otpauth URI of §10', async () => {
    const { body } = await callWhmApi(env, 'twofactorauth_generate_tfa_config');
    const secret = String(body.data?.secret);
    assert.match(secret, /^[A-Z2-7]{16}$/);
    assert.equal(body.data?.otpauth_str, `otpauth://totp/localhost:root?secret=${secret}&issuer=localhost`);
    const next = await callWhmApi(env, 'twofactorauth_generate_tfa_config');
    assert.notEqual(next.body.data?.secret, secret);
  });

  test('twofactorauth_set_tfa_config: a wrong tfa_token gives the WHM reason; a right one saves the secret', async () => {
    const secret = String((await callWhmApi(env, 'twofactorauth_generate_tfa_config')).body.data?.secret);
    const wrong = await callWhmApi(env, 'twofactorauth_set_tfa_config', {
      secret,
      tfa_token: codeAt(secret, clock, 2),
    });
    assert.equal(wrong.res.status, 200);
    assert.deepEqual(wrong.body, {
      metadata: {
        command: 'twofactorauth_set_tfa_config',
        reason: 'The security code is invalid.',
        result: 0,
        version: 1,
      },
    });
    const reason = async (params: Record<string, string>) =>
      (await callWhmApi(env, 'twofactorauth_set_tfa_config', params)).body.metadata.reason;
    assert.equal(await reason({ secret }), 'You must specify the parameter “tfa_token”.');
    assert.equal(await reason({ tfa_token: '123456' }), 'You must specify the parameter “secret”.');
    assert.equal(
      await reason({ secret: 'NOT-BASE32-AT-ALL', tfa_token: '123456' }),
      'The value of the parameter “secret” must be 16 to 32 base32 characters (A–Z, 2–7).',
    );
    assert.deepEqual((await callWhmApi(env, 'twofactorauth_get_user_configs', { user: 'root' })).body.data, {
      root: { is_enabled: 0, primary_domain: 'localhost' },
    });
    const right = await callWhmApi(
      env,
      'twofactorauth_set_tfa_config',
      { secret, tfa_token: codeAt(secret, clock) },
      { method: 'POST' },
    );
    assert.deepEqual(right.body, { metadata: ok('twofactorauth_set_tfa_config'), data: { success: 1 } });
  });

  test('twofactorauth_get_user_configs lists every account with is_enabled and primary_domain (root: hostname)', async () => {
    assert.deepEqual((await callWhmApi(env, 'twofactorauth_get_user_configs')).body.data, {
      rita: { is_enabled: 0, primary_domain: 'rita.example.test' },
      root: { is_enabled: 1, primary_domain: 'localhost' },
    });
    assert.equal(
      (await callWhmApi(env, 'twofactorauth_get_user_configs', { user: 'ghost' })).body.metadata.reason,
      'You do not have access to an account named “ghost”.',
    );
  });

  test('twofactorauth_remove_user_config takes user, user-1, … and reports each one', async () => {
    const { body } = await callWhmApi(env, 'twofactorauth_remove_user_config', {
      user: 'root',
      'user-1': 'rita',
      'user-2': 'ghost',
    });
    assert.deepEqual(body, {
      metadata: ok('twofactorauth_remove_user_config'),
      data: {
        failed: {
          rita: 'The user “rita” has not configured Two-Factor Authentication.',
          ghost: 'You do not have access to an account named “ghost”.',
        },
        users_modified: ['root'],
      },
    });
    assert.deepEqual((await callWhmApi(env, 'twofactorauth_get_user_configs', { user: 'root' })).body.data, {
      root: { is_enabled: 0, primary_domain: 'localhost' },
    });
    assert.equal(
      (await callWhmApi(env, 'twofactorauth_remove_user_config')).body.metadata.reason,
      'You must specify the parameter “user”.',
    );
  });

  test('twofactorauth_set_issuer strips quotes, checks length and characters; the issuer reaches the otpauth URI', async () => {
    assert.deepEqual((await callWhmApi(env, 'twofactorauth_get_issuer')).body.data, {
      issuer: 'localhost',
      system_wide_issuer: '',
    });
    assert.deepEqual((await callWhmApi(env, 'twofactorauth_set_issuer', { issuer: '"My Host_1.example-2"' })).body, {
      metadata: ok('twofactorauth_set_issuer'),
    });
    assert.deepEqual((await callWhmApi(env, 'twofactorauth_get_issuer')).body.data, {
      issuer: 'My Host_1.example-2',
      system_wide_issuer: 'My Host_1.example-2',
    });
    const uri = String((await callWhmApi(env, 'twofactorauth_generate_tfa_config')).body.data?.otpauth_str);
    assert.match(
      uri,
      /^otpauth:\/\/totp\/My%20Host_1\.example-2:root\?secret=[A-Z2-7]{16}&issuer=My%20Host_1\.example-2$/,
    );
    const invalid =
      'The issuer must have no more than 32 characters, and only letters, numbers, spaces, periods (.), underscores (_), and hyphens (-).';
    for (const issuer of ['x'.repeat(33), 'a:b', 'café']) {
      assert.equal(
        (await callWhmApi(env, 'twofactorauth_set_issuer', { issuer })).body.metadata.reason,
        invalid,
        issuer,
      );
    }
    await callWhmApi(env, 'twofactorauth_set_issuer', {});
    assert.deepEqual((await callWhmApi(env, 'twofactorauth_get_issuer')).body.data, {
      issuer: 'localhost',
      system_wide_issuer: '',
    });
  });

  test('the functions are root’s: a reseller is refused with 403', async () => {
    await callWhmApi(env, 'setupreseller', { user: 'rita' });
    const asReseller = await callWhmApi(
      env,
      'twofactorauth_remove_user_config',
      { user: 'root' },
      {
        authorization: basicAuth('rita', 'rita-password-1'),
      },
    );
    assert.equal(asReseller.res.status, 403);
    assert.equal(asReseller.body.metadata.reason, 'Access denied: only “root” may call this function.');
  });
});
