import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { ensureDevCertificates } from './tls.js';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'tls-test-'));

test('creates a CA and a leaf for localhost, 127.0.0.1, ::1 and extra names, and reuses them', async () => {
  const dir = tmp();
  const first = await ensureDevCertificates({ dir, hostnames: ['whm.example.test'] });
  const leaf = new X509Certificate(first.certPem);
  const ca = new X509Certificate(first.caPem);
  assert.ok(leaf.verify(ca.publicKey), 'leaf is signed by the CA');
  assert.ok(ca.ca, 'the CA is a CA');
  for (const name of ['DNS:localhost', 'IP Address:127.0.0.1', 'DNS:whm.example.test']) {
    assert.match(leaf.subjectAltName ?? '', new RegExp(name.replace(/\./g, '\\.')));
  }
  assert.match(leaf.subjectAltName ?? '', /IP Address:0:0:0:0:0:0:0:1|IP Address:::1/);
  assert.equal(fs.statSync(path.join(dir, 'ca-key.pem')).mode & 0o777, 0o600);
  const second = await ensureDevCertificates({ dir, hostnames: ['whm.example.test'] });
  assert.equal(second.certPem, first.certPem, 'reused, not regenerated');
});

test('re-issues only the leaf when the host names change', async () => {
  const dir = tmp();
  const first = await ensureDevCertificates({ dir });
  const second = await ensureDevCertificates({ dir, hostnames: ['idp'] });
  assert.equal(second.caPem, first.caPem);
  assert.notEqual(second.certPem, first.certPem);
  assert.match(new X509Certificate(second.certPem).subjectAltName ?? '', /DNS:idp/);
});

test('a client that trusts only the CA completes a TLS handshake for localhost', async () => {
  const certs = await ensureDevCertificates({ dir: tmp() });
  const server = https.createServer({ cert: certs.certPem, key: certs.keyPem }, (_req, res) => res.end('ok'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const body = await new Promise<string>((resolve, reject) => {
    https
      .get({ host: '127.0.0.1', servername: 'localhost', port, ca: certs.caPem, path: '/' }, (res) => {
        let data = '';
        res.on('data', (c) => (data += c));
        res.on('end', () => resolve(data));
      })
      .on('error', reject);
  });
  server.close();
  assert.equal(body, 'ok');
});

test('concurrent first starts share one CA', async () => {
  const dir = tmp();
  const results = await Promise.all([1, 2, 3].map(() => ensureDevCertificates({ dir })));
  assert.equal(new Set(results.map((r) => r.caPem)).size, 1);
});
