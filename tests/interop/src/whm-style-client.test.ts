import assert from 'node:assert/strict';
import { createPublicKey, type JsonWebKey, randomBytes, verify } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { parseForms } from '@extauth/server-kit/http-client';
import { createSandbox, type Sandbox } from '@extauth/testkit';
import { caFetch, createIdpBrowser, jwtPayload } from './support/idp-browser.js';

// A relying party written by hand from spec/whm-external-auth.md §5, as real WHM behaves:
// client_secret_post, no PKCE, no nonce, a plain compact-JSON `state` that must come back byte for
// byte, `access_type=offline`, the redirect_uri chosen by the server port, and ID token signature
// checks through the JWKS key with use=sig matched by kid (§5.4 step 2).

const HOST = 'https://whm.interop.test';
const REDIRECT_URIS = [`${HOST}:2083/openid_connect_callback/webpros`, `${HOST}:2087/openid_connect_callback/webpros`];
const SERVER_PORT = 2087;
const CLIENT_ID = 'interop-whm-style';
const CLIENT_SECRET = 'interop-whm-style-secret-0123456789';

interface Discovery {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  userinfo_endpoint: string;
  jwks_uri: string;
}

let sandbox: Sandbox;
let http: ReturnType<typeof caFetch>;
let discovery: Discovery;
let account: { email: string; password: string; sub: string };

before(async () => {
  sandbox = await createSandbox();
  assert.ok(sandbox.admin);
  await sandbox.admin.addClient({
    client_id: CLIENT_ID,
    client_secret: CLIENT_SECRET,
    client_name: 'WHM-style interop',
    redirect_uris: REDIRECT_URIS,
    grant_types: ['authorization_code', 'refresh_token'],
    token_endpoint_auth_method: 'client_secret_post',
    pkce_required: false,
  });
  account = await sandbox.seedAccount({ email: 'whm-user@interop.test', givenName: 'Wanda', familyName: 'Host' });
  http = caFetch(sandbox.ca);
  const res = await http.fetch(`${sandbox.issuer}/.well-known/openid-configuration`);
  assert.equal(res.status, 200);
  discovery = (await res.json()) as Discovery;
});
after(async () => {
  await http?.close();
  await sandbox?.stop();
});

/** §5.1 step 5: the entry of redirect_uris whose text contains `:<SERVER_PORT>/`, else the first. */
const redirectUri = REDIRECT_URIS.find((u) => u.includes(`:${SERVER_PORT}/`)) ?? REDIRECT_URIS[0] ?? '';

/** §5.1: the start redirect's URL, with WHM's compact JSON state (plain, URL-encoded, not base64). */
function startUrl(externalValidationToken: string): { url: URL; state: string } {
  const state = JSON.stringify({ service: 'whostmgrd', external_validation_token: externalValidationToken });
  const url = new URL(discovery.authorization_endpoint);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', CLIENT_ID);
  url.searchParams.set('redirect_uri', redirectUri);
  url.searchParams.set('scope', 'openid profile email');
  url.searchParams.set('state', state);
  url.searchParams.set('access_type', 'offline');
  return { url, state };
}

