import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { findFreePort } from '@extauth/server-kit/ports';
import { loadPanelConfig } from '../config.js';
import { startPanel } from '../server.js';
import { createRecordingLogger, msgCodeOf, startTestEnv, testCertificates } from '../test-support/harness.js';
import { callWhmApi } from '../test-support/whm-api-client.js';

const GATE = '[AuthProviders]\nWebProsAccountAdmin = true\n';
const hasButton = (text: string) => text.includes('id="external-auth-webpros"');
const tempIni = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'panel-ini-')), 'panel.ini');

describe('profile fresh', () => {
  test('no gate, no button; the gate makes WebPros available and configured but disabled; enabling shows it', async () => {
    const ini = tempIni();
    const env = await startTestEnv({ env: { SANDBOX_PROFILE: 'fresh', PANEL_INI_PATH: ini } });
    try {
      assert.equal(fs.existsSync(ini), false, 'fresh writes no panel.ini');
      assert.equal(hasButton((await env.browser.get(`${env.url}/`)).text), false);
      assert.deepEqual((await callWhmApi(env, 'get_available_authentication_providers')).body.data, { providers: [] });
      const start = await env.browser.get(`${env.url}/openid_connect/webpros?user=&theme=&parameterized_form=`);
      assert.equal(msgCodeOf(start), 'openid_communication_no_login');

      fs.writeFileSync(ini, GATE);
      const [provider] =
        ((await callWhmApi(env, 'get_available_authentication_providers')).body.data?.providers as
          | Record<string, unknown>[]
          | undefined) ?? [];
      assert.equal(provider?.configured, 1, 'licence credentials');
      assert.equal(provider?.whostmgrd_enabled, 0);
      assert.equal(hasButton((await env.browser.get(`${env.url}/`)).text), false, 'available but disabled');

      await callWhmApi(env, 'enable_authentication_provider', { provider_id: 'webpros', service_name: 'whostmgrd' });
      assert.equal(hasButton((await env.browser.get(`${env.url}/`)).text), true);
    } finally {
      await env.close();
    }
  });

  test('removing the gate hides the button and the provider; links stay', async () => {
    const ini = tempIni();
    fs.writeFileSync(ini, GATE);
    const env = await startTestEnv({ env: { SANDBOX_PROFILE: 'fresh', PANEL_INI_PATH: ini } });
    try {
      await callWhmApi(env, 'enable_authentication_provider', { provider_id: 'webpros', service_name: 'whostmgrd' });
      await callWhmApi(env, 'link_user_authn_provider', {
        username: 'root',
        provider_id: 'webpros',
        subject_unique_identifier: 'sub-1',
        preferred_username: 'demo@example.com',
      });
      fs.rmSync(ini);
      assert.equal(hasButton((await env.browser.get(`${env.url}/`)).text), false);
      assert.deepEqual((await callWhmApi(env, 'get_available_authentication_providers')).body.data, { providers: [] });
      const links = (await callWhmApi(env, 'get_users_authn_linked_accounts')).body.data
        ?.username_linked_accounts as unknown[];
      assert.equal(links.length, 1);
      fs.writeFileSync(ini, GATE);
      assert.equal(hasButton((await env.browser.get(`${env.url}/`)).text), true, 'enabled state was kept');
    } finally {
      await env.close();
    }
  });
});

describe('profile demo', () => {
  test('writes the gate file once; a malformed file is reported on the page and in the log, never a crash', async () => {
    const ini = tempIni();
    const env = await startTestEnv({ env: { PANEL_INI_PATH: ini } });
    try {
      assert.equal(fs.readFileSync(ini, 'utf8'), GATE);
      assert.equal(hasButton((await env.browser.get(`${env.url}/`)).text), true);
      fs.writeFileSync(ini, '[AuthProviders]\nWebProsAccountAdmin\n');
      const page = await env.browser.get(`${env.url}/`);
      assert.equal(page.status, 200);
      assert.equal(hasButton(page.text), false);
      assert.match(
        page.text,
        /<div id="panel-ini-warning" class="notice error-notice" role="alert">The panel.ini file is malformed \(line 2: expected &quot;key = value&quot;\)\./,
      );
      assert.ok(env.logger.lines.some((l) => l.level === 'warn' && /panel\.ini is malformed/.test(l.message)));
      fs.writeFileSync(ini, '; fixed\n[AuthProviders]\nWebProsAccountAdmin = yes\n');
      const fixed = await env.browser.get(`${env.url}/`);
      assert.equal(hasButton(fixed.text), true);
      assert.doesNotMatch(fixed.text, /panel-ini-warning/);
    } finally {
      await env.close();
    }
  });

  test('on disk: panel.ini in <data>/panel/; the first profile sticks to the data folder', async () => {
    const certs = await testCertificates();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'panel-profile-'));
    const env = { SANDBOX_DATA_DIR: dataDir, SANDBOX_PASSWORD_HASH: 'fast', PANEL_PORT: String(await findFreePort()) };
    const logger = createRecordingLogger();
    const runtime = { tls: certs, caPem: certs.caPem, logger };
    const first = await startPanel(loadPanelConfig(env), runtime);
    const file = path.join(dataDir, 'panel', 'panel.ini');
    assert.equal(first.panelIniPath, file);
    assert.equal(first.profile, 'demo');
    assert.equal(fs.readFileSync(file, 'utf8'), GATE);
    await first.close();
    fs.rmSync(file);
    const second = await startPanel(loadPanelConfig({ ...env, SANDBOX_PROFILE: 'fresh' }), runtime);
    try {
      assert.equal(second.profile, 'demo');
      assert.equal(fs.existsSync(file), false, 'the gate is not written again');
      assert.ok(logger.lines.some((l) => /SANDBOX_PROFILE=fresh ignored/.test(l.message)));
    } finally {
      await second.close();
    }
    const freshDir = fs.mkdtempSync(path.join(os.tmpdir(), 'panel-profile-'));
    const fresh = await startPanel(
      loadPanelConfig({ ...env, SANDBOX_DATA_DIR: freshDir, SANDBOX_PROFILE: 'fresh' }),
      runtime,
    );
    await fresh.close();
    assert.equal(fs.existsSync(path.join(freshDir, 'panel', 'panel.ini')), false);
  });
});
