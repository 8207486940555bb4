import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import zlib from 'node:zlib';
import { bodyParser } from '@koa/bodyparser';
import Koa from 'koa';
import { errorHandler } from './error-handler.js';
import type { Logger } from './logger.js';
import { isDecompressionError, readBody, refuseEncodedBodies } from './request-body.js';

/** A logger that keeps what was logged, to check that a client's mistake is not logged as ours. */
function recordingLogger() {
  const lines: { level: 'info' | 'warn' | 'error'; message: string }[] = [];
  const logger: Logger = {
    info: (message) => lines.push({ level: 'info', message }),
    warn: (message) => lines.push({ level: 'warn', message }),
    error: (message) => lines.push({ level: 'error', message }),
  };
  return { logger, errors: () => lines.filter((l) => l.level === 'error') };
}

/** An app whose one route echoes the parsed form as JSON, behind `parse`. */
async function serve(parse: Koa.Middleware, logger: Logger, after?: Koa.Middleware) {
  const app = new Koa();
  app.use(errorHandler({ logger, renderHtml: (page) => `<p role="alert">${page.message}</p>` }));
  app.use(parse);
  app.use(
    after ??
      ((ctx) => {
        ctx.body = { received: ctx.request.body };
      }),
  );
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const post = (body: Uint8Array | string, encoding: string, accept = 'text/html') =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-encoding': encoding, accept },
      body,
    });
  return { post, close: () => new Promise((resolve) => server.close(resolve)) };
}

const formParser = () => readBody({ enableTypes: ['form'] });

describe('readBody: request bodies with a Content-Encoding', () => {
  for (const [encoding, name] of [
    ['gzip', 'gzip'],
    ['deflate', 'deflate'],
    ['br', 'Brotli (br)'],
  ] as const) {
    test(`a ${encoding} body that does not decompress is a 400 with a sentence, not a logged 500`, async () => {
      const log = recordingLogger();
      const s = await serve(formParser(), log.logger);
      try {
        const page = await s.post('notcompressed', encoding);
        assert.equal(page.status, 400);
        assert.equal(await page.text(), `<p role="alert">The request body is not valid ${name} data.</p>`);
        const json = await s.post('notcompressed', encoding, 'application/json');
        assert.equal(json.status, 400);
        assert.deepEqual(await json.json(), {
          error: 'invalid_body_encoding',
          error_description: `The request body is not valid ${name} data.`,
        });
        assert.deepEqual(log.errors(), []);
      } finally {
        await s.close();
      }
    });
  }

  test('a truncated gzip body, one with trailing bytes and an empty one are refused too', async () => {
    const log = recordingLogger();
    const s = await serve(formParser(), log.logger);
    try {
      const gz = zlib.gzipSync('name=value');
      for (const body of [gz.subarray(0, gz.length - 4), Buffer.concat([gz, Buffer.from('junk')]), '']) {
        const res = await s.post(body, 'gzip');
        assert.equal(res.status, 400);
        assert.match(await res.text(), /not valid gzip data/);
      }
      assert.deepEqual(log.errors(), []);
    } finally {
      await s.close();
    }
  });

  test('an encoding nobody decodes is a 415 that says what is accepted', async () => {
    const log = recordingLogger();
    const s = await serve(formParser(), log.logger);
    try {
      for (const encoding of ['compress', 'zstd', 'gzip, gzip']) {
        const res = await s.post('name=value', encoding);
        assert.equal(res.status, 415, encoding);
        assert.equal(
          await res.text(),
          '<p role="alert">The Content-Encoding of the request body is not supported: send it uncompressed, or as gzip, deflate or br.</p>',
        );
      }
      assert.deepEqual(log.errors(), []);
    } finally {
      await s.close();
    }
  });

  test('a correctly compressed body is read, whatever the case of the coding name', async () => {
    const s = await serve(formParser(), recordingLogger().logger);
    try {
      for (const [encoding, body, name] of [
        ['gzip', zlib.gzipSync('name=gz'), 'gz'],
        ['GZIP', zlib.gzipSync('name=upper'), 'upper'],
        [' Deflate ', zlib.deflateSync('name=deflate'), 'deflate'],
        ['br', zlib.brotliCompressSync('name=br'), 'br'],
        ['identity', Buffer.from('name=plain'), 'plain'],
      ] as const) {
        const res = await s.post(body, encoding, 'application/json');
        assert.equal(res.status, 200, encoding);
        assert.deepEqual(await res.json(), { received: { name } });
      }
    } finally {
      await s.close();
    }
  });

  test('a surface answers the refusal in its own format; later errors are not taken for body errors', async () => {
    const log = recordingLogger();
    const envelope = readBody({ enableTypes: ['form'] }, (ctx, refusal) => {
      ctx.status = refusal.status;
      ctx.body = { metadata: { result: 0, reason: refusal.message } };
    });
    const s = await serve(envelope, log.logger, () => {
      throw new Error('a bug after the body was read');
    });
    try {
      const refused = await s.post('notgzip', 'gzip', 'application/json');
      assert.equal(refused.status, 400);
      assert.deepEqual(await refused.json(), {
        metadata: { result: 0, reason: 'The request body is not valid gzip data.' },
      });
      const bug = await s.post(zlib.gzipSync('a=1'), 'gzip', 'application/json');
      assert.equal(bug.status, 500);
      assert.deepEqual(
        log.errors().map((l) => l.message),
        ['request failed'],
      );
    } finally {
      await s.close();
    }
  });

  test('the error middleware maps a decompression error from any body parser to 400', async () => {
    const log = recordingLogger();
    const s = await serve(bodyParser({ enableTypes: ['form'] }), log.logger);
    try {
      const res = await s.post('notdeflate', 'deflate');
      assert.equal(res.status, 400);
      assert.equal(await res.text(), '<p role="alert">The request body is not valid deflate data.</p>');
      assert.deepEqual(log.errors(), []);
    } finally {
      await s.close();
    }
  });
});

