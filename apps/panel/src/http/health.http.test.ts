import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { startTestEnv } from '../test-support/harness.js';

describe('panel health endpoints', () => {
  test('/healthz and /readyz answer 200 without setting cookies, and are not logged at info', async () => {
    const env = await startTestEnv();
    try {
      for (const p of ['/healthz', '/readyz']) {
        const res = await env.browser.get(`${env.url}${p}`);
        assert.equal(res.status, 200, `${p}: ${res.text}`);
        assert.deepEqual(res.json(), { status: 'ok' });
        assert.deepEqual(res.headers.getSetCookie(), [], `${p} set a cookie`);
      }
      assert.ok(!env.logger.lines.some((l) => l.message === 'request' && /z$/.test(String(l.fields?.path))));
      await env.browser.get(`${env.url}/`);
      assert.ok(env.logger.lines.some((l) => l.level === 'info' && l.message === 'request' && l.fields?.path === '/'));
    } finally {
      await env.close();
    }
  });

  test('/readyz is 503 with the reason when the IdP does not answer discovery; /healthz stays 200', async () => {
    const env = await startTestEnv();
    try {
      await env.op.close();
      const ready = await env.browser.get(`${env.url}/readyz`);
      assert.equal(ready.status, 503);
      const body = ready.json<{ status: string; reason: string }>();
      assert.equal(body.status, 'unavailable');
      assert.match(body.reason, /cannot reach the IdP .*IDP_ISSUER/);
      assert.equal((await env.browser.get(`${env.url}/healthz`)).status, 200);
    } finally {
      await env.close();
    }
  });
});
