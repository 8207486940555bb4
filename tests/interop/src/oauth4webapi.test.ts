import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createSandbox, type Sandbox } from '@extauth/testkit';
import * as oauth from 'oauth4webapi';
import { caFetch, createIdpBrowser } from './support/idp-browser.js';

// oauth4webapi as a confidential relying party (client_secret_basic, PKCE, nonce): its strict
// checks of discovery, the authorization response (RFC 9207 `iss`), the token response and the ID
// token, plus the ID token's signature through the JWKS.

const RP = 'https://o4w-rp.interop.test';
const REDIRECT_URI = `${RP}/callback`;
const CLIENT_ID = 'interop-oauth4webapi';
const CLIENT_SECRET = 'interop-oauth4webapi-secret-0123456789';

let sandbox: Sandbox;
let as: oauth.AuthorizationServer;
let http: ReturnType<typeof caFetch>;
let account: { email: string; password: string; sub: string };
const rp: oauth.Client = { client_id: CLIENT_ID };
const clientAuth = oauth.ClientSecretBasic(CLIENT_SECRET);

before(async () => {
  sandbox = await createSandbox();
  assert.ok(sandbox.admin);
  await sandbox.admin.addClient({
    client_id: CLIENT_ID,
    client_secret: CLIENT_SECRET,
    redirect_uris: [REDIRECT_URI],
    grant_types: ['authorization_code', 'refresh_token'],
    token_endpoint_auth_method: 'client_secret_basic',
  });
  account = await sandbox.seedAccount({ email: 'o4w-user@interop.test', givenName: 'Oscar', familyName: 'Web' });
  http = caFetch(sandbox.ca);
  const issuer = new URL(sandbox.issuer);
  as = await oauth.processDiscoveryResponse(
    issuer,
    await oauth.discoveryRequest(issuer, { [oauth.customFetch]: http.fetch }),
  );
});
after(async () => {
  await http?.close();
  await sandbox?.stop();
});

async function signIn(extra: Record<string, string> = {}) {
  const codeVerifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const nonce = oauth.generateRandomNonce();
  const url = new URL(as.authorization_endpoint ?? '');
  const params = {
    client_id: CLIENT_ID,
    redirect_uri: REDIRECT_URI,
    response_type: 'code',
    scope: 'openid email profile',
    code_challenge: await oauth.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...extra,
  };
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  const person = createIdpBrowser({ ca: sandbox.ca, redirectPrefix: RP });
  try {
    const { callback } = await person.signIn(url, account);
    return { callback, codeVerifier, state, nonce };
  } finally {
    await person.close();
  }
}

/** at_hash / c_hash: base64url of the left half of SHA-256 (RS256), OIDC Core §3.1.3.6 and §3.3.2.11. */
const halfHash = (value: string) => createHash('sha256').update(value).digest().subarray(0, 16).toString('base64url');

