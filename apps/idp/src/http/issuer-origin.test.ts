import assert from 'node:assert/strict';
import https from 'node:https';
import { after, before, test } from 'node:test';
import { startTestIdp, type TestIdp } from '../testing/test-idp.js';

let idp: TestIdp;
before(async () => {
  idp = await startTestIdp();
});
after(() => idp.close());

/** A GET with a Host header of our choosing (fetch does not let a caller set it). */
function getWithHost(url: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.get(url, { ca: idp.ca, servername: 'localhost', headers: { host } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
  });
}

test('discovery advertises the issuer’s own URLs whatever Host the client sent', async () => {
  for (const host of ['evil.example', 'evil.example:8443', '127.0.0.1']) {
    const res = await getWithHost(`${idp.issuer}/.well-known/openid-configuration`, host);
    assert.equal(res.status, 200);
    const metadata = JSON.parse(res.body) as Record<string, unknown>;
    const urls = Object.entries(metadata).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1].startsWith('https://'),
    );
    assert.ok(urls.length >= 5, 'discovery lists its endpoints');
    for (const [name, url] of urls) {
      assert.equal(new URL(url).origin, idp.issuer, `${name} for Host ${host}`);
    }
  }
});
