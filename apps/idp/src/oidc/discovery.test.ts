import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestIdp, type TestIdp } from '../testing/test-idp.js';

let t: TestIdp;
before(async () => {
  t = await startTestIdp();
});
after(() => t.close());

describe('discovery and keys', () => {
  test('publishes the issuer exactly, iss in authorization responses, acr values 1 and 2', async () => {
    const res = await t.browser().get(`${t.issuer}/.well-known/openid-configuration`);
    assert.equal(res.status, 200);
    const meta = res.json<Record<string, unknown>>();
    assert.equal(meta.issuer, t.issuer);
    assert.ok(!String(meta.issuer).endsWith('/'));
    assert.equal(meta.authorization_response_iss_parameter_supported, true);
    assert.deepEqual(meta.acr_values_supported, ['1', '2']);
    assert.deepEqual(meta.response_types_supported, ['code']);
    assert.deepEqual(meta.code_challenge_methods_supported, ['S256']);
    for (const method of ['client_secret_basic', 'client_secret_post']) {
      assert.ok((meta.token_endpoint_auth_methods_supported as string[]).includes(method), method);
    }
    assert.equal(meta.authorization_endpoint, `${t.issuer}/auth`);
    assert.equal(meta.token_endpoint, `${t.issuer}/token`);
    assert.equal(meta.userinfo_endpoint, `${t.issuer}/me`);
    assert.equal(meta.end_session_endpoint, `${t.issuer}/session/end`);
    assert.equal(meta.jwks_uri, `${t.issuer}/jwks`);
    for (const claim of ['sub', 'email', 'email_verified', 'given_name', 'family_name', 'name', 'acr', 'amr']) {
      assert.ok((meta.claims_supported as string[]).includes(claim), claim);
    }
  });

  test('publishes one RS256 signing key with use sig and a kid, and no private parts', async () => {
    const { keys } = (await t.browser().get(`${t.issuer}/jwks`)).json<{ keys: Record<string, unknown>[] }>();
    assert.equal(keys.length, 1);
    const [key] = keys;
    assert.equal(key?.kty, 'RSA');
    assert.equal(key?.use, 'sig');
    assert.equal(key?.alg, 'RS256');
    assert.match(String(key?.kid), /^[A-Za-z0-9_-]{43}$/);
    for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi']) assert.equal(key?.[secret], undefined, secret);
  });

  test('serves the stylesheet with a long cache lifetime and our security headers', async () => {
    const browser = t.browser();
    const res = await browser.get(`${t.issuer}/assets/idp.css`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/css/);
    assert.match(res.headers.get('cache-control') ?? '', /max-age=31536000/);
    assert.match(res.text, /--brand:/);
    assert.match(res.headers.get('content-security-policy') ?? '', /script-src 'self'/);
  });

  test('answers an unknown path with our 404 page', async () => {
    const res = await t.browser().get(`${t.issuer}/no-such-page`);
    assert.equal(res.status, 404);
    assert.match(res.text, /does not exist/);
    assert.match(res.text, /<link rel="stylesheet" href="\/assets\/idp\.css\?v=/);
  });
});