/** §5.2 step 5: client_secret_post, form-encoded. */
async function tokenRequest(form: Record<string, string>) {
  const res = await http.fetch(discovery.token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** §5.4 step 2: RS256 with the JWKS key of use=sig, matched by kid. */
async function verifyIdToken(idToken: string): Promise<Record<string, unknown>> {
  const [h, p, s] = idToken.split('.');
  const header = JSON.parse(Buffer.from(h ?? '', 'base64url').toString('utf8')) as { alg: string; kid?: string };
  assert.equal(header.alg, 'RS256');
  const jwks = (await (await http.fetch(discovery.jwks_uri)).json()) as { keys: (JsonWebKey & { kid?: string })[] };
  const key = jwks.keys.find((k) => k.use === 'sig' && (header.kid === undefined || k.kid === header.kid));
  assert.ok(key, 'The signing key was not available on the remote server.');
  const ok = verify(
    'RSA-SHA256',
    Buffer.from(`${h}.${p}`),
    createPublicKey({ key, format: 'jwk' }),
    Buffer.from(s ?? '', 'base64url'),
  );
  assert.ok(ok, 'The ID token from the remote server failed verification.');
  return jwtPayload(idToken);
}

describe('a WHM-style client written from spec §5 (client_secret_post, no PKCE, no nonce)', () => {
  test('login: state comes back byte for byte, tokens by client_secret_post, a refresh token for access_type=offline', async () => {
    // Characters a careless IdP would re-encode or split: quotes, +, /, =, &, #, %, space, non-ASCII.
    const { url, state } = startUrl(`${randomBytes(12).toString('base64')}+/=&#% é`);
    assert.equal(url.searchParams.get('nonce'), null);
    assert.equal(url.searchParams.get('code_challenge'), null);
    const person = createIdpBrowser({ ca: sandbox.ca, redirectPrefix: HOST });
    let callback: URL;
    try {
      callback = (await person.signIn(url, account)).callback;
    } finally {
      await person.close();
    }
    assert.equal(`${callback.origin}${callback.pathname}`, redirectUri);
    assert.equal(callback.searchParams.get('state'), state, 'the exact JSON text');
    const echoed = JSON.parse(callback.searchParams.get('state') ?? '') as Record<string, string>;
    assert.equal(echoed.service, 'whostmgrd');
    const code = callback.searchParams.get('code');
    assert.ok(code, '§5.2 step 3: a code');

    const { status, body } = await tokenRequest({
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
    });
    assert.equal(status, 200, JSON.stringify(body));
    assert.equal(typeof body.id_token, 'string', '§5.2 step 6: an id_token');
    assert.equal(typeof body.access_token, 'string');
    assert.equal(typeof body.refresh_token, 'string', 'access_type=offline');
    assert.ok(typeof body.expires_in === 'number' && body.expires_in > 0, '§5.2 step 7: expires_in');

    const claims = await verifyIdToken(String(body.id_token));
    assert.equal(claims.sub, account.sub);
    assert.equal(claims.iss, sandbox.issuer);
    assert.equal(claims.aud, CLIENT_ID);
    assert.equal(claims.nonce, undefined, 'no nonce was sent, none comes back');
    assert.equal(claims.email, account.email, 'WHM reads the email from the ID token');

    // §5.2 step 10 / §5.4: userinfo with the bearer token; preferred_username is the email.
    const userinfo = await http.fetch(discovery.userinfo_endpoint, {
      headers: { authorization: `Bearer ${String(body.access_token)}` },
    });
    assert.equal(userinfo.status, 200);
    const info = (await userinfo.json()) as Record<string, unknown>;
    assert.equal(info.sub, account.sub);
    assert.equal(info.email, account.email);

    const refreshed = await tokenRequest({
      grant_type: 'refresh_token',
      refresh_token: String(body.refresh_token),
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
    });
    assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
    assert.equal(typeof refreshed.body.access_token, 'string');
  });

  test('the token endpoint refuses a request without the secret or with a wrong one, a wrong redirect_uri and a reused code', async () => {
    const { url } = startUrl('whm-token');
    const person = createIdpBrowser({ ca: sandbox.ca, redirectPrefix: HOST });
    let code: string;
    try {
      code = (await person.signIn(url, account)).callback.searchParams.get('code') ?? '';
    } finally {
      await person.close();
    }
    const form = { grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: CLIENT_ID };
    assert.equal((await tokenRequest(form)).body.error, 'invalid_client', 'no secret');
    assert.equal((await tokenRequest({ ...form, client_secret: 'wrong' })).body.error, 'invalid_client');
    const otherUri = REDIRECT_URIS[0] ?? '';
    assert.equal(
      (await tokenRequest({ ...form, client_secret: CLIENT_SECRET, redirect_uri: otherUri })).body.error,
      'invalid_grant',
      'the code is bound to the redirect_uri it was issued for',
    );
    assert.equal((await tokenRequest({ ...form, client_secret: CLIENT_SECRET })).status, 200);
    assert.equal((await tokenRequest({ ...form, client_secret: CLIENT_SECRET })).body.error, 'invalid_grant');
  });

  test('a denied consent comes back as error=access_denied with the same state (§5.2 step 2)', async () => {
    const { url, state } = startUrl('whm-deny');
    const person = createIdpBrowser({ ca: sandbox.ca, redirectPrefix: HOST });
    try {
      const login = await person.open(url);
      const loginForm = parseForms(login.text, login.url).find((f) => f.action.endsWith('/login'));
      assert.ok(loginForm, 'the login page');
      const consent = await person.http.follow(
        await person.http.post(loginForm.action, {
          ...loginForm.fields,
          email: account.email,
          password: account.password,
        }),
      );
      const cancel = parseForms(consent.text, consent.url).find((f) => f.action.endsWith('/abort'));
      assert.ok(cancel, `"Cancel" on "Confirm Sending Data": ${consent.url}`);
      const answer = await person.http.follow(await person.http.post(cancel.action, cancel.fields), {
        stopAt: (l) => l.href.startsWith(HOST),
      });
      const back = new URL(answer.location ?? 'about:blank');
      assert.equal(back.searchParams.get('error'), 'access_denied');
      assert.equal(back.searchParams.get('state'), state);
    } finally {
      await person.close();
    }
  });
});
