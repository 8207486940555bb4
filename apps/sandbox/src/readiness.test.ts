import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type RunningServer, startHttpsServer } from '@extauth/server-kit/https-server';
import { findFreePort } from '@extauth/server-kit/ports';
import { type DevCertificates, ensureDevCertificates } from '@extauth/server-kit/tls';
import { checkSandboxReadiness, probeReadyz, readyzUrl } from './readiness.js';

const TEST_TLS_DIR = path.join(os.tmpdir(), 'extauth-sandbox-diagnostics-tls');

describe("the launcher's /readyz check", () => {
  let certs: DevCertificates;
  let server: RunningServer;
  // What the app under test answers at /readyz.
  let answer: { status: number; body: string } = { status: 200, body: '{"status":"ok"}' };
  const requests: { path: string | undefined; host: string | undefined }[] = [];

  before(async () => {
    certs = await ensureDevCertificates({ dir: TEST_TLS_DIR });
    server = await startHttpsServer({
      host: '127.0.0.1',
      port: 0,
      tls: certs,
      handler: (req, res) => {
        requests.push({ path: req.url, host: req.headers.host });
        res.writeHead(answer.status, { 'content-type': 'application/json' });
        res.end(answer.body);
      },
    });
  });
  after(() => server.close());

  const target = () => ({ app: 'panel' as const, host: '127.0.0.1', port: server.port });

  test('a wildcard listener is asked on loopback, IPv6 in brackets', () => {
    assert.equal(readyzUrl({ app: 'IdP', host: '0.0.0.0', port: 8443 }), 'https://127.0.0.1:8443/readyz');
    assert.equal(readyzUrl({ app: 'IdP', host: '::', port: 8443 }), 'https://[::1]:8443/readyz');
    assert.equal(readyzUrl({ app: 'panel', host: 'idp.internal', port: 2087 }), 'https://idp.internal:2087/readyz');
  });

  test('200 is ready; the request is one GET /readyz over HTTPS trusting the sandbox CA', async () => {
    answer = { status: 200, body: '{"status":"ok"}' };
    requests.length = 0;
    assert.deepEqual(await probeReadyz(target(), certs.caPem), {
      app: 'panel',
      url: `https://127.0.0.1:${server.port}/readyz`,
      ready: true,
    });
    assert.deepEqual(requests, [{ path: '/readyz', host: `127.0.0.1:${server.port}` }]);
  });

  test("503 is not ready, with the app's reason", async () => {
    answer = {
      status: 503,
      body: JSON.stringify({ status: 'unavailable', reason: 'The panel cannot reach the IdP: set IDP_ISSUER.' }),
    };
    const result = await probeReadyz(target(), certs.caPem);
    assert.deepEqual(result, {
      app: 'panel',
      url: `https://127.0.0.1:${server.port}/readyz`,
      ready: false,
      answered: true,
      reason: 'The panel cannot reach the IdP: set IDP_ISSUER.',
    });
  });

  test('an answer that is not the health JSON is not ready, with its status', async () => {
    answer = { status: 502, body: '<h1>Bad Gateway</h1>' };
    const result = await probeReadyz(target(), certs.caPem);
    assert.ok(!result.ready && result.answered);
    assert.equal(!result.ready && result.reason, 'HTTP 502 without a reason');
  });

  test('a certificate from another CA or a closed port: not answered, with the error code', async () => {
    const otherCa = await ensureDevCertificates({ dir: fs.mkdtempSync(path.join(os.tmpdir(), 'readyz-other-ca-')) });
    const untrusted = await probeReadyz(target(), otherCa.caPem);
    assert.ok(!untrusted.ready && !untrusted.answered);
    assert.match(!untrusted.ready ? untrusted.reason : '', /^[A-Z_]+$/, 'a TLS error code');
    const closed = await probeReadyz({ app: 'IdP', host: '127.0.0.1', port: await findFreePort() }, certs.caPem);
    assert.ok(!closed.ready && !closed.answered);
    assert.equal(!closed.ready && closed.reason, 'ECONNREFUSED');
  });

  test('both apps are asked at once, each result named by its app', async () => {
    answer = { status: 200, body: '{"status":"ok"}' };
    const results = await checkSandboxReadiness(
      [
        { app: 'IdP', host: '127.0.0.1', port: server.port },
        { app: 'panel', host: '0.0.0.0', port: server.port },
      ],
      certs.caPem,
    );
    assert.deepEqual(
      results.map((r) => [r.app, r.ready]),
      [
        ['IdP', true],
        ['panel', true],
      ],
    );
  });
});
