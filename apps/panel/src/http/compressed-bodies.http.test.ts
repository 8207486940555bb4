import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import zlib from 'node:zlib';
import { startTestEnv, type TestEnv } from '../test-support/harness.js';
import { type Envelope, ROOT_BASIC } from '../test-support/whm-api-client.js';

const FORM = 'application/x-www-form-urlencoded';

describe('request bodies with a Content-Encoding (gzip, deflate, br)', () => {
  let env: TestEnv;
  before(async () => {
    env = await startTestEnv();
  });
  after(() => env.close());

  const errorsLogged = () => env.logger.lines.filter((l) => l.level === 'error');

  test('a login form body that is not valid gzip is a 400 page saying so, not a 500', async () => {
    const res = await env.browser.request('POST', `${env.url}/login/`, {
      body: 'notgzip',
      headers: { 'content-type': FORM, 'content-encoding': 'gzip' },
    });
    assert.equal(res.status, 400);
    assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(res.text, /role="alert">The request body is not valid gzip data\.</);
    assert.deepEqual(errorsLogged(), []);
  });

  test('the WHM API answers a body that does not decompress in its envelope', async () => {
    const res = await env.browser.request('POST', `${env.url}/json-api/api_token_create?api.version=1`, {
      body: 'notdeflate',
      headers: { authorization: ROOT_BASIC, 'content-type': FORM, 'content-encoding': 'deflate' },
    });
    assert.equal(res.status, 400);
    assert.deepEqual(res.json<Envelope>().metadata, {
      command: 'api_token_create',
      reason: 'The request body is not valid deflate data.',
      result: 0,
      version: 1,
    });
    const unknown = await env.browser.request('POST', `${env.url}/json-api/api_token_create?api.version=1`, {
      body: 'token_name=x',
      headers: { authorization: ROOT_BASIC, 'content-type': FORM, 'content-encoding': 'compress' },
    });
    assert.equal(unknown.status, 415);
    assert.equal(unknown.json<Envelope>().metadata.result, 0);
    assert.match(unknown.json<Envelope>().metadata.reason, /send it uncompressed, or as gzip, deflate or br/);
    assert.deepEqual(errorsLogged(), []);
  });

  test('a correctly compressed WHM API call still works', async () => {
    const res = await env.browser.request('POST', `${env.url}/json-api/api_token_create?api.version=1`, {
      body: zlib.brotliCompressSync('token_name=compressed-token'),
      headers: { authorization: ROOT_BASIC, 'content-type': FORM, 'content-encoding': 'br' },
    });
    const body = res.json<Envelope>();
    assert.equal(body.metadata.result, 1, body.metadata.reason);
    assert.equal(body.data?.name, 'compressed-token');
  });
});
