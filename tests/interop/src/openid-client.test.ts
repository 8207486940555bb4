import assert from 'node:assert/strict';
import { after, before, describe, mock, test } from 'node:test';
import { createSandbox, type Sandbox } from '@extauth/testkit';
import * as client from 'openid-client';
import { caFetch, createIdpBrowser } from './support/idp-browser.js';

// openid-client 6 as a public relying party (PKCE, nonce, rotating refresh tokens, RP-initiated
// logout), plus the IdP's prompt=none and max_age behaviour seen through it.

const RP = 'https://oc-rp.interop.test';
const REDIRECT_URI = `${RP}/callback`;
const POST_LOGOUT_URI = `${RP}/logged-out`;
const CLIENT_ID = 'interop-openid-client';

let sandbox: Sandbox;
let config: client.Configuration;
let account: { email: string; password: string; sub: string };
let http: ReturnType<typeof caFetch>;

before(async () => {
  sandbox = await createSandbox();
  assert.ok(sandbox.admin);
  await sandbox.admin.addClient({
    client_id: CLIENT_ID,
    client_name: 'openid-client interop',
    redirect_uris: [REDIRECT_URI],
    post_logout_redirect_uris: [POST_LOGOUT_URI],
    grant_types: ['authorization_code', 'refresh_token'],
    token_endpoint_auth_method: 'none',
  });
  account = await sandbox.seedAccount({ email: 'oc-user@interop.test', givenName: 'Olga', familyName: 'Client' });
  http = caFetch(sandbox.ca);
  config = await client.discovery(new URL(sandbox.issuer), CLIENT_ID, undefined, client.None(), {
    [client.customFetch]: http.fetch,
  });
});
after(async () => {
  await http?.close();
  await sandbox?.stop();
});

const browser = () => createIdpBrowser({ ca: sandbox.ca, redirectPrefix: RP });

/** A fresh authorization request with PKCE S256, state and nonce, as openid-client builds it. */
async function authorizationRequest(extra: Record<string, string> = {}) {
  const codeVerifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT_URI,
    scope: 'openid email profile',
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...extra,
  });
  return { url, codeVerifier, state, nonce };
}

function exchange(callback: URL, request: Awaited<ReturnType<typeof authorizationRequest>>, maxAge?: number) {
  return client.authorizationCodeGrant(config, callback, {
    pkceCodeVerifier: request.codeVerifier,
    expectedState: request.state,
    expectedNonce: request.nonce,
    idTokenExpected: true,
    ...(maxAge === undefined ? {} : { maxAge }),
  });
}

