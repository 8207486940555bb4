import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { findFreePort } from '@extauth/server-kit/ports';
import { ensureDevCertificates } from '@extauth/server-kit/tls';
import { type FakeOp, startFakeOp } from '../test-support/fake-op.js';
import { testCertificates } from '../test-support/harness.js';
import { createBackChannel } from './back-channel.js';
import { checkIssuerDiscovery, type IssuerCheckOptions } from './issuer-check.js';

describe('checkIssuerDiscovery: one sentence naming the setting for each cause', () => {
  let op: FakeOp;
  let caPem: string;
  before(async () => {
    const certs = await testCertificates();
    caPem = certs.caPem;
    const port = await findFreePort();
    op = await startFakeOp({
      port,
      tls: certs,
      client: { clientId: 'c', clientSecret: 'secret-0123456789abcdef', redirectUri: 'https://localhost:1/cb' },
    });
  });
  after(() => op.close());

  async function check(options: Omit<IssuerCheckOptions, 'fetch'>, ca = caPem) {
    const backChannel = createBackChannel({
      caPem: ca,
      issuer: options.issuer,
      ...(options.connectTo ? { connectTo: options.connectTo } : {}),
    });
    try {
      return await checkIssuerDiscovery({ ...options, fetch: backChannel.fetch });
    } finally {
      await backChannel.close();
    }
  }

  test('passes when the back channel gets discovery with the configured issuer', async () => {
    assert.deepEqual(await check({ issuer: op.issuer }), { ok: true });
  });

  test('IdP down: names IDP_ISSUER and PANEL_IDP_CONNECT_TO', async () => {
    const port = await findFreePort();
    const result = await check({ issuer: `https://localhost:${port}`, idpPort: port });
    assert.equal(result.ok, false);
    assert.ok(!result.ok && result.problem === 'unreachable');
    assert.match(
      !result.ok ? result.sentence : '',
      /cannot reach the IdP .*ECONNREFUSED.*IDP_ISSUER.*PANEL_IDP_CONNECT_TO/,
    );
  });

  test('IdP down behind PANEL_IDP_CONNECT_TO: names that setting with its value', async () => {
    const port = await findFreePort();
    const result = await check({ issuer: op.issuer, connectTo: { host: '127.0.0.1', port } });
    assert.match(
      !result.ok ? result.sentence : '',
      new RegExp(`PANEL_IDP_CONNECT_TO=127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\)`),
    );
  });

  test('an issuer port that is not IDP_PORT (no proxy): names both settings', async () => {
    const port = await findFreePort();
    const result = await check({ issuer: `https://localhost:${port}`, idpPort: 8443 });
    assert.match(!result.ok ? result.sentence : '', new RegExp(`IDP_ISSUER has port ${port} but IDP_PORT is 8443`));
  });

  test('another issuer in the discovery document: names IDP_ISSUER', async () => {
    const issuer = op.issuer.replace('localhost', '127.0.0.1');
    const result = await check({ issuer });
    assert.ok(!result.ok && result.problem === 'issuer_mismatch');
    assert.match(
      !result.ok ? result.sentence : '',
      /says issuer "https:\/\/localhost:\d+", not IDP_ISSUER "https:\/\/127\.0\.0\.1:\d+"/,
    );
  });

  test('an issuer path the IdP does not serve: names IDP_ISSUER', async () => {
    const result = await check({ issuer: `${op.issuer}/tenant` });
    assert.ok(!result.ok && result.problem === 'bad_status');
    assert.match(!result.ok ? result.sentence : '', /answered 404: IDP_ISSUER must be/);
  });

  test('an issuer host that is not on the certificate: names SANDBOX_HOSTNAMES', async () => {
    const port = Number(new URL(op.issuer).port);
    const result = await check({ issuer: `https://idp.invalid:${port}`, connectTo: { host: '127.0.0.1', port } });
    assert.ok(!result.ok && result.problem === 'certificate_name');
    assert.match(!result.ok ? result.sentence : '', /does not name idp\.invalid.*SANDBOX_HOSTNAMES/);
  });

  test('a certificate from another CA: names SANDBOX_DATA_DIR / SANDBOX_TLS_DIR', async () => {
    const other = await ensureDevCertificates({ dir: fs.mkdtempSync(path.join(os.tmpdir(), 'other-ca-')) });
    const result = await check({ issuer: op.issuer }, other.caPem);
    assert.ok(!result.ok && result.problem === 'certificate_untrusted', JSON.stringify(result));
    assert.match(!result.ok ? result.sentence : '', /does not trust.*SANDBOX_DATA_DIR or SANDBOX_TLS_DIR/);
  });

  // The IdP's Date header has whole seconds, so ten minutes off reads as 599 to 601 s.
  test('a clock far off the IdP: names the system clock and NTP, and that the sandbox clock is not the fix', async () => {
    const ahead = await check({ issuer: op.issuer, now: () => Date.now() + 10 * 60_000 });
    assert.ok(!ahead.ok && ahead.problem === 'clock_skew');
    const sentence = !ahead.ok ? ahead.sentence : '';
    assert.match(
      sentence,
      /^This machine's system clock is (599|60[01]) s ahead of the IdP's, so ID tokens will be refused: /,
    );
    assert.match(sentence, /set the system clock right .* turning on NTP \(e\.g\. timedatectl set-ntp true\)/);
    assert.match(sentence, /sandbox clock of the IdP admin API \(POST \/admin\/clock\) does not move token times/);
    assert.doesNotMatch(sentence.replace('e.g. ', ''), /\.\s/, `one sentence: ${sentence}`);
    const behind = await check({ issuer: op.issuer, now: () => Date.now() - 10 * 60_000 });
    assert.match(!behind.ok ? behind.sentence : '', /clock is (599|60[01]) s behind the IdP's/);
  });
});
