import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { createHttpClient } from '@extauth/server-kit/http-client';
import { findFreePort } from '@extauth/server-kit/ports';
import { loadPanelConfig } from './config.js';
import { startPanel } from './server.js';
import { createRecordingLogger, submitLoginForm, testCertificates } from './test-support/harness.js';

describe('startPanel on disk', () => {
  test('generates the root password file (0600); the database holds no plaintext; data survives a restart', async () => {
    const certs = await testCertificates();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'panel-data-'));
    const port = await findFreePort();
    const config = loadPanelConfig({
      SANDBOX_DATA_DIR: dataDir,
      SANDBOX_PASSWORD_HASH: 'fast',
      PANEL_PORT: String(port),
    });
    const runtime = { tls: certs, caPem: certs.caPem, logger: createRecordingLogger() };
    const started = Date.now();
    const panel = await startPanel(config, runtime);
    assert.ok(Date.now() - started < 2000, 'starts without talking to the IdP');
    const file = path.join(dataDir, 'panel', 'root-password.txt');
    assert.deepEqual(panel.rootPassword, { source: 'file', file });
    assert.equal(panel.url, `https://localhost:${port}`);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.equal(fs.statSync(path.dirname(file)).mode & 0o777, 0o700);
    const password = fs.readFileSync(file, 'utf8').trim();

    const browser = createHttpClient({ ca: certs.caPem });
    const login = await submitLoginForm(browser, await browser.get(`${panel.url}/`), 'root', password);
    assert.equal(login.status, 303);
    await panel.close();
    await panel.close();

    for (const name of fs.readdirSync(path.join(dataDir, 'panel')).filter((n) => n.startsWith('panel.sqlite'))) {
      const bytes = fs.readFileSync(path.join(dataDir, 'panel', name));
      assert.equal(bytes.includes(password), false, `${name} contains the password`);
    }
    assert.ok(fs.existsSync(path.join(dataDir, 'licenseid_credentials.json')));
    assert.equal(fs.statSync(path.join(dataDir, 'panel', 'secrets.json')).mode & 0o777, 0o600);

    const session = browser.cookies.get('localhost', 'whostmgrsession');
    await browser.close();
    const again = await startPanel(config, runtime);
    const nextBrowser = createHttpClient({ ca: certs.caPem });
    try {
      const home = await nextBrowser.get(login.location ?? '', { cookie: `whostmgrsession=${session}` });
      assert.equal(home.status, 200, 'the session survives a restart');
      assert.match(home.text, /Logged in as <strong>root<\/strong>/);
    } finally {
      await nextBrowser.close();
      await again.close();
    }
  });

  test('reports a taken port and releases what it opened', async () => {
    const certs = await testCertificates();
    const port = await findFreePort();
    const config = loadPanelConfig({
      SANDBOX_STORAGE: 'memory',
      SANDBOX_PASSWORD_HASH: 'fast',
      PANEL_PORT: String(port),
    });
    const runtime = { tls: certs, caPem: certs.caPem, logger: createRecordingLogger() };
    const first = await startPanel(config, runtime);
    try {
      await assert.rejects(startPanel(config, runtime), { name: 'PortInUseError' });
    } finally {
      await first.close();
    }
  });
});
