import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { logInViaWebPros, msgCodeOf, startTestEnv, submitLoginForm, type TestEnv } from '../test-support/harness.js';
import { basicAuth, callWhmApi } from '../test-support/whm-api-client.js';

const link = { username: 'root', provider_id: 'webpros', subject_unique_identifier: 'fake-subject-1' };

describe('WHM API 1: accounts and links', () => {
  let env: TestEnv;
  before(async () => {
    env = await startTestEnv();
  });
  after(() => env.close());

  test('createacct creates a cPanel account; setupreseller lets it log in to WHM with its password', async () => {
    const created = await callWhmApi(env, 'createacct', {
      username: 'rita',
      password: 'rita-password-1',
      domain: 'rita.example.test',
      contactemail: 'rita@example.test',
    });
    assert.deepEqual(created.body, {
      metadata: { command: 'createacct', reason: 'OK', result: 1, version: 1 },
      data: { username: 'rita', domain: 'rita.example.test' },
    });
    const loginAs = async (user: string, pass: string) => {
      env.browser.cookies.clear();
      return submitLoginForm(env.browser, await env.browser.get(`${env.url}/`), user, pass);
    };
    assert.equal((await loginAs('rita', 'rita-password-1')).status, 401, 'a plain cPanel account cannot use WHM');
    const reseller = await callWhmApi(env, 'setupreseller', { user: 'rita' });
    assert.deepEqual(reseller.body, { metadata: { command: 'setupreseller', reason: 'OK', result: 1, version: 1 } });
    const login = await loginAs('rita', 'rita-password-1');
    assert.equal(login.status, 303);
    assert.match((await env.browser.get(login.location ?? '')).text, /Logged in as <strong>rita<\/strong>/);
    const asReseller = await callWhmApi(
      env,
      'get_users_authn_linked_accounts',
      {},
      {
        authorization: basicAuth('rita', 'rita-password-1'),
      },
    );
    assert.equal(asReseller.res.status, 403);
    assert.equal(asReseller.body.metadata.reason, 'Access denied: only “root” may call this function.');
  });

  test('createacct and setupreseller check their parameters', async () => {
    const base = { username: 'sam', password: 'sam-password-1', domain: 'sam.example.test' };
    const reason = async (fn: string, params: Record<string, string>) =>
      (await callWhmApi(env, fn, params)).body.metadata.reason;
    assert.equal(await reason('createacct', { ...base, domain: '' }), 'You must specify the parameter “domain”.');
    assert.equal(
      await reason('createacct', { ...base, username: 'Root!' }),
      'The value of the parameter “username” is not valid.',
    );
    assert.equal(
      await reason('createacct', { ...base, password: 'short' }),
      'The value of the parameter “password” is not valid.',
    );
    assert.equal(await reason('createacct', { ...base, username: 'rita' }), 'An account named “rita” already exists.');
    assert.equal(
      await reason('createacct', { ...base, domain: 'rita.example.test' }),
      'The domain “rita.example.test” already belongs to an account.',
    );
    assert.equal(await reason('setupreseller', {}), 'You must specify the parameter “user”.');
    assert.equal(
      await reason('setupreseller', { user: 'ghost' }),
      'You do not have access to an account named “ghost”.',
    );
    assert.equal(await reason('setupreseller', { user: 'root' }), 'The “root” user is not a cPanel account.');
  });

  test('link_user_authn_provider, then "Log in via WebPros" goes straight to WHM Home', async () => {
    const linked = await callWhmApi(env, 'link_user_authn_provider', {
      ...link,
      preferred_username: 'demo@example.com',
    });
    assert.deepEqual(linked.body, {
      metadata: { command: 'link_user_authn_provider', reason: 'OK', result: 1, version: 1 },
    });
    env.browser.cookies.clear();
    const res = await logInViaWebPros(env);
    assert.equal(res.status, 302);
    assert.match(res.location ?? '', /\/cpsess\d{10}\/$/);
    const home = await env.browser.get(res.location ?? '');
    assert.match(home.text, /Logged in as <strong>root<\/strong>/);
    const { body } = await callWhmApi(env, 'get_users_authn_linked_accounts');
    const accounts = body.data?.username_linked_accounts as Record<string, unknown>[];
    assert.equal(accounts.length, 1);
    assert.deepEqual(
      { ...accounts[0], link_time: 0 },
      {
        username: 'root',
        provider_protocol: 'openid_connect',
        provider_id: 'webpros',
        subject_unique_identifier: 'fake-subject-1',
        link_time: 0,
        preferred_username: 'demo@example.com',
      },
    );
    assert.equal(typeof accounts[0]?.link_time, 'number');
  });

  test('link_user_authn_provider checks user, provider, labels, parameters and that the provider is enabled', async () => {
    const reason = async (params: Record<string, string>) =>
      (await callWhmApi(env, 'link_user_authn_provider', params)).body.metadata.reason;
    const full = { ...link, preferred_username: 'x@example.test' };
    assert.equal(
      await reason({ ...full, preferred_username: '' }),
      'You must specify the parameter “preferred_username”.',
    );
    assert.equal(await reason({ ...full, username: 'ghost' }), 'You do not have access to an account named “ghost”.');
    assert.equal(await reason({ ...full, provider_id: 'nope' }), 'The authentication provider “nope” does not exist.');
    assert.equal(
      await reason({ ...full, preferred_username: 'a/b' }),
      'The value of the parameter “preferred_username” must not contain line breaks or “/”.',
    );
    await callWhmApi(env, 'disable_authentication_provider', { provider_id: 'webpros', service_name: 'whostmgrd' });
    try {
      assert.equal(
        await reason(full),
        'The provider “WebPros” is not enabled for any services with OpenID Connect authentication.',
      );
    } finally {
      await callWhmApi(env, 'enable_authentication_provider', { provider_id: 'webpros', service_name: 'whostmgrd' });
    }
  });

  test('unlink_user_authn_provider removes the link: the next WebPros login needs linking again', async () => {
    const reason = async (params: Record<string, string>) =>
      (await callWhmApi(env, 'unlink_user_authn_provider', params)).body.metadata.reason;
    assert.equal(
      await reason({ ...link, subject_unique_identifier: '' }),
      'You must specify the parameter “subject_unique_identifier”.',
    );
    assert.equal(await reason({ ...link, provider_id: 'nope' }), 'The authentication provider “nope” does not exist.');
    assert.equal(await reason({ ...link, username: 'ghost' }), 'You do not have access to an account named “ghost”.');
    assert.equal(
      await reason({ ...link, subject_unique_identifier: 'other' }),
      'The value of the parameter “subject_unique_identifier” is not valid for this user.',
    );
    const done = await callWhmApi(env, 'unlink_user_authn_provider', link);
    assert.deepEqual(done.body, {
      metadata: { command: 'unlink_user_authn_provider', reason: 'OK', result: 1, version: 1 },
    });
    env.browser.cookies.clear();
    const page = await logInViaWebPros(env);
    assert.equal(page.status, 200);
    assert.equal(msgCodeOf(page), 'link_account');
  });
});
