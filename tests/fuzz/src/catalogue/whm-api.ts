import { type Endpoint, expectWhmSuccess } from '../support/endpoint.js';
import type { ParamsTemplate, Refusal } from '../support/templates.js';
import { PASSWORD, type World } from '../support/world.js';
import { newReseller, rootSession, whmCall } from './panel.js';

/**
 * WHM API 1 (`/json-api/<function>?api.version=1`, spec §8) with Basic auth as root, and one call
 * with the session's security token. Refusals come in the API's envelope (HTTP 200,
 * `metadata.result: 0` with a reason) or as 401/403 for credentials, as in cpsrvd. Functions that
 * would cut the sandbox off from its IdP (disable the provider, replace its client configuration)
 * or give root a second factor are left out.
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
    endpoint('twofactorauth_disable_policy', 'body', () => []),
    endpoint('twofactorauth_set_issuer', 'body', () => [['issuer', 'Fuzz Issuer']]),
    endpoint('twofactorauth_generate_tfa_config', 'body', () => []),
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