describe('oauth4webapi (confidential client, strict validation)', () => {
  test('discovery passes its checks and advertises what the checks below rely on', () => {
    assert.equal(as.issuer, sandbox.issuer);
    assert.equal(as.authorization_response_iss_parameter_supported, true);
    assert.deepEqual(as.code_challenge_methods_supported, ['S256']);
    assert.ok(as.id_token_signing_alg_values_supported?.includes('RS256'));
  });

  test('the authorization response carries iss: validateAuthResponse accepts it, and refuses it missing or changed', async () => {
    const { callback, state } = await signIn();
    const params = oauth.validateAuthResponse(as, rp, callback, state);
    assert.ok(params.get('code'));

    const without = new URL(callback);
    without.searchParams.delete('iss');
    assert.throws(() => oauth.validateAuthResponse(as, rp, without, state), {
      code: oauth.INVALID_RESPONSE,
      message: /"iss"/,
    });
    const forged = new URL(callback);
    forged.searchParams.set('iss', 'https://attacker.example');
    assert.throws(() => oauth.validateAuthResponse(as, rp, forged, state), {
      code: oauth.INVALID_RESPONSE,
      message: /unexpected "iss"/,
    });
    assert.throws(() => oauth.validateAuthResponse(as, rp, callback, oauth.generateRandomState()), {
      message: /"state"/,
    });
  });

  test('code exchange: token response and ID token pass every check, signature included; at_hash, if sent, matches', async () => {
    const { callback, codeVerifier, state, nonce } = await signIn();
    const params = oauth.validateAuthResponse(as, rp, callback, state);
    const response = await oauth.authorizationCodeGrantRequest(as, rp, clientAuth, params, REDIRECT_URI, codeVerifier, {
      [oauth.customFetch]: http.fetch,
    });
    const tokens = await oauth.processAuthorizationCodeResponse(as, rp, response, {
      expectedNonce: nonce,
      requireIdToken: true,
    });
    await oauth.validateApplicationLevelSignature(as, response, { [oauth.customFetch]: http.fetch });
    const claims = oauth.getValidatedIdTokenClaims(tokens);
    assert.ok(claims);
    assert.equal(claims.iss, sandbox.issuer);
    assert.equal(claims.aud, CLIENT_ID);
    assert.equal(claims.sub, account.sub);
    assert.equal(claims.nonce, nonce);
    assert.equal(claims.email, account.email);
    assert.equal(claims.acr, '1');
    assert.deepEqual(claims.amr, ['pwd']);
    if (claims.at_hash !== undefined) assert.equal(claims.at_hash, halfHash(tokens.access_token));
    assert.equal(claims.c_hash, undefined, 'c_hash belongs to hybrid responses only');
    assert.equal(tokens.token_type, 'bearer');

    const userinfo = await oauth.processUserInfoResponse(
      as,
      rp,
      account.sub,
      await oauth.userInfoRequest(as, rp, tokens.access_token, { [oauth.customFetch]: http.fetch }),
    );
    assert.equal(userinfo.email, account.email);
    assert.equal(userinfo.family_name, 'Web');

    assert.ok(tokens.refresh_token);
    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      rp,
      await oauth.refreshTokenGrantRequest(as, rp, clientAuth, tokens.refresh_token, {
        [oauth.customFetch]: http.fetch,
      }),
    );
    assert.equal(oauth.getValidatedIdTokenClaims(refreshed)?.sub, account.sub);
  });

  test('hybrid and implicit response types are refused, so no ID token (c_hash, at_hash) ever travels in the front channel', async () => {
    for (const responseType of ['code id_token', 'id_token', 'code token']) {
      const url = new URL(as.authorization_endpoint ?? '');
      url.searchParams.set('client_id', CLIENT_ID);
      url.searchParams.set('redirect_uri', REDIRECT_URI);
      url.searchParams.set('response_type', responseType);
      url.searchParams.set('scope', 'openid');
      url.searchParams.set('nonce', oauth.generateRandomNonce());
      url.searchParams.set('state', 's');
      const person = createIdpBrowser({ ca: sandbox.ca, redirectPrefix: RP });
      try {
        const answer = await person.open(url);
        const error = new URL(answer.location ?? 'about:blank');
        const text = `${error.searchParams.get('error')} ${error.hash} ${answer.text}`;
        assert.match(text, /unsupported_response_type/, `${responseType}: ${answer.status}`);
        assert.doesNotMatch(error.href, /id_token=|access_token=/);
      } finally {
        await person.close();
      }
    }
  });

  test('the token endpoint refuses the code without the client secret, and a second use of it', async () => {
    const { callback, codeVerifier, state, nonce } = await signIn();
    const params = oauth.validateAuthResponse(as, rp, callback, state);
    const request = (auth: oauth.ClientAuth) =>
      oauth.authorizationCodeGrantRequest(as, rp, auth, params, REDIRECT_URI, codeVerifier, {
        [oauth.customFetch]: http.fetch,
      });
    await assert.rejects(
      oauth.processAuthorizationCodeResponse(as, rp, await request(oauth.ClientSecretBasic('wrong-secret'))),
      (err: oauth.WWWAuthenticateChallengeError) =>
        err.status === 401 && err.cause.some((c) => c.parameters.error === 'invalid_client'),
    );
    await oauth.processAuthorizationCodeResponse(as, rp, await request(clientAuth), {
      expectedNonce: nonce,
      requireIdToken: true,
    });
    await assert.rejects(
      oauth.processAuthorizationCodeResponse(as, rp, await request(clientAuth)),
      (err: oauth.ResponseBodyError) => err.error === 'invalid_grant',
    );
  });
});
