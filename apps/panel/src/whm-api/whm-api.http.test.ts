import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestEnv, submitLoginForm, TEST_ROOT_PASSWORD, type TestEnv } from '../test-support/harness.js';
import { basicAuth, callWhmApi } from '../test-support/whm-api-client.js';
import { whmApiFunctions } from './registry.js';

describe('WHM API 1: authentication, envelope and dispatch', () => {
  let env: TestEnv;
  before(async () => {
    // This suite sends wrong passwords to every function; the attempt limit has its own suite
    // (flows/sign-in/password-attempts.http.test.ts).
    env = await startTestEnv({
      env: { PANEL_LOGIN_MAX_FAILURES_PER_USER: '1000', PANEL_LOGIN_MAX_FAILURES_PER_IP: '1000' },
    });
  });
  after(() => env.close());

  test('answers the §8 envelope: command, reason "OK", result 1, version 1, and data', async () => {
    const { res, body } = await callWhmApi(env, 'get_available_authentication_providers');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    assert.deepEqual(body.metadata, {
      command: 'get_available_authentication_providers',
      reason: 'OK',
      result: 1,
      version: 1,
    });
    assert.ok(Array.isArray(body.data?.providers));
  });

  test('every function refuses a call without credentials with 401 and the envelope', async () => {
    for (const fn of Object.keys(whmApiFunctions)) {
      const { res, body } = await callWhmApi(env, fn, {}, { authorization: null });
      assert.equal(res.status, 401, fn);
      assert.equal(res.headers.get('www-authenticate'), 'Basic realm="WHM"');
      assert.equal(body.metadata.command, fn);
      assert.equal(body.metadata.result, 0);
      assert.match(body.metadata.reason, /^Access denied: authenticate with an API token/);
      assert.equal(body.data, undefined);
    }
  });

  test('every function refuses a wrong token, a wrong password and an unknown scheme with 403', async () => {
    const wrong = [
      'whm root:ABCDEFGHIJKLMNOPQRSTUVWXYZ012345',
      'whm root:short',
      basicAuth('root', 'not-the-password'),
      basicAuth('nobody', TEST_ROOT_PASSWORD),
      'Basic !!!',
    ];
    for (const fn of Object.keys(whmApiFunctions)) {
      for (const authorization of wrong) {
        const { res, body } = await callWhmApi(env, fn, {}, { authorization });
        assert.equal(res.status, authorization === 'Basic !!!' ? 401 : 403, `${fn} ${authorization}`);
        assert.equal(body.metadata.result, 0);
      }
    }
  });

  test('api_token_create returns the token once; it authenticates until api_token_revoke', async () => {
    const created = await callWhmApi(env, 'api_token_create', { token_name: 'ci-token' });
    assert.equal(created.body.metadata.result, 1);
    const token = String(created.body.data?.token);
    assert.match(token, /^[A-Z0-9]{32}$/);
    assert.equal(created.body.data?.name, 'ci-token');
    const asToken = { authorization: `whm root:${token}` };
    assert.equal((await callWhmApi(env, 'get_users_authn_linked_accounts', {}, asToken)).body.metadata.result, 1);
    const again = await callWhmApi(env, 'api_token_create', { token_name: 'ci-token' });
    assert.equal(again.body.metadata.reason, 'An API token named “ci-token” already exists.');
    assert.equal(
      (await callWhmApi(env, 'api_token_create', {})).body.metadata.reason,
      'You must specify the parameter “token_name”.',
    );
    assert.equal(
      (await callWhmApi(env, 'api_token_create', { token_name: 'bad name!' })).body.metadata.reason,
      'The value of the parameter “token_name” is not valid.',
    );
    const revoked = await callWhmApi(env, 'api_token_revoke', { token_name: 'ci-token' }, asToken);
    assert.deepEqual(revoked.body, {
      metadata: { command: 'api_token_revoke', reason: 'OK', result: 1, version: 1 },
    });
    assert.equal((await callWhmApi(env, 'get_users_authn_linked_accounts', {}, asToken)).res.status, 403);
    const unknown = await callWhmApi(env, 'api_token_revoke', { token_name: 'ci-token' });
    assert.equal(unknown.body.metadata.reason, 'The API token “ci-token” does not exist.');
    assert.equal(
      (await callWhmApi(env, 'api_token_revoke', {})).body.metadata.reason,
      'You must specify the parameter “token_name”.',
    );
  });

  test('an unknown function gets the envelope with result 0 naming it, never an HTML 404', async () => {
    const { res, body } = await callWhmApi(env, 'no_such_function');
    assert.equal(res.status, 200);
    assert.deepEqual(body.metadata, {
      command: 'no_such_function',
      reason: 'Unknown app (“no_such_function”) requested for this version (1) of the API.',
      result: 0,
      version: 1,
    });
    const proto = await callWhmApi(env, '__proto__');
    assert.equal(proto.body.metadata.result, 0);
  });

  test('asks for api.version=1, and refuses repeated parameters', async () => {
    const res = await env.browser.request('GET', `${env.url}/json-api/get_users_authn_linked_accounts`, {
      headers: { authorization: basicAuth('root', TEST_ROOT_PASSWORD) },
    });
    assert.equal(res.json<{ metadata: { reason: string } }>().metadata.reason.includes('api.version=1'), true);
    const repeated = await env.browser.request(
      'GET',
      `${env.url}/json-api/enable_authentication_provider?api.version=1&provider_id=webpros&provider_id=x&service_name=whostmgrd`,
      { headers: { authorization: basicAuth('root', TEST_ROOT_PASSWORD) } },
    );
    assert.equal(
      repeated.json<{ metadata: { reason: string } }>().metadata.reason,
      'The parameter “provider_id” must be given only once.',
    );
  });

  test('takes POST form parameters as well as the query string', async () => {
    const { body } = await callWhmApi(
      env,
      'get_provider_client_configurations',
      { provider_id: 'webpros', service_name: 'whostmgrd' },
      { method: 'POST' },
    );
    assert.equal(body.metadata.result, 1);
  });

  test('a logged-in root session may call it under /cpsessN/ without a header; a wrong token may not', async () => {
    env.browser.cookies.clear();
    const login = await submitLoginForm(env.browser, await env.browser.get(`${env.url}/`), 'root', TEST_ROOT_PASSWORD);
    const prefix = new URL(login.location ?? '').pathname.replace(/\/$/, '');
    const ok = await callWhmApi(env, 'get_users_authn_linked_accounts', {}, { authorization: null, prefix });
    assert.equal(ok.res.status, 200);
    assert.equal(ok.body.metadata.result, 1);
    const wrong = await callWhmApi(
      env,
      'get_users_authn_linked_accounts',
      {},
      {
        authorization: null,
        prefix: '/cpsess0000000000',
      },
    );
    assert.equal(wrong.res.status, 401);
    assert.equal(wrong.body.metadata.reason, 'The security token in your request is invalid.');
    env.browser.cookies.clear();
    const none = await callWhmApi(env, 'get_users_authn_linked_accounts', {}, { authorization: null, prefix });
    assert.equal(none.res.status, 401);
    assert.equal(none.body.metadata.result, 0);
  });
});
