import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatReadyBanner } from './banner.js';
import { loadLauncherConfig } from './config.js';
import type { AppReadiness } from './readiness.js';
import type { RunningSandbox } from './sandbox.js';

const closed = async () => {};

/** A started sandbox as the banner sees it: default ports, a data folder, root's password in a file. */
function sandbox(): RunningSandbox {
  const config = loadLauncherConfig({ SANDBOX_DATA_DIR: '/srv/sandbox' }, '/');
  return {
    config,
    idp: {
      issuer: 'https://localhost:8443',
      port: 8443,
      demo: { email: 'demo@example.com', password: 'sandbox-demo-password' },
      adminEnabled: true,
      seeded: { accounts: [], clients: [] },
      subjectOf: () => undefined,
      close: closed,
    },
    panel: {
      url: 'https://localhost:2087',
      port: 2087,
      rootPassword: { source: 'file', file: '/srv/sandbox/panel/root-password.txt' },
      profile: 'demo',
      panelIniPath: '/srv/sandbox/panel/panel.ini',
      checkIssuer: async () => ({ ok: true }),
      close: closed,
    },
    mail: { webUrl: 'http://localhost:1080', smtpPort: 1025, close: closed },
    caFile: '/srv/sandbox/tls/ca.pem',
    caPem: '',
    listeners: [],
    certificateNames: ['localhost', '127.0.0.1', '::1'],
    admin: { token: 'admin-token', source: 'file', file: '/srv/sandbox/idp/admin-token.txt' },
    seedFile: undefined,
    rootPasswordFromSeed: false,
    close: closed,
  };
}

const readyzOf = (app: 'IdP' | 'panel', port: number, reason?: string): AppReadiness =>
  reason === undefined
    ? { app, url: `https://127.0.0.1:${port}/readyz`, ready: true }
    : { app, url: `https://127.0.0.1:${port}/readyz`, ready: false, answered: true, reason };

describe('the start banner', () => {
  test('says ready, with the time, when both /readyz answered 200', () => {
    const banner = formatReadyBanner(sandbox(), 412.4, [readyzOf('IdP', 8443), readyzOf('panel', 2087)]);
    assert.equal(banner.split('\n')[1], 'extauth-sandbox is ready (412 ms)');
    assert.match(banner, /\n {2}WHM panel {5}https:\/\/localhost:2087\/\n/);
    assert.match(banner, /\nPress Ctrl-C to stop\.$/);
  });

  test('does not claim readiness when an app is not ready, and names it', () => {
    const panelDown = formatReadyBanner(sandbox(), 1500, [
      readyzOf('IdP', 8443),
      readyzOf('panel', 2087, 'The panel cannot reach the IdP'),
    ]);
    assert.equal(
      panelDown.split('\n')[1],
      'extauth-sandbox is running but not ready (1500 ms): the panel is not ready (see below)',
    );
    assert.doesNotMatch(panelDown, /is ready/);
    const bothDown = formatReadyBanner(sandbox(), 9, [readyzOf('IdP', 8443, 'x'), readyzOf('panel', 2087, 'y')]);
    assert.match(bothDown, /: the IdP and the panel are not ready \(see below\)\n/);
  });

  test('the Local CA line says how to trust it: pnpm sandbox trust', () => {
    const line = formatReadyBanner(sandbox(), 1)
      .split('\n')
      .find((l) => l.startsWith('  Local CA'));
    assert.equal(
      line,
      '  Local CA           /srv/sandbox/tls/ca.pem (run pnpm sandbox trust to trust it in your browsers and avoid certificate warnings)',
    );
  });
});
