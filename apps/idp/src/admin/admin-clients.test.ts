import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { HttpClient } from '@extauth/server-kit/http-client';
import { adminClient, TEST_ADMIN_TOKEN } from '../testing/admin-client.js';
import { authorizeUrl, pkcePair, submitForm } from '../testing/oidc-driver.js';
import { PANEL_CALLBACK, startTestIdp, TEST_CLIENT_ID, type TestIdp } from '../testing/test-idp.js';
import { adminRoutes } from './admin.routes.js';

let t: TestIdp;
before(async () => {
  t = await startTestIdp({ env: { IDP_ADMIN_TOKEN: TEST_ADMIN_TOKEN } });
});
after(() => t.close());

const RP_CALLBACK = 'http://localhost:3999/callback';

/** Authorizes with a public client and PKCE, logs in as the demo account; the code on the callback. */
async function codeFor(browser: HttpClient, clientId: string, challenge: string): Promise<URL> {
  const params = {
    client_id: clientId,
    redirect_uri: RP_CALLBACK,
    state: 'st',
    code_challenge: challenge,
    code_challenge_method: 'S256',
  };
  const stop = { stopAt: (u: URL) => u.href.startsWith(RP_CALLBACK) };
  const login = await browser.follow(await browser.get(authorizeUrl(t.issuer, params)), stop);
  assert.equal(login.status, 200, login.text);
  const consent = await browser.follow(await submitForm(browser, login, '/login', t.config.demo), stop);
  const done = await browser.follow(await submitForm(browser, consent, '/consent'), stop);
  assert.ok(done.location?.startsWith(RP_CALLBACK), `${done.status} ${done.location}`);
  return new URL(done.location ?? '');
}

describe('admin API: OIDC clients', () => {
  test('a public client added at runtime can log in with PKCE at once; once removed it is unknown', async () => {
    const call = adminClient(t);
    const added = await call<{ client: Record<string, unknown> }>('POST', adminRoutes.clients, {
      client_id: 'rp-public',
      redirect_uris: [RP_CALLBACK],
    });
    assert.equal(added.status, 201);
    assert.equal(added.body.client.confidential, false);
    assert.equal(added.body.client.token_endpoint_auth_method, 'none');
    assert.equal(added.body.client.pkce_required, true);

    const browser = t.browser();
    const pkce = pkcePair();
    const callback = await codeFor(browser, 'rp-public', pkce.challenge);
    const tokens = await browser.post(`${t.issuer}/token`, {
      grant_type: 'authorization_code',
      code: callback.searchParams.get('code') ?? '',
      redirect_uri: RP_CALLBACK,
      client_id: 'rp-public',
      code_verifier: pkce.verifier,
    });
    assert.equal(tokens.status, 200, tokens.text);

    const list = await call<{ clients: { client_id: string; source: string }[] }>('GET', adminRoutes.clients);
    assert.deepEqual(
      list.body.clients.map((c) => [c.client_id, c.source]),
      [
        [TEST_CLIENT_ID, 'static'],
        ['rp-public', 'admin'],
      ],
    );
    assert.equal(JSON.stringify(list.body).includes('client_secret"'), false, 'never a secret');

    assert.equal((await call('DELETE', '/admin/clients/rp-public')).status, 204);
    const refused = await t
      .browser()
      .get(authorizeUrl(t.issuer, { client_id: 'rp-public', redirect_uri: RP_CALLBACK }));
    assert.equal(refused.status, 400);
    assert.match(refused.text, /invalid_client|client is invalid/);
    assert.equal((await call('DELETE', '/admin/clients/rp-public')).status, 404);
  });

  test('replacing a client answers 200; the panel client cannot be replaced or removed', async () => {
    const call = adminClient(t);
    const body = { client_id: 'rp-conf', client_secret: 'rp-conf-secret-0123456789', redirect_uris: [RP_CALLBACK] };
    assert.equal((await call('POST', adminRoutes.clients, body)).status, 201);
    const replaced = await call<{ client: { confidential: boolean } }>('POST', adminRoutes.clients, body);
    assert.equal(replaced.status, 200);
    assert.equal(replaced.body.client.confidential, true);
    const panel = await call('POST', adminRoutes.clients, {
      client_id: TEST_CLIENT_ID,
      redirect_uris: [PANEL_CALLBACK],
    });
    assert.equal(panel.status, 409);
    assert.equal(panel.body.error, 'client_is_static');
    assert.equal((await call('DELETE', `/admin/clients/${TEST_CLIENT_ID}`)).status, 404);
  });

  test('refuses bad client metadata with 400', async () => {
    const call = adminClient(t);
    const missing = await call('POST', adminRoutes.clients, { client_id: 'x' });
    assert.equal(missing.status, 400);
    assert.match(String(missing.body.error_description), /redirect_uris/);
    const fragment = await call('POST', adminRoutes.clients, {
      client_id: 'x',
      redirect_uris: ['https://rp.example/cb#fragment'],
    });
    assert.equal(fragment.status, 400);
    assert.equal(fragment.body.error, 'invalid_client_metadata');
  });
});
