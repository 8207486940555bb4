import { totp } from '@extauth/testkit';
import { type Endpoint, expectWhmSuccess } from '../support/endpoint.js';
import type { ParamsTemplate, Refusal } from '../support/templates.js';
import { PASSWORD, type World } from '../support/world.js';
import { configureRootTfa, newReseller, removeRootTfa, rootSession, whmCall } from './panel.js';

/**
 * WHM API 1 (`/json-api/<function>?api.version=1`, spec §8) with Basic auth as root, and one call
 * with the session's security token: every function of apps/panel/src/whm-api/registry.ts. Refusals
 * come in the API's envelope (HTTP 200, `metadata.result: 0` with a reason) or as 401/403 for
 * credentials, as in cpsrvd. Functions that would cut the sandbox off from its IdP (disable the
 * provider, replace its client or display configuration) or give root a second factor put the
 * setting back after every batch and valid request (`cleanUp`), since the endpoints that follow
 * log in through WebPros or with root's password alone.
 */
export function whmApiEndpoints(world: World): Endpoint[] {
  const panel = world.sandbox.panelUrl;
  const basicRoot = `Basic ${Buffer.from(`root:${world.sandbox.rootPassword}`).toString('base64')}`;
  const refuses: Refusal[] = ['auth', 'shape', 'utf8', 'huge'];
  const call = (fn: string, location: 'query' | 'body', params: [string, string][]): ParamsTemplate => ({
    kind: 'params',
    method: location === 'query' ? 'GET' : 'POST',
    url: `${panel}/json-api/${fn}?api.version=1`,
    location,
    params,
    headers: { authorization: basicRoot },
    refuses: new Set(location === 'query' ? refuses.filter((r) => r !== 'huge') : refuses),
    envelope: 'whm',
  });
  const endpoint = (
    fn: string,
    location: 'query' | 'body',
    params: () => Promise<[string, string][]> | [string, string][],
    options: Partial<Endpoint> = {},
  ): Endpoint => ({
    name: `whm-api ${location === 'query' ? 'GET' : 'POST'} /json-api/${fn}`,
    prepare: async () => ({ client: world.browser(), template: call(fn, location, await params()) }),
    rejectsValid: expectWhmSuccess,
    envelope: 'whm',
    ...options,
  });
  const webpros: [string, string][] = [
    ['provider_id', 'webpros'],
    ['service_name', 'whostmgrd'],
  ];
  let serial = 0;
  const nextSerial = () => {
    serial += 1;
    return serial;
  };
  const tokenName = () => `fuzz${Date.now().toString(36)}${nextSerial()}`;

  /** WebPros's WHM client configuration and display texts as first read here: what every write puts back. */
  let original: { client: Record<string, string>; display: Record<string, string> } | undefined;
  const originalConfigurations = async () => {
    if (original) return original;
    const client = await whmCall(world, basicRoot, 'get_provider_client_configurations', Object.fromEntries(webpros));
    const display = await whmCall(world, basicRoot, 'get_provider_display_configurations', { provider_id: 'webpros' });
    const { client_id, client_secret } = (client.data as { client_configurations: Record<string, string> })
      .client_configurations;
    const whm = (display.data as { configurations: Record<string, string>[] }).configurations.find(
      (c) => c.service === 'whostmgrd',
    );
    if (!client_id || !client_secret || !whm) throw new Error('WebPros has no WHM configuration to fuzz');
    original = {
      client: { client_id, client_secret },
      display: { label: whm.label ?? '', color: whm.color ?? '', textcolor: whm.textcolor ?? '' },
    };
    return original;
  };
  const restore = (fn: string, key: 'client' | 'display') => async () => {
    const configurations = JSON.stringify((await originalConfigurations())[key]);
    await whmCall(world, basicRoot, fn, { ...Object.fromEntries(webpros), configurations });
  };

  return [
    endpoint('get_available_authentication_providers', 'query', () => []),
    endpoint('get_provider_client_configurations', 'query', () => webpros),
    endpoint('get_provider_configuration_fields', 'query', () => webpros),
    endpoint('get_provider_display_configurations', 'query', () => [['provider_id', 'webpros']]),
    endpoint('get_users_authn_linked_accounts', 'query', () => []),
    endpoint('twofactorauth_policy_status', 'query', () => []),
    endpoint('twofactorauth_get_issuer', 'query', () => []),
    endpoint('twofactorauth_get_user_configs', 'query', () => []),
    endpoint('enable_authentication_provider', 'body', () => webpros),
    endpoint('disable_authentication_provider', 'body', () => webpros, {
      cleanUp: async () => {
        await whmCall(world, basicRoot, 'enable_authentication_provider', Object.fromEntries(webpros));
      },
    }),
    // The valid request writes the configuration the sandbox has (a change would cut the panel off).
    endpoint(
      'set_provider_client_configurations',
      'body',
      async () => [...webpros, ['configurations', JSON.stringify((await originalConfigurations()).client)]],
      { cleanUp: restore('set_provider_client_configurations', 'client') },
    ),
    endpoint(
      'set_provider_display_configurations',
      'body',
      async () => [...webpros, ['configurations', JSON.stringify((await originalConfigurations()).display)]],
      { cleanUp: restore('set_provider_display_configurations', 'display') },
    ),
    endpoint('twofactorauth_enable_policy', 'body', () => [], {
      cleanUp: async () => {
        await whmCall(world, basicRoot, 'twofactorauth_disable_policy', {});
      },
    }),
    endpoint('twofactorauth_disable_policy', 'body', () => []),
    endpoint('twofactorauth_set_issuer', 'body', () => [['issuer', 'Fuzz Issuer']]),
    endpoint('twofactorauth_generate_tfa_config', 'body', () => []),
    endpoint(
      'twofactorauth_set_tfa_config',
      'body',
      async () => {
        const { data } = await whmCall(world, basicRoot, 'twofactorauth_generate_tfa_config', {});
        const secret = (data as { secret: string }).secret;
        // The panel's 2FA runs on real time; a new secret each time keeps the code current.
        return [
          ['secret', secret],
          ['tfa_token', totp(secret)],
        ];
      },
      { freshForValid: true, cleanUp: () => removeRootTfa(world, basicRoot) },
    ),
    endpoint(
      'twofactorauth_remove_user_config',
      'body',
      async () => {
        await configureRootTfa(world, basicRoot);
        return [['user', 'root']];
      },
      {
        freshForValid: true,
        statefulAcceptance: true,
        rejectsValid: (res) => {
          const failed = expectWhmSuccess(res);
          if (failed) return failed;
          const modified = res.json<{ data?: { users_modified?: string[] } }>().data?.users_modified;
          return modified?.includes('root') ? undefined : `users_modified is ${JSON.stringify(modified)}`;
        },
        cleanUp: () => removeRootTfa(world, basicRoot),
      },
    ),
    endpoint('api_token_create', 'body', () => [['token_name', tokenName()]], { freshForValid: true }),
    endpoint(
      'api_token_revoke',
      'body',
      async () => {
        const name = tokenName();
        await whmCall(world, basicRoot, 'api_token_create', { token_name: name });
        return [['token_name', name]];
      },
      { freshForValid: true, statefulAcceptance: true },
    ),
    endpoint(
      'createacct',
      'body',
      () => {
        const username = `fa${Date.now().toString(36).slice(-6)}${nextSerial()}`.slice(0, 16);
        return [
          ['username', username],
          ['password', PASSWORD],
          ['domain', `${username}.example.com`],
          ['contactemail', 'fuzz@example.com'],
        ];
      },
      { freshForValid: true },
    ),
    endpoint(
      'setupreseller',
      'body',
      async () => {
        const username = `fr${Date.now().toString(36).slice(-6)}${nextSerial()}`.slice(0, 16);
        await whmCall(world, basicRoot, 'createacct', {
          username,
          password: PASSWORD,
          domain: `${username}.example.com`,
        });
        return [['user', username]];
      },
      { freshForValid: true },
    ),
    endpoint(
      'link_user_authn_provider',
      'body',
      async () => [
        ['username', await newReseller(world, basicRoot)],
        ['provider_id', 'webpros'],
        ['subject_unique_identifier', `fuzz-link-${Date.now().toString(36)}`],
        ['preferred_username', 'fuzz@example.com'],
      ],
      { freshForValid: true },
    ),
    endpoint(
      'unlink_user_authn_provider',
      'body',
      async () => {
        const username = await newReseller(world, basicRoot);
        const subject = `fuzz-unlink-${Date.now().toString(36)}`;
        await whmCall(world, basicRoot, 'link_user_authn_provider', {
          username,
          provider_id: 'webpros',
          subject_unique_identifier: subject,
          preferred_username: 'fuzz@example.com',
        });
        return [
          ['username', username],
          ['provider_id', 'webpros'],
          ['subject_unique_identifier', subject],
        ];
      },
      { freshForValid: true, statefulAcceptance: true },
    ),
    {
      name: 'whm-api POST /cpsess…/json-api/get_provider_display_configurations (session)',
      prepare: async () => {
        const { client, home } = await rootSession(world);
        const template: ParamsTemplate = {
          kind: 'params',
          method: 'POST',
          url: `${home}/json-api/get_provider_display_configurations?api.version=1`,
          location: 'body',
          params: [['provider_id', 'webpros']],
          headers: {},
          refuses: new Set(['shape', 'utf8', 'huge']),
          envelope: 'whm',
        };
        return { client, template };
      },
      rejectsValid: expectWhmSuccess,
      envelope: 'whm',
    },
  ];
}
