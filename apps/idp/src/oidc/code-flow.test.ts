import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  authorizeUrl,
  browse,
  decodeJwt,
  pkcePair,
  signIn,
  submitForm,
  type TokenResponse,
  verifyRs256,
  WHM_STATE,
} from '../testing/oidc-driver.js';
import { PANEL_CALLBACK, startTestIdp, TEST_CLIENT_ID, TEST_CLIENT_SECRET, type TestIdp } from '../testing/test-idp.js';

let t: TestIdp;
before(async () => {
  t = await startTestIdp();
});
after(() => t.close());

const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

describe('authorization code flow', () => {
  test('works like real WHM: client_secret_post, no PKCE, no nonce, JSON state echoed byte for byte, iss in the response', async () => {
    const browser = t.browser();
    // WHM also sends Google's access_type=offline, which the IdP must ignore without complaint.
    const callback = await signIn(browser, t.issuer, t.idp.demo, { access_type: 'offline' });
    assert.equal(callback.searchParams.get('state'), WHM_STATE);
    assert.equal(callback.searchParams.get('iss'), t.issuer);
    const code = callback.searchParams.get('code');
    assert.ok(code);

    const res = await browser.post(`${t.issuer}/token`, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: PANEL_CALLBACK,
      client_id: TEST_CLIENT_ID,
      client_secret: TEST_CLIENT_SECRET,
    });
    assert.equal(res.status, 200, res.text);
    const tokens = res.json<TokenResponse>();
    const jwks = (await browser.get(`${t.issuer}/jwks`)).json<{ keys: [] }>();
    const claims = verifyRs256(tokens.id_token, jwks);
    assert.equal(claims.iss, t.issuer);
    assert.equal(claims.aud, TEST_CLIENT_ID);
    assert.equal(claims.nonce, undefined);
    assert.equal(claims.email, 'demo@example.com');
    assert.equal(claims.email_verified, true);
    assert.equal(claims.given_name, 'Demo');
    assert.equal(claims.family_name, 'User');
    assert.equal(claims.name, 'Demo User');
    assert.deepEqual(claims.amr, ['pwd']);
    assert.equal(claims.acr, '1');
    assert.equal(typeof claims.sub, 'string');
    assert.doesNotMatch(String(claims.sub), /@|demo/i, 'sub is opaque, not the email');
    assert.ok(String(claims.sub).length >= 16);

    const userinfo = await browser.get(`${t.issuer}/me`, { authorization: `Bearer ${tokens.access_token}` });
    assert.equal(userinfo.status, 200, userinfo.text);
    assert.deepEqual(userinfo.json(), {
      sub: claims.sub,
      email: 'demo@example.com',
      email_verified: true,
      given_name: 'Demo',
      family_name: 'User',
      name: 'Demo User',
    });
  });

  test('refuses a wrong PKCE verifier from a confidential client that sent a challenge', async () => {
    const browser = t.browser();
    const pkce = pkcePair();
    const callback = await signIn(browser, t.issuer, t.idp.demo, {
      code_challenge: pkce.challenge,
      code_challenge_method: 'S256',
      nonce: 'n-0S6_WzA2Mj',
      state: 'opaque-state',
    });
    assert.equal(callback.searchParams.get('state'), 'opaque-state');
    const form = {
      grant_type: 'authorization_code',
      code: callback.searchParams.get('code') ?? '',
      redirect_uri: PANEL_CALLBACK,
    };

    const wrongVerifier = await browser.post(
      `${t.issuer}/token`,
      { ...form, code_verifier: pkcePair().verifier },
      {
        authorization: basic(TEST_CLIENT_ID, TEST_CLIENT_SECRET),
      },
    );
    assert.equal(wrongVerifier.status, 400);
    assert.equal(wrongVerifier.json<{ error: string }>().error, 'invalid_grant');
  });

  test('works with client_secret_basic, PKCE S256 and a nonce, which the ID token carries', async () => {
    const browser = t.browser();
    const pkce = pkcePair();
    const callback = await signIn(browser, t.issuer, t.idp.demo, {
      code_challenge: pkce.challenge,
      code_challenge_method: 'S256',
      nonce: 'n-0S6_WzA2Mj',
    });
    const res = await browser.post(
      `${t.issuer}/token`,
      {
        grant_type: 'authorization_code',
        code: callback.searchParams.get('code') ?? '',
        redirect_uri: PANEL_CALLBACK,
        code_verifier: pkce.verifier,
      },
      { authorization: basic(TEST_CLIENT_ID, TEST_CLIENT_SECRET) },
    );
    assert.equal(res.status, 200, res.text);
    const { header, payload } = decodeJwt(res.json<TokenResponse>().id_token);
    assert.equal(payload.nonce, 'n-0S6_WzA2Mj');
    assert.equal(header.alg, 'RS256');
    assert.equal(typeof header.kid, 'string');
  });

  test('refuses a wrong client secret, by post and by basic alike', async () => {
    const browser = t.browser();
    const byPost = await browser.post(`${t.issuer}/token`, {
      grant_type: 'refresh_token',
      refresh_token: 'x',
      client_id: TEST_CLIENT_ID,
      client_secret: 'wrong-secret',
    });
    assert.equal(byPost.status, 401);
    assert.equal(byPost.json<{ error: string }>().error, 'invalid_client');
    const byBasic = await browser.post(
      `${t.issuer}/token`,
      { grant_type: 'refresh_token', refresh_token: 'x' },
      { authorization: basic(TEST_CLIENT_ID, 'wrong-secret') },
    );
    assert.equal(byBasic.status, 401);
  });

  test('issues a refresh token that the refresh_token grant accepts', async () => {
    const browser = t.browser();
    const callback = await signIn(browser, t.issuer, t.idp.demo);
    const auth = { client_id: TEST_CLIENT_ID, client_secret: TEST_CLIENT_SECRET };
    const first = await browser.post(`${t.issuer}/token`, {
      grant_type: 'authorization_code',
      code: callback.searchParams.get('code') ?? '',
      redirect_uri: PANEL_CALLBACK,
      ...auth,
    });
    const refreshToken = first.json<TokenResponse>().refresh_token;
    assert.ok(refreshToken, first.text);
    const refreshed = await browser.post(`${t.issuer}/token`, {
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      ...auth,
    });
    assert.equal(refreshed.status, 200, refreshed.text);
    const tokens = refreshed.json<TokenResponse>();
    assert.ok(tokens.access_token);
    assert.equal(decodeJwt(tokens.id_token).payload.email, 'demo@example.com');
  });

  test('a code is single-use', async () => {
    const browser = t.browser();
    const callback = await signIn(browser, t.issuer, t.idp.demo);
    const form = {
      grant_type: 'authorization_code',
      code: callback.searchParams.get('code') ?? '',
      redirect_uri: PANEL_CALLBACK,
      client_id: TEST_CLIENT_ID,
      client_secret: TEST_CLIENT_SECRET,
    };
    assert.equal((await browser.post(`${t.issuer}/token`, form)).status, 200);
    const again = await browser.post(`${t.issuer}/token`, form);
    assert.equal(again.status, 400);
    assert.equal(again.json<{ error: string }>().error, 'invalid_grant');
  });

  test('an unregistered redirect_uri gets an error page, never a redirect', async () => {
    const browser = t.browser();
    const res = await browser.get(
      authorizeUrl(t.issuer, { redirect_uri: 'https://evil.example/openid_connect_callback/webpros' }),
    );
    assert.equal(res.status, 400);
    assert.equal(res.location, undefined);
    assert.match(res.headers.get('content-type') ?? '', /text\/html/);
    assert.match(res.text, /not registered for it/);
    assert.match(res.text, /invalid_redirect_uri/);
    assert.doesNotMatch(res.text, /at \w+ \(|node_modules/, 'no stack trace');
  });

  test('form_post responses keep their inline script allowed by hash in the CSP', async () => {
    const browser = t.browser();
    await signIn(browser, t.issuer, t.idp.demo);
    // Logged in now; a new authorization still asks for consent, answered here by Cancel.
    const consent = await browse(browser, await browser.get(authorizeUrl(t.issuer, { response_mode: 'form_post' })));
    assert.match(consent.text, /Confirm Sending Data/);
    const posted = await browse(browser, await submitForm(browser, consent, '/abort'));
    assert.equal(posted.status, 400);
    assert.match(posted.text, /name="error" value="access_denied"/);
    assert.match(posted.headers.get('content-security-policy') ?? '', /script-src 'self' 'sha256-[A-Za-z0-9+/=]+'/);
  });
});