describe('openid-client 6 (public client, PKCE + nonce)', () => {
  test('code + PKCE + nonce: openid-client accepts the tokens; the ID token and userinfo name the account', async () => {
    const person = browser();
    try {
      const request = await authorizationRequest();
      const { callback } = await person.signIn(request.url, account);
      assert.equal(callback.searchParams.get('iss'), sandbox.issuer, 'RFC 9207 iss in the authorization response');
      const tokens = await exchange(callback, request);
      const claims = tokens.claims();
      assert.ok(claims);
      assert.equal(claims.sub, account.sub);
      assert.equal(claims.nonce, request.nonce);
      assert.equal(claims.aud, CLIENT_ID);
      assert.equal(claims.email, account.email);
      assert.ok(tokens.refresh_token, 'a refresh token for a client registered for the refresh_token grant');
      const userinfo = await client.fetchUserInfo(config, tokens.access_token, account.sub);
      assert.equal(userinfo.email, account.email);
      assert.equal(userinfo.given_name, 'Olga');
    } finally {
      await person.close();
    }
  });

  test('a code with the wrong PKCE verifier is refused, and the right one then finds it unusable', async () => {
    const person = browser();
    try {
      const request = await authorizationRequest();
      const { callback } = await person.signIn(request.url, account);
      await assert.rejects(
        exchange(callback, { ...request, codeVerifier: client.randomPKCECodeVerifier() }),
        (err: client.ResponseBodyError) => err.error === 'invalid_grant',
      );
      // The failed attempt did not consume it: PKCE is checked before the code is used up.
      const tokens = await exchange(callback, request);
      assert.equal(tokens.claims()?.sub, account.sub);
      await assert.rejects(
        exchange(callback, request),
        (err: client.ResponseBodyError) => err.error === 'invalid_grant',
      );
    } finally {
      await person.close();
    }
  });

  test('refresh token rotation: a new refresh token each time; the old one is refused after use', async () => {
    const person = browser();
    try {
      const request = await authorizationRequest();
      const { callback } = await person.signIn(request.url, account);
      const first = await exchange(callback, request);
      const oldRefresh = first.refresh_token;
      assert.ok(oldRefresh);
      const second = await client.refreshTokenGrant(config, oldRefresh);
      assert.ok(second.refresh_token);
      assert.notEqual(second.refresh_token, oldRefresh, 'rotated');
      assert.notEqual(second.access_token, first.access_token);
      assert.equal(second.claims()?.sub, account.sub);
      await assert.rejects(
        client.refreshTokenGrant(config, oldRefresh),
        (err: client.ResponseBodyError) => err.error === 'invalid_grant',
      );
      // Reuse of a rotated token is treated as theft: the whole grant goes (RFC 9700 §4.14.2).
      await assert.rejects(
        client.refreshTokenGrant(config, second.refresh_token),
        (err: client.ResponseBodyError) => err.error === 'invalid_grant',
      );
    } finally {
      await person.close();
    }
  });

  test('prompt=none: login_required when logged out, a code without any page when logged in and trusted', async () => {
    const person = browser();
    try {
      const silent = await authorizationRequest({ prompt: 'none' });
      const refused = await person.open(silent.url);
      assert.ok(refused.location, `expected a redirect, got ${refused.status}`);
      const error = new URL(refused.location);
      assert.equal(`${error.origin}${error.pathname}`, REDIRECT_URI);
      assert.equal(error.searchParams.get('error'), 'login_required');
      assert.equal(error.searchParams.get('state'), silent.state);
      assert.equal(error.searchParams.get('iss'), sandbox.issuer);

      const first = await authorizationRequest();
      await exchange((await person.signIn(first.url, { ...account, trust: true })).callback, first);

      const again = await authorizationRequest({ prompt: 'none' });
      const answer = await person.open(again.url);
      assert.ok(answer.location, `expected a redirect, got ${answer.status}`);
      const tokens = await exchange(new URL(answer.location), again);
      assert.equal(tokens.claims()?.sub, account.sub);
    } finally {
      await person.close();
    }
  });

  test('max_age: an older session means a fresh login (new auth_time); a recent enough one does not', async () => {
    const person = browser();
    try {
      // With max_age in the request the ID token carries auth_time (OIDC Core §3.1.2.1).
      const first = await authorizationRequest({ max_age: '3600' });
      const firstTokens = await exchange(
        (await person.signIn(first.url, { ...account, trust: true })).callback,
        first,
        3600,
      );
      const firstAuthTime = firstTokens.claims()?.auth_time;
      assert.equal(typeof firstAuthTime, 'number');

      const recent = await authorizationRequest({ max_age: '3600' });
      const quick = await person.signIn(recent.url, account);
      assert.deepEqual(quick.pages, [], 'no page: the session is recent enough and the site trusted');
      assert.equal((await exchange(quick.callback, recent, 3600)).claims()?.auth_time, firstAuthTime);

      // oidc-provider measures session age on real time (DESIGN.md), so the test moves Date.now
      // itself, 30 s ahead, instead of waiting.
      mock.timers.enable({ apis: ['Date'], now: Date.now() + 30_000 });
      try {
        const strict = await authorizationRequest({ max_age: '10' });
        const fresh = await person.signIn(strict.url, account);
        assert.equal(fresh.pages.length, 1, `one login page, then back (trusted): ${fresh.pages.join(' → ')}`);
        assert.match(fresh.pages[0] ?? '', /Log in/);
        const tokens = await exchange(fresh.callback, strict, 10);
        const authTime = tokens.claims()?.auth_time;
        assert.ok(typeof authTime === 'number' && firstAuthTime !== undefined && authTime >= firstAuthTime + 30);
      } finally {
        mock.timers.reset();
      }
    } finally {
      await person.close();
    }
  });

  test('RP-initiated logout: back to the registered post_logout_redirect_uri with state; the session is gone', async () => {
    const person = browser();
    try {
      const request = await authorizationRequest();
      const tokens = await exchange((await person.signIn(request.url, account)).callback, request);
      assert.ok(tokens.id_token);

      const unregistered = client.buildEndSessionUrl(config, {
        id_token_hint: tokens.id_token,
        post_logout_redirect_uri: `${RP}/elsewhere`,
        state: 'nope',
      });
      const refused = await person.open(unregistered);
      assert.equal(refused.status, 400, 'an unregistered post-logout URI is an error page, not a redirect');
      assert.equal(refused.location, undefined);

      const state = client.randomState();
      const url = client.buildEndSessionUrl(config, {
        id_token_hint: tokens.id_token,
        post_logout_redirect_uri: POST_LOGOUT_URI,
        state,
      });
      const confirm = await person.open(url);
      assert.equal(confirm.status, 200);
      assert.match(confirm.text, /<h1>Log out<\/h1>/);
      const form = /<form[^>]*id="op\.logoutForm"[^>]*action="([^"]+)"/.exec(confirm.text);
      const xsrf = /name="xsrf" value="([^"]+)"/.exec(confirm.text);
      assert.ok(form?.[1] && xsrf?.[1], 'the logout form with its xsrf token');
      const done = await person.http.post(new URL(form[1], confirm.url), { xsrf: xsrf[1], logout: 'yes' });
      assert.equal(done.status, 303);
      assert.equal(done.location, `${POST_LOGOUT_URI}?state=${state}`);

      const silent = await authorizationRequest({ prompt: 'none' });
      const after = await person.open(silent.url);
      assert.equal(new URL(after.location ?? 'x:').searchParams.get('error'), 'login_required');
    } finally {
      await person.close();
    }
  });
});
