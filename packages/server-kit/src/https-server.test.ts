import assert from 'node:assert/strict';
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { createHttpClient } from './http-client.js';
import { startHttpsServer } from './https-server.js';
import { ensureDevCertificates } from './tls.js';

async function serve(options: { handshakeTimeoutMs?: number } = {}) {
  const certs = await ensureDevCertificates({ dir: fs.mkdtempSync(path.join(os.tmpdir(), 'https-server-test-')) });
  const server = await startHttpsServer({
    handler: (_req, res) => res.end('ok'),
    host: '127.0.0.1',
    port: 0,
    tls: { certPem: certs.certPem, keyPem: certs.keyPem },
    ...options,
  });
  return { server, client: createHttpClient({ ca: certs.caPem }) };
}

/** Opens TCP to the port and sends nothing: no TLS handshake ever starts. */
async function silentConnection(port: number): Promise<net.Socket> {
  const socket = net.connect(port, '127.0.0.1');
  await once(socket, 'connect');
  // Fails the test (once() rejects on 'error') rather than waiting forever.
  socket.setTimeout(5_000, () => socket.destroy(new Error('the server kept the silent connection open')));
  return socket;
}

test('a connection that never starts the TLS handshake is closed once the handshake time is up', async () => {
  const { server, client } = await serve({ handshakeTimeoutMs: 100 });
  try {
    // It used to stay open for good, even after the client left: the 400 written in answer to the
    // handshake timeout waited for a handshake that never came (one file descriptor each).
    const silent = await silentConnection(server.port);
    await once(silent, 'close');
    assert.equal((await client.get(`https://localhost:${server.port}/`)).text, 'ok', 'the server still answers');
  } finally {
    await client.close();
    await server.close();
  }
});

test('close() does not wait for a connection still before its TLS handshake', { timeout: 10_000 }, async () => {
  const { server, client } = await serve();
  await client.close();
  const silent = await silentConnection(server.port);
  const closed = once(silent, 'close');
  await server.close();
  await closed;
});
