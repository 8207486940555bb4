import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { startHttpsServer } from '@extauth/server-kit/https-server';
import { ensureDevCertificates } from '@extauth/server-kit/tls';
import { testCertificates } from '../test-support/harness.js';
import { createBackChannel } from './back-channel.js';

test('the back channel trusts the given CA and no other', async () => {
  const certs = await testCertificates();
  const server = await startHttpsServer({
    host: '127.0.0.1',
    port: 0,
    tls: certs,
    handler: (_req, res) => res.end('ok'),
  });
  const otherCa = await ensureDevCertificates({ dir: fs.mkdtempSync(path.join(os.tmpdir(), 'other-ca-')) });
  const trusting = createBackChannel({ caPem: certs.caPem });
  const stranger = createBackChannel({ caPem: otherCa.caPem });
  try {
    const res = await trusting.fetch(`https://localhost:${server.port}/`);
    assert.equal(await res.text(), 'ok');
    await assert.rejects(stranger.fetch(`https://localhost:${server.port}/`), (err: Error) => {
      assert.equal(err.message, 'fetch failed');
      assert.match(String((err.cause as { code?: string })?.code), /UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED|CERT/);
      return true;
    });
  } finally {
    await trusting.close();
    await stranger.close();
    await server.close();
  }
});