test('a decompression error of our own code, for a request without a Content-Encoding, stays a 500', async () => {
  const log = recordingLogger();
  const s = await serve(formParser(), log.logger, () => {
    zlib.inflateSync(Buffer.from('not deflate data'));
  });
  try {
    const res = await s.post('a=1', 'identity');
    assert.equal(res.status, 500);
    assert.equal(log.errors().length, 1, 'logged as our failure');
  } finally {
    await s.close();
  }
});

test('a decompression error of our own code after a compressed body was read whole stays a 500', async () => {
  const log = recordingLogger();
  const s = await serve(formParser(), log.logger, () => {
    zlib.inflateSync(Buffer.from('not deflate data'));
  });
  try {
    const res = await s.post(zlib.gzipSync('a=1'), 'gzip');
    assert.equal(res.status, 500);
    assert.equal(log.errors().length, 1, 'logged as our failure');
  } finally {
    await s.close();
  }
});

test('refuseEncodedBodies keeps compressed bodies from a parser that would read them as plain text', async () => {
  const log = recordingLogger();
  const s = await serve(refuseEncodedBodies(), log.logger, (ctx) => {
    ctx.body = { reached: true };
  });
  try {
    for (const [body, encoding] of [
      [zlib.gzipSync('grant_type=x'), 'gzip'],
      ['grant_type=x', 'gzip'],
      ['grant_type=x', 'Compress'],
    ] as const) {
      const res = await s.post(body, encoding, 'application/json');
      assert.equal(res.status, 415, encoding);
      assert.deepEqual(await res.json(), {
        error: 'invalid_request',
        error_description: 'This endpoint does not accept a compressed request body: send it without Content-Encoding.',
      });
    }
    const plain = await s.post('grant_type=x', 'identity', 'application/json');
    assert.deepEqual(await plain.json(), { reached: true });
    const empty = await s.post('', 'gzip', 'application/json');
    assert.deepEqual(await empty.json(), { reached: true }, 'no body, nothing to refuse');
    assert.deepEqual(log.errors(), []);
  } finally {
    await s.close();
  }
});

test('isDecompressionError knows zlib and Brotli errors, and nothing else', () => {
  const thrown = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      return err;
    }
    assert.fail('expected a throw');
  };
  assert.equal(isDecompressionError(thrown(() => zlib.gunzipSync(Buffer.from('notgzip')))), true);
  assert.equal(isDecompressionError(thrown(() => zlib.inflateSync(Buffer.alloc(0)))), true);
  assert.equal(isDecompressionError(thrown(() => zlib.brotliDecompressSync(Buffer.from('notbr')))), true);
  assert.equal(isDecompressionError(Object.assign(new Error('no file'), { code: 'ENOENT', errno: -2 })), false);
  assert.equal(isDecompressionError({ code: 'Z_DATA_ERROR', errno: -3 }), false);
  assert.equal(isDecompressionError(new Error('Z_DATA_ERROR')), false);
});
