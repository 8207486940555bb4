import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import Koa from 'koa';
import { cachedCheck, HEALTH_PATHS, healthEndpoints, isHealthPath } from './health.js';
import { createLogger } from './logger.js';
import { requestLog } from './request-log.js';

describe('request log and health endpoints', () => {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger('test', { level: 'debug', format: 'json' }, (line) => lines.push(JSON.parse(line)));
  let ready: string | undefined;
  let server: http.Server;
  let base: string;

  before(async () => {
    const app = new Koa();
    app.use(requestLog({ logger, quiet: isHealthPath }));
    app.use(healthEndpoints([() => ready]));
    app.use(async (ctx) => {
      if (ctx.path === '/boom') throw new Error('boom');
      logger.info('handling', { step: 1 });
      ctx.body = 'hello';
    });
    app.silent = true;
    server = http.createServer(app.callback());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test('one info line per request with method, path without the query, status and duration; every line has the id', async () => {
    lines.length = 0;
    const res = await fetch(`${base}/page?code=secret-code&state=s`);
    assert.equal(res.status, 200);
    const id = res.headers.get('x-request-id');
    assert.match(id ?? '', /^[A-Za-z0-9_-]{12}$/);
    assert.equal(lines.length, 2);
    assert.deepEqual(
      lines.map((l) => [l.msg, l.reqId]),
      [
        ['handling', id],
        ['request', id],
      ],
    );
    const request = lines[1] ?? {};
    assert.equal(request.level, 30);
    assert.equal(request.method, 'GET');
    assert.equal(request.path, '/page');
    assert.equal(request.status, 200);
    assert.equal(typeof request.durationMs, 'number');
    assert.ok(!JSON.stringify(lines).includes('secret-code'));
  });

  test('echoes a safe X-Request-Id and replaces an unsafe one', async () => {
    const safe = await fetch(`${base}/page`, { headers: { 'x-request-id': 'trace.abc-123_X' } });
    assert.equal(safe.headers.get('x-request-id'), 'trace.abc-123_X');
    for (const unsafe of ['has space', 'a'.repeat(65), 'x\u00e9', '<script>']) {
      lines.length = 0;
      const res = await fetch(`${base}/page`, { headers: { 'x-request-id': unsafe } });
      const id = res.headers.get('x-request-id');
      assert.notEqual(id, unsafe);
      assert.match(id ?? '', /^[A-Za-z0-9_-]{12}$/);
      assert.ok(lines.every((l) => l.reqId === id));
    }
  });

  test("a path with WHM's security token is logged with the token masked", async () => {
    lines.length = 0;
    const res = await fetch(`${base}/cpsess0123456789/scripts2/manage_external_auth?code=c`);
    assert.equal(res.status, 200);
    assert.equal(lines.at(-1)?.msg, 'request');
    assert.equal(lines.at(-1)?.path, '/cpsess**********/scripts2/manage_external_auth');
    assert.ok(!JSON.stringify(lines).includes('0123456789'));
  });

  test('a request that throws past the log is logged with status 500', async () => {
    lines.length = 0;
    const res = await fetch(`${base}/boom`);
    assert.equal(res.status, 500);
    assert.equal(lines.at(-1)?.status, 500);
    assert.equal(lines.at(-1)?.path, '/boom');
  });

  test('/healthz answers 200 ok and is logged at debug only', async () => {
    lines.length = 0;
    const res = await fetch(`${base}${HEALTH_PATHS.live}`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: 'ok' });
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.deepEqual(
      lines.map((l) => l.level),
      [20],
    );
  });

  test('/readyz is 200 when every check passes and 503 with the reason when one does not', async () => {
    ready = undefined;
    const ok = await fetch(`${base}${HEALTH_PATHS.ready}`);
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), { status: 'ok' });
    ready = 'storage does not answer';
    const down = await fetch(`${base}${HEALTH_PATHS.ready}`);
    assert.equal(down.status, 503);
    assert.deepEqual(await down.json(), { status: 'unavailable', reason: 'storage does not answer' });
    ready = undefined;
  });

  test('a cached check runs again only after its time to live', async () => {
    let now = 0;
    let runs = 0;
    const check = cachedCheck(
      () => {
        runs += 1;
        return runs === 1 ? 'down' : undefined;
      },
      5_000,
      () => now,
    );
    assert.equal(await check(), 'down');
    now = 4_999;
    assert.equal(await check(), 'down');
    now = 5_000;
    assert.equal(await check(), undefined);
    assert.equal(runs, 2);
  });
});
