import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import zlib from 'node:zlib';
import type { Logger } from '@extauth/server-kit/logger';
import { TEST_ADMIN_TOKEN } from '../testing/admin-client.js';
import { startTestIdp, TEST_CLIENT_ID, TEST_CLIENT_SECRET, type TestIdp } from '../testing/test-idp.js';

/** A body labelled as compressed that is not: zlib refuses it, which is the client's mistake. */
const NOT_COMPRESSED = 'email=a%40example.com&password=x';

let t: TestIdp;
const errors: string[] = [];
const logger: Logger = { info() {}, warn() {}, error: (message) => errors.push(message) };

before(async () => {
  t = await startTestIdp({ env: { IDP_ADMIN_TOKEN: TEST_ADMIN_TOKEN }, logger });
});
after(() => t.close());

describe('request bodies with a Content-Encoding (gzip, deflate, br)', () => {
  test('our forms answer a body that does not decompress with a 400 page that says so', async () => {
    const browser = t.browser();
    for (const [path, encoding, name] of [
      ['/account/login', 'gzip', 'gzip'],
      ['/signup', 'deflate', 'deflate'],
      ['/password-reset', 'br', 'Brotli (br)'],
    ] as const) {
      const res = await browser.request('POST', `${t.issuer}${path}`, {
        body: NOT_COMPRESSED,
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-encoding': encoding },
      });
      assert.equal(res.status, 400, path);
      assert.match(
        res.text,
        new RegExp(`role="alert"[^>]*>\\s*The request body is not valid ${name.replace(/[()]/g, '\\$&')} data\\.`),
        path,
      );
    }
    assert.deepEqual(errors, []);
  });

  test('the admin API answers in its JSON: 400 invalid_request, 415 for an unknown coding', async () => {
    const browser = t.browser();
    const post = (body: string | Uint8Array, encoding: string) =>
      browser.request('POST', `${t.issuer}/admin/accounts`, {
        body,
        headers: {
          authorization: `Bearer ${TEST_ADMIN_TOKEN}`,
          'content-type': 'application/json',
          'content-encoding': encoding,
        },
      });
    const corrupt = await post('{"email":"a@example.com"}', 'gzip');
    assert.equal(corrupt.status, 400);
    assert.deepEqual(corrupt.json(), {
      error: 'invalid_request',
      error_description: 'The request body is not valid gzip data.',
    });
    const unknown = await post('{"email":"a@example.com"}', 'compress');
    assert.equal(unknown.status, 415);
    assert.equal(unknown.json<{ error: string }>().error, 'unsupported_media_type');
    const honest = await post(zlib.gzipSync(JSON.stringify({ email: 'gzip-admin@example.com' })), 'gzip');
    assert.equal(honest.status, 201, honest.text);
    assert.deepEqual(errors, []);
  });

  test('oidc-provider’s endpoints refuse a compressed body (415) rather than read it as plain text', async () => {
    const res = await t.browser().request('POST', `${t.issuer}/token`, {
      // Plain text labelled gzip: oidc-provider alone would parse it as an ordinary form.
      body: 'grant_type=client_credentials',
      headers: {
        accept: 'application/json',
        authorization: `Basic ${Buffer.from(`${TEST_CLIENT_ID}:${TEST_CLIENT_SECRET}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
        'content-encoding': 'gzip',
      },
    });
    assert.equal(res.status, 415);
    assert.deepEqual(res.json(), {
      error: 'invalid_request',
      error_description: 'This endpoint does not accept a compressed request body: send it without Content-Encoding.',
    });
    assert.deepEqual(errors, []);
  });
});
