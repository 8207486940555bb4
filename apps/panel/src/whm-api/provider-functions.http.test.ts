import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestEnv, type TestEnv } from '../test-support/harness.js';
import { callWhmApi } from '../test-support/whm-api-client.js';

const SERVICES_REASON = 'Currently, only “cpaneld”, “webmaild”, and “whostmgrd” can use External Authentication.';
const withService = { provider_id: 'webpros', service_name: 'whostmgrd' };

/** Every function that takes a provider, with valid parameters besides the one under test. */
const providerFunctions: [string, Record<string, string>, boolean][] = [
  ['enable_authentication_provider', withService, true],
  ['disable_authentication_provider', withService, true],
  ['get_provider_client_configurations', withService, true],
  [
    'set_provider_client_configurations',
    { ...withService, configurations: '{"client_id":"a","client_secret":"b"}' },
    true,
  ],
  ['get_provider_configuration_fields', withService, true],
  ['get_provider_display_configurations', { provider_id: 'webpros' }, false],
  ['set_provider_display_configurations', { ...withService, configurations: '{"color":"FF6C2C"}' }, true],
];

describe('WHM API 1: provider functions', () => {
  let env: TestEnv;
  before(async () => {
    env = await startTestEnv();
  });
  after(() => env.close());

  for (const [fn, params, takesService] of providerFunctions) {
    test(`${fn}: missing parameter, unknown provider${takesService ? ', bad service name' : ''}`, async () => {
      const missing = await callWhmApi(env, fn, {});
      assert.equal(missing.res.status, 200);
      assert.deepEqual(missing.body.metadata, {
        command: fn,
        reason: 'You must specify the parameter “provider_id”.',
        result: 0,
        version: 1,
      });
      assert.equal(missing.body.data, undefined);
      const unknown = await callWhmApi(env, fn, { ...params, provider_id: 'nope' });
      assert.equal(unknown.body.metadata.reason, 'The authentication provider “nope” does not exist.');
      if (takesService) {
        const bad = await callWhmApi(env, fn, { ...params, service_name: 'ftpd' });
        assert.equal(bad.body.metadata.reason, SERVICES_REASON);
        const none = await callWhmApi(env, fn, { provider_id: 'webpros' });
        assert.equal(none.body.metadata.reason, 'You must specify the parameter “service_name”.');
      }
    });
  }

  test('get_available_authentication_providers lists WebPros with its state per service and display', async () => {
    const { body } = await callWhmApi(env, 'get_available_authentication_providers');
    assert.deepEqual(body.data, {
      providers: [
        {
          id: 'webpros',
          configured: 1,
          cpaneld_enabled: 0,
          cpaneld_link: '/openid_connect/webpros',
          whostmgrd_enabled: 1,
          whostmgrd_link: '/openid_connect/webpros',
          webmaild_enabled: 0,
          webmaild_link: '/openid_connect/webpros',
          whostmgr_enabled: 1,
          label: 'Log in via WebPros',
          color: 'cccccc',
          textcolor: '000000',
          icon_type: 'image/svg+xml',
          link: '/openid_connect/webpros',
          display_name: 'WebPros',
          provider_name: 'webpros',
          documentation_url: 'http://openid.net/developers/specs/',
        },
      ],
    });
  });

  test('disable then enable for whostmgrd hides and shows the login button; no data in the answer', async () => {
    const disabled = await callWhmApi(env, 'disable_authentication_provider', withService);
    assert.deepEqual(disabled.body, {
      metadata: { command: 'disable_authentication_provider', reason: 'OK', result: 1, version: 1 },
    });
    assert.doesNotMatch((await env.browser.get(`${env.url}/`)).text, /Log in via WebPros/);
    await callWhmApi(env, 'enable_authentication_provider', { provider_id: 'webpros', service_name: 'cpaneld' });
    assert.doesNotMatch((await env.browser.get(`${env.url}/`)).text, /Log in via WebPros/, 'cPanel is not WHM');
    await callWhmApi(env, 'enable_authentication_provider', withService);
    assert.match((await env.browser.get(`${env.url}/`)).text, /Log in via WebPros/);
    const { body } = await callWhmApi(env, 'get_available_authentication_providers');
    const [provider] = (body.data?.providers as Record<string, unknown>[] | undefined) ?? [];
    assert.equal(provider?.cpaneld_enabled, 1);
    await callWhmApi(env, 'disable_authentication_provider', { provider_id: 'webpros', service_name: 'cpaneld' });
  });

  test('client configurations: the licence credentials, then saved ones; keys checked as §8 says', async () => {
    const { body } = await callWhmApi(env, 'get_provider_client_configurations', withService);
    const uris = [2083, env.panel.port, 2096].map((p) => `https://localhost:${p}/openid_connect_callback/webpros`);
    assert.deepEqual(body.data, {
      client_configurations: {
        client_id: 'whm-test-client',
        client_secret: 'whm-test-client-secret-0123456789abcdef',
        redirect_uris: uris,
      },
    });
    const set = (configurations: string) =>
      callWhmApi(env, 'set_provider_client_configurations', { ...withService, configurations });
    assert.equal(
      (await set('{"client_id":"x"}')).body.metadata.reason,
      'The configuration is missing the required parameter key “client_secret”.',
    );
    assert.equal(
      (await set('{"client_id":"x","client_secret":"y","scope":"z"}')).body.metadata.reason,
      'The configuration key “scope” is not a valid configuration field for the provider “WebPros”.',
    );
    assert.equal(
      (await set('{"client_id":1,"client_secret":"y"}')).body.metadata.reason,
      'The value of the configuration key “client_id” must be a string.',
    );
    assert.equal((await set('[1]')).body.metadata.reason, 'The parameter “configurations” must be a JSON object.');
    assert.equal(
      (await callWhmApi(env, 'set_provider_client_configurations', withService)).body.metadata.reason,
      'You must specify the parameter “configurations”.',
    );
    const saved = await set('{"client_id":"other-client","client_secret":"other-secret","redirect_uris":["x"]}');
    assert.deepEqual(saved.body.data, {});
    const fields = await callWhmApi(env, 'get_provider_configuration_fields', withService);
    assert.deepEqual(fields.body.data, {
      configuration_fields: [
        {
          field_id: 'client_id',
          label: 'Client ID',
          description: 'The ID of the Client',
          value: 'other-client',
          display_order: 1,
        },
        {
          field_id: 'client_secret',
          label: 'Client Secret',
          description: 'The Secret of the Client',
          value: 'other-secret',
          display_order: 2,
        },
      ],
    });
    const again = await callWhmApi(env, 'get_provider_client_configurations', withService);
    assert.deepEqual(again.body.data?.client_configurations, {
      client_id: 'other-client',
      client_secret: 'other-secret',
      redirect_uris: uris,
    });
    await set('{"client_id":"whm-test-client","client_secret":"whm-test-client-secret-0123456789abcdef"}');
  });

  test('display configurations: one per service; a WHM change restyles the login button', async () => {
    const set = (configurations: string, service_name = 'whostmgrd') =>
      callWhmApi(env, 'set_provider_display_configurations', { provider_id: 'webpros', service_name, configurations });
    assert.equal(
      (await set('{"color":"#fff"}')).body.metadata.reason,
      'The value of the configuration key “color” must be 3 to 6 hexadecimal digits, without “#”.',
    );
    assert.equal(
      (await set('{"link":"/x"}')).body.metadata.reason,
      'The configuration key “link” is not a valid configuration field for the provider “WebPros”.',
    );
    assert.equal(
      (await set('{"icon":"<svg>"}')).body.metadata.reason,
      'The value of the configuration key “icon” is not valid.',
    );
    const icon = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>').toString('base64');
    const ok = await set(JSON.stringify({ label: 'Sign in with WebPros', color: 'FF6C2C', textcolor: 'FFFFFF', icon }));
    assert.deepEqual(ok.body.data, {});
    const { body } = await callWhmApi(env, 'get_provider_display_configurations', { provider_id: 'webpros' });
    const configurations = body.data?.configurations as Record<string, unknown>[];
    assert.deepEqual(
      configurations.map((c) => [c.service, c.label, c.color]),
      [
        ['cpaneld', 'Log in via WebPros', 'cccccc'],
        ['whostmgrd', 'Sign in with WebPros', 'FF6C2C'],
        ['webmaild', 'Log in via WebPros', 'cccccc'],
      ],
    );
    const page = await env.browser.get(`${env.url}/`);
    assert.match(
      page.text,
      /<img class="external-auth-icon" src="data:image\/svg\+xml;base64,[^"]+" alt=""><span>Sign in with WebPros<\/span>/,
    );
    const css = await env.browser.get(`${env.url}/styles/external-auth-buttons.css`);
    assert.match(css.text, /background-color: #FF6C2C; color: #FFFFFF;/);
    await set(JSON.stringify({ label: 'Log in via WebPros', color: 'cccccc', textcolor: '000000', icon: '' }));
  });
});
