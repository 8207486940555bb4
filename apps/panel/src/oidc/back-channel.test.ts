import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { TLSSocket } from 'node:tls';
import { ConfigError } from '@extauth/server-kit/errors';
import { startHttpsServer } from '@extauth/server-kit/https-server';
import { findFreePort } from '@extauth/server-kit/ports';
import { ensureDevCertificates } from '@extauth/server-kit/tls';
import { loadPanelConfig } from '../config.js';
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

/** An HTTPS server on 127.0.0.1 that answers with its own label, the Host header and the SNI it got. */
async function echoServer(label: string, tls: { certPem: string; keyPem: string }) {
  return startHttpsServer({
    host: '127.0.0.1',
    port: 0,
    tls,
    handler: (req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          label,
          host: req.headers.host,
          sni: (req.socket as TLSSocket).servername || null,
          url: req.url,
        }),
      );
    },
  });
}

test('PANEL_IDP_CONNECT_TO sends the issuer origin to the mapped address with the issuer Host header and SNI', async () => {
  const certs = await testCertificates();
  const realIdp = await echoServer('mapped', certs);
  const other = await echoServer('direct', certs);
  // Nothing listens on the issuer's own port: only the mapping can make the call succeed.
  const unusedPort = await findFreePort('127.0.0.1');
  const issuer = `https://localhost:${unusedPort}`;
  const direct = createBackChannel({ caPem: certs.caPem });
  const mapped = createBackChannel({
    caPem: certs.caPem,
    issuer,
    connectTo: { host: '127.0.0.1', port: realIdp.port },
  });
  try {
    await assert.rejects(direct.fetch(`${issuer}/.well-known/openid-configuration`), /fetch failed/);

    const res = await mapped.fetch(`${issuer}/.well-known/openid-configuration`);
    assert.deepEqual(await res.json(), {
      label: 'mapped',
      host: `localhost:${unusedPort}`,
      sni: 'localhost',
      url: '/.well-known/openid-configuration',
    });
    // A second call reuses the pooled connection to the same place.
    assert.equal(((await (await mapped.fetch(`${issuer}/jwks`)).json()) as { label: string }).label, 'mapped');

    // Other origins (here: another host name, or the same host on another port) are not redirected.
    const byIp = await mapped.fetch(`https://127.0.0.1:${other.port}/x`);
    assert.deepEqual(await byIp.json(), { label: 'direct', host: `127.0.0.1:${other.port}`, sni: null, url: '/x' });
    const otherPort = await mapped.fetch(`https://localhost:${other.port}/y`);
    assert.equal(((await otherPort.json()) as { label: string }).label, 'direct');
  } finally {
    await direct.close();
    await mapped.close();
    await realIdp.close();
    await other.close();
  }
});

test('with PANEL_IDP_CONNECT_TO the certificate is still checked against the issuer name and the given CA', async () => {
  const certs = await testCertificates();
  const server = await echoServer('mapped', certs);
  const otherCa = await ensureDevCertificates({ dir: fs.mkdtempSync(path.join(os.tmpdir(), 'other-ca-')) });
  // The mapped target (127.0.0.1) is on the certificate, but the issuer's host name is not: refused.
  const wrongName = createBackChannel({
    caPem: certs.caPem,
    issuer: 'https://idp.not-on-the-certificate.test:8443',
    connectTo: { host: '127.0.0.1', port: server.port },
  });
  const wrongCa = createBackChannel({
    caPem: otherCa.caPem,
    issuer: 'https://localhost:8443',
    connectTo: { host: '127.0.0.1', port: server.port },
  });
  try {
    await assert.rejects(wrongName.fetch('https://idp.not-on-the-certificate.test:8443/'), (err: Error) => {
      assert.equal(err.message, 'fetch failed');
      assert.equal((err.cause as { code?: string })?.code, 'ERR_TLS_CERT_ALTNAME_INVALID');
      return true;
    });
    await assert.rejects(wrongCa.fetch('https://localhost:8443/'), (err: Error) => {
      assert.match(String((err.cause as { code?: string })?.code), /UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED|CERT/);
      return true;
    });
    assert.throws(
      () => createBackChannel({ caPem: certs.caPem, connectTo: { host: 'idp', port: 8443 } }),
      /needs the issuer/,
    );
  } finally {
    await wrongName.close();
    await wrongCa.close();
    await server.close();
  }
});

test('PANEL_IDP_CONNECT_TO is parsed as HOST:PORT and reaches the panel configuration', () => {
  assert.equal(loadPanelConfig({}).idpConnectTo, undefined);
  assert.deepEqual(loadPanelConfig({ PANEL_IDP_CONNECT_TO: 'idp:8443' }).idpConnectTo, { host: 'idp', port: 8443 });
  assert.deepEqual(loadPanelConfig({ PANEL_IDP_CONNECT_TO: '[::1]:9443' }).idpConnectTo, { host: '::1', port: 9443 });
  assert.deepEqual(loadPanelConfig({ PANEL_IDP_CONNECT_TO: '10.0.0.5:443' }).idpConnectTo, {
    host: '10.0.0.5',
    port: 443,
  });
  for (const bad of ['idp', 'https://idp:8443', 'idp:0', 'idp:70000', ':8443', 'idp:84a3']) {
    assert.throws(
      () => loadPanelConfig({ PANEL_IDP_CONNECT_TO: bad }),
      (err: Error) => err instanceof ConfigError && err.message.includes('PANEL_IDP_CONNECT_TO'),
      bad,
    );
  }
});
