import type { HttpClient } from '@extauth/server-kit/http-client';
import { type Endpoint, expectRedirect, expectStatus } from '../support/endpoint.js';
import { type ParamsTemplate, queryTemplate, type Refusal } from '../support/templates.js';
import { followUntil, formOf, formTemplate, PASSWORD, type World } from '../support/world.js';
import { openInteraction } from './idp-forms.js';

/**
 * oidc-provider's endpoints as the IdP serves them: the authorization request, the token endpoint,
 * userinfo, revocation and RP-initiated logout, driven with the fuzz RP's credentials.
 */

/** A full login of the fuzz RP: its callback's code, and what the token request needs. */
async function authorizationCode(world: World, client: HttpClient, email: string) {
  const { page, verifier } = await openInteraction(world, client);
  const login = formOf(page, '/login');
  const consent = await followUntil(
    client,
    await client.post(login.action, { ...login.fields, email, password: PASSWORD }),
    world.rp.redirectUri,
  );
  const form = formOf(consent, '/consent');
  const callback = await followUntil(client, await client.post(form.action, form.fields), world.rp.redirectUri);
  const code = new URL(callback.location ?? '').searchParams.get('code');
  if (!code) throw new Error(`no code in ${callback.location} (${callback.status})`);
  return { code, verifier };
}

export function idpOidcEndpoints(world: World): Endpoint[] {
  const issuer = world.sandbox.issuer;
  const basic = `Basic ${Buffer.from(`${world.rp.clientId}:${world.rp.clientSecret}`).toString('base64')}`;
  let account: { email: string } | undefined;
  const sharedAccount = async () => {
    account ??= await world.newAccount('oidc');
    return account;
  };
  const tokens = async (client: HttpClient) => {
    const { code, verifier } = await authorizationCode(world, client, (await sharedAccount()).email);
    const res = await client.request('POST', `${issuer}/token`, {
      headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: world.rp.redirectUri,
        code_verifier: verifier,
      }).toString(),
    });
    if (res.status !== 200) throw new Error(`token endpoint answered ${res.status}: ${res.text}`);
    return res.json<{ access_token: string; refresh_token?: string; id_token: string }>();
  };
  /** A form POST the fuzz RP authenticates with client_secret_basic (token and revocation endpoints). */
  const clientPost = (path: string, params: [string, string][], refuses: Refusal[]): ParamsTemplate => ({
    kind: 'params',
    method: 'POST',
    url: `${issuer}${path}`,
    location: 'body',
    params,
    headers: { authorization: basic },
    refuses: new Set(refuses),
  });
  const TOKEN_REFUSES: Refusal[] = ['auth', 'content-type', 'malformed'];

  return [
    {
      name: 'idp GET /auth',
      prepare: async () => {
        const client = world.browser();
        const { params } = await openInteraction(world, client);
        return { client, template: queryTemplate(`${issuer}/auth`, Object.entries(params)) };
      },
      rejectsValid: expectRedirect(/^\/interaction\/[^/]+$/),
    },
    {
      name: 'idp POST /token (authorization_code)',
      prepare: async () => {
        const client = world.browser();
        const { code, verifier } = await authorizationCode(world, client, (await sharedAccount()).email);
        const template = clientPost(
          '/token',
          [
            ['grant_type', 'authorization_code'],
            ['code', code],
            ['redirect_uri', world.rp.redirectUri],
            ['code_verifier', verifier],
          ],
          TOKEN_REFUSES,
        );
        return { client, template };
      },
      rejectsValid: expectStatus(200),
      freshForValid: true,
      statefulAcceptance: true,
    },
    {
      name: 'idp POST /token (refresh_token)',
      prepare: async () => {
        const client = world.browser();
        const { refresh_token } = await tokens(client);
        if (!refresh_token) throw new Error('no refresh token for the fuzz RP');
        const template = clientPost(
          '/token',
          [
            ['grant_type', 'refresh_token'],
            ['refresh_token', refresh_token],
          ],
          TOKEN_REFUSES,
        );
        return { client, template };
      },
      rejectsValid: expectStatus(200),
      freshForValid: true,
      statefulAcceptance: true,
    },
    {
      name: 'idp GET /me',
      prepare: async () => {
        const client = world.browser();
        const { access_token } = await tokens(client);
        const template = queryTemplate(`${issuer}/me`, [], ['auth']);
        return { client, template: { ...template, headers: { authorization: `Bearer ${access_token}` } } };
      },
      rejectsValid: expectStatus(200),
    },
    {
      name: 'idp POST /token/revocation',
      prepare: async () => {
        const client = world.browser();
        const { access_token } = await tokens(client);
        const template = clientPost(
          '/token/revocation',
          [
            ['token', access_token],
            ['token_type_hint', 'access_token'],
          ],
          ['auth'],
        );
        return { client, template };
      },
      // Revoked means refused: the access token no longer opens userinfo.
      rejectsValid: async (res, { template }) => {
        const answered = expectStatus(200)(res);
        if (answered) return answered;
        const token = template.kind === 'params' ? template.params.find(([k]) => k === 'token')?.[1] : undefined;
        const me = await world.api.get(`${issuer}/me`, { authorization: `Bearer ${token}` });
        return me.status === 401 ? undefined : `userinfo answered ${me.status} to the revoked token`;
      },
      // A token of its own each time, so the check above proves this request revoked it.
      freshForValid: true,
    },
    {
      name: 'idp POST /session/end/confirm',
      prepare: async () => {
        const client = world.browser();
        const { id_token } = await tokens(client);
        const url = new URL(`${issuer}/session/end`);
        url.searchParams.set('id_token_hint', id_token);
        url.searchParams.set('post_logout_redirect_uri', 'https://rp.fuzz.test/logged-out');
        const page = await client.get(url.href);
        // oidc-provider's own form and xsrf token; our CSRF rules do not apply to it.
        return { client, template: formTemplate(page, '/session/end/confirm', { logout: 'yes' }, new Set()) };
      },
      rejectsValid: (res) =>
        expectRedirect()(res) ??
        (res.location?.startsWith('https://rp.fuzz.test/logged-out') ? undefined : `logged out to ${res.location}`),
      freshForValid: true,
      statefulAcceptance: true,
    },
    {
      name: 'idp GET /session/end',
      prepare: async () => {
        const client = world.browser();
        const { id_token } = await tokens(client);
        const template = queryTemplate(`${issuer}/session/end`, [
          ['id_token_hint', id_token],
          ['post_logout_redirect_uri', 'https://rp.fuzz.test/logged-out'],
          ['state', 'fuzz-state'],
        ]);
        return { client, template };
      },
      rejectsValid: expectStatus(200),
    },
  ];
}
