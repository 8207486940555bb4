import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { describe, test } from 'node:test';
import { findFreePort } from '@extauth/server-kit/ports';
import { fetch as undiciFetch } from 'undici';
import { describeUnreachable } from './cli/reach.js';

const IDP = { url: 'https://localhost:8443', what: 'the IdP', portVariable: 'IDP_PORT' };

/** What a rejected promise rejected with. */
async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  assert.fail('expected a rejection');
}

describe('describeUnreachable: only a failure to reach the server', () => {
  test('a real refused connection from undici is "does not answer"', async () => {
    const port = await findFreePort();
    const err = await rejectionOf(undiciFetch(`https://localhost:${port}/`));
    assert.deepEqual(describeUnreachable(err, { ...IDP, url: `https://localhost:${port}` }), {
      kind: 'nothing_answers',
      sentence: `the IdP does not answer at https://localhost:${port}: is the sandbox running?`,
    });
  });

  test('a server that drops the connection in the middle of its answer cannot be reached either', async () => {
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"half":');
      setImmediate(() => res.socket?.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const res = await undiciFetch(`${url}/`);
      const err = await rejectionOf(res.text());
      assert.match(
        describeUnreachable(err, { ...IDP, url })?.sentence ?? '',
        /^cannot reach the IdP at http:\/\/127\.0\.0\.1:\d+ \(UND_ERR_SOCKET\)$/,
      );
    } finally {
      server.close();
    }
  });

  test('undici and TLS codes without a fetch around them are network failures too', () => {
    const socket = Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' });
    assert.equal(
      describeUnreachable(socket, IDP)?.sentence,
      'cannot reach the IdP at https://localhost:8443 (UND_ERR_SOCKET)',
    );
    const tls = new TypeError('fetch failed', {
      cause: Object.assign(new Error('self-signed certificate in certificate chain'), {
        code: 'SELF_SIGNED_CERT_IN_CHAIN',
      }),
    });
    assert.equal(describeUnreachable(tls, IDP)?.kind, 'other_ca');
    const reset = new TypeError('fetch failed', { cause: Object.assign(new Error('read'), { code: 'ECONNRESET' }) });
    assert.equal(
      describeUnreachable(reset, IDP)?.sentence,
      'cannot reach the IdP at https://localhost:8443 (ECONNRESET)',
    );
  });

  test('file-system errors are not (EISDIR, EACCES, ENOENT), nor an error without a code', () => {
    const folder = fs.mkdtempSync(`${os.tmpdir()}/reach-`);
    let eisdir: unknown;
    try {
      fs.readFileSync(folder);
    } catch (err) {
      eisdir = err;
    }
    assert.equal((eisdir as { code?: string }).code, 'EISDIR');
    assert.equal(describeUnreachable(eisdir, IDP), undefined);
    for (const code of ['EACCES', 'ENOENT', 'EPERM']) {
      const err = Object.assign(new Error(`${code}: open '/x/panel.ini'`), { code, syscall: 'open' });
      assert.equal(describeUnreachable(err, IDP), undefined, code);
    }
    assert.equal(describeUnreachable(new Error('/x/panel.ini line 2: expected "key = value"'), IDP), undefined);
    assert.equal(describeUnreachable(new TypeError('Cannot read properties of undefined'), IDP), undefined);
  });
});
