import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { logInViaWebPros, msgCodeOf, noticeTextOf, startTestEnv, type TestEnv } from '../../test-support/harness.js';
import { callWhmApi } from '../../test-support/whm-api-client.js';

const whm = { provider_id: 'webpros', service_name: 'whostmgrd' };

/** §4.1 notices that need the provider's state or reachability to change during the flow. */
describe('notices when the provider changes or fails during the flow', () => {
  let env: TestEnv;
  before(async () => {
    env = await startTestEnv();
  });
  after(() => env.close());
  beforeEach(() => {
    env.browser.cookies.clear();
    env.op.state.fault = 'none';
  });

  /** Starts the flow and asks the provider for the code, without delivering the callback yet. */
  async function callbackUrlInFlight(): Promise<string> {
    const start = await env.browser.get(`${env.url}/openid_connect/webpros?user=&theme=&parameterized_form=`);
    const authorize = await env.browser.get(start.location ?? '');
    return authorize.location ?? '';
  }

  test('a disabled provider gives openid_communication_no_login at start', async () => {
    await callWhmApi(env, 'disable_authentication_provider', whm);
    try {
      const res = await env.browser.get(`${env.url}/openid_connect/webpros?user=&theme=&parameterized_form=`);
      assert.equal(res.status, 502);
      assert.equal(msgCodeOf(res), 'openid_communication_no_login');
      assert.equal(
        noticeTextOf(res),
        'The server failed to communicate with WebPros. If this condition persists, contact your system administrator.',
      );
    } finally {
      await callWhmApi(env, 'enable_authentication_provider', whm);
    }
  });

  test('a callback that arrives after the provider was disabled gives openid_communication', async () => {
    const callback = await callbackUrlInFlight();
    await callWhmApi(env, 'disable_authentication_provider', whm);
    try {
      const res = await env.browser.get(callback);
      assert.equal(res.status, 502);
      assert.equal(msgCodeOf(res), 'openid_communication');
      assert.match(
        noticeTextOf(res) ?? '',
        /^The server failed to communicate with WebPros\. Log in to WebPros again\./,
      );
      assert.equal(env.op.state.tokenRequests.filter((r) => callback.includes(r.body.get('code') ?? '-')).length, 0);
    } finally {
      await callWhmApi(env, 'enable_authentication_provider', whm);
    }
  });

  test('an HTTP error page from the token endpoint gives oidc_received_error with the status', async () => {
    env.op.state.fault = 'token_http_500';
    const res = await logInViaWebPros(env);
    assert.equal(res.status, 502);
    assert.equal(msgCodeOf(res), 'oidc_received_error');
    assert.equal(noticeTextOf(res), 'The system received an error from WebPros: HTTP 500');
  });
});

describe('notices when the provider is unreachable', () => {
  test('during the callback: openid_communication on the login page, not a 500', async () => {
    const env = await startTestEnv();
    try {
      const start = await env.browser.get(`${env.url}/openid_connect/webpros?user=&theme=&parameterized_form=`);
      const authorize = await env.browser.get(start.location ?? '');
      await env.op.close();
      const res = await env.browser.get(authorize.location ?? '');
      assert.equal(res.status, 502);
      assert.equal(msgCodeOf(res), 'openid_communication');
      assert.match(res.text, /<form id="login_form"/);
      assert.deepEqual(
        env.logger.lines.filter((l) => l.level === 'error'),
        [],
      );
    } finally {
      await env.close().catch(() => undefined);
    }
  });
});
