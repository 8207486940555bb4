import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import tls from 'node:tls';
import Koa from 'koa';
import { errorHandler } from './error-handler.js';
import { createHttpClient } from './http-client.js';
import { startHttpsServer } from './https-server.js';
import { silentLogger } from './logger.js';
import { CONTENT_SECURITY_POLICY, SECURITY_HEADERS } from './security-headers.js';
import { ensureDevCertificates } from './tls.js';

/** Refusals found by the hostile-input suite (tests/fuzz) that reached clients without a sentence. */

async function serve(app: Koa) {
  const certs = await ensureDevCertificates({ dir: fs.mkdtempSync(path.join(os.tmpdir(), 'refusals-test-')) });
  const server = await startHttpsServer({
    handler: app.callback(),
    host: '127.0.0.1',
    port: 0,
    tls: { certPem: certs.certPem, keyPem: certs.keyPem },
  });
  const client = createHttpClient({ ca: certs.caPem });
  return {
    url: `https://localhost:${server.port}`,
    client,
    /** Sends `head` as written (no client adds a Host or fixes a header) and reads to the close. */
    raw: async (head: string): Promise<string> => {
      const socket = tls.connect({ host: '127.0.0.1', port: server.port, servername: 'localhost', ca: certs.caPem });
      socket.setTimeout(5_000, () => socket.destroy(new Error('no answer within 5 s')));
      socket.end(head);
      let text = '';
      for await (const chunk of socket) text += chunk;
      return text;
    },
    close: async () => {
      await client.close();
      await server.close();
    },
  };
}

function appWith(middleware: Koa.Middleware): Koa {
  const app = new Koa();
  app.use(errorHandler({ logger: silentLogger, renderHtml: (page) => `<p role="alert">${page.message}</p>` }));
  app.use(middleware);
  return app;
}

test('a refusal without a body (a router 405) is answered with the sentence for its status', async () => {
  const s = await serve(
    appWith((ctx) => {
      ctx.status = 405;
      ctx.set('Allow', 'POST');
    }),
  );
  try {
    const res = await s.client.request('PUT', `${s.url}/form`);
    assert.equal(res.status, 405);
    assert.equal(res.headers.get('allow'), 'POST');
    assert.match(res.text, /<p role="alert">This method is not allowed here\.<\/p>/);
  } finally {
    await s.close();
  }
});

test('a request Node cannot read (a 40 KB address) gets a 431 with a sentence, not a bare status line', async () => {
  const s = await serve(
    appWith((ctx) => {
      ctx.body = 'ok';
    }),
  );
  try {
    const res = await s.client.get(`${s.url}/?q=${'a'.repeat(40_000)}`);
    assert.equal(res.status, 431);
    assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(res.text, /role="alert">The address or the headers of this request are too long\./);
    assert.equal(res.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY);
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) assert.equal(res.headers.get(name), value, name);
    assert.equal((await s.client.get(`${s.url}/`)).text, 'ok', 'the server still answers');
  } finally {
    await s.close();
  }
});

test("Node's own refusals (no Host in HTTP/1.1, an unknown Expect) carry a sentence, not an empty body", async () => {
  const s = await serve(
    appWith((ctx) => {
      ctx.body = 'ok';
    }),
  );
  try {
    const noHost = await s.raw('GET / HTTP/1.1\r\nConnection: close\r\n\r\n');
    assert.match(noHost, /^HTTP\/1\.1 400 Bad Request\r\n/);
    assert.match(noHost, /content-type: text\/html; charset=utf-8\r\n/i);
    assert.match(noHost, /role="alert">The request has no Host header \(HTTP\/1\.1 requires one\)\./);
    const expect = await s.raw('GET / HTTP/1.1\r\nHost: localhost\r\nExpect: teapot\r\nConnection: close\r\n\r\n');
    assert.match(expect, /^HTTP\/1\.1 417 Expectation Failed\r\n/);
    assert.match(expect, /role="alert">The Expect header of this request is not supported here\./);
    assert.ok(expect.includes(`\r\nContent-Security-Policy: ${CONTENT_SECURITY_POLICY}\r\n`), expect);
    // HTTP/1.0 needs no Host; and the server still answers.
    assert.match(await s.raw('GET / HTTP/1.0\r\n\r\n'), /^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\nok$/);
    assert.equal((await s.client.get(`${s.url}/`)).text, 'ok');
  } finally {
    await s.close();
  }
});
