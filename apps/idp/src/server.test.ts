import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { createHttpClient } from '@extauth/server-kit/http-client';
import { findFreePort } from '@extauth/server-kit/ports';
import { authorizeUrl, browse, signIn, type TokenResponse, verifyRs256 } from './testing/oidc-driver.js';
import { PANEL_CALLBACK, startTestIdp, TEST_CLIENT_ID, TEST_CLIENT_SECRET } from './testing/test-idp.js';

describe('startIdp with a data folder', () => {
  test('keeps the account, the signing key, tokens and the IdP session across a restart', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'idp-restart-'));
    const port = await findFreePort();
    const first = await startTestIdp({ dataDir, port });
    // One browser across both runs (the factory's browsers close with their IdP).
    const browser = createHttpClient({ ca: first.ca });
    const callback = await signIn(browser, first.issuer, first.idp.demo);
    const tokens = (
      await browser.post(`${first.issuer}/token`, {
        grant_type: 'authorization_code',
        code: callback.searchParams.get('code') ?? '',
        redirect_uri: PANEL_CALLBACK,
        client_id: TEST_CLIENT_ID,
        client_secret: TEST_CLIENT_SECRET,
      })
    ).json<TokenResponse>();
    const jwksBefore = (await browser.get(`${first.issuer}/jwks`)).json<{ keys: [] }>();
    await first.close();
    assert.deepEqual(
      fs
        .readdirSync(path.join(dataDir, 'idp'))
        .filter((f) => !f.endsWith('-wal') && !f.endsWith('-shm'))
        .sort(),
      ['idp.sqlite', 'secrets.json'],
    );
    assert.equal(fs.statSync(path.join(dataDir, 'idp', 'secrets.json')).mode & 0o777, 0o600);

    const second = await startTestIdp({ dataDir, port });
    try {
      const again = second.browser();
      const jwksAfter = (await again.get(`${second.issuer}/jwks`)).json<{ keys: [] }>();
      assert.deepEqual(jwksAfter, jwksBefore, 'the same signing key');
      const claims = verifyRs256(tokens.id_token, jwksAfter);
      assert.equal(claims.email, 'demo@example.com');

      const userinfo = await again.get(`${second.issuer}/me`, { authorization: `Bearer ${tokens.access_token}` });
      assert.equal(userinfo.status, 200, 'the access token (and so the grant) survived');
      assert.equal(userinfo.json<{ sub: string }>().sub, claims.sub, 'the same account');

      // The browser's IdP session survived too (cookie keys and session row): no login page.
      const page = await browse(browser, await browser.get(authorizeUrl(second.issuer)));
      assert.match(page.text, /<h1>Confirm Sending Data<\/h1>/);
    } finally {
      await browser.close();
      await second.close();
    }
  });

  test('close() releases the port so it can start again at once', async () => {
    const port = await findFreePort();
    const first = await startTestIdp({ port });
    await first.close();
    const second = await startTestIdp({ port });
    assert.equal(second.idp.port, port);
    await second.close();
  });
});
