import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { ConfigError } from '@extauth/server-kit/errors';
import { loadPanelConfig } from './config.js';

describe('loadPanelConfig', () => {
  test('has working defaults: WHM on localhost:2087, IdP issuer on 8443, data in <cwd>/.sandbox', () => {
    const config = loadPanelConfig({}, { cwd: '/srv/x' });
    assert.equal(config.publicUrl, 'https://localhost:2087');
    assert.equal(config.redirectUri, 'https://localhost:2087/openid_connect_callback/webpros');
    assert.equal(config.issuer, 'https://localhost:8443');
    assert.equal(config.dataDir, path.resolve('/srv/x/.sandbox'));
    assert.equal(config.storage, 'sqlite');
    assert.equal(config.passwordHash, 'secure');
    assert.equal(config.listenHost, '127.0.0.1');
    assert.equal(config.rootPassword, undefined);
  });

  test('derives the redirect URI and public URL from PANEL_HOSTNAME and PANEL_PORT', () => {
    const config = loadPanelConfig({ PANEL_HOSTNAME: 'whm.example.test', PANEL_PORT: '3087', IDP_PORT: '9443' });
    assert.equal(config.publicUrl, 'https://whm.example.test:3087');
    assert.equal(config.redirectUri, 'https://whm.example.test:3087/openid_connect_callback/webpros');
    assert.equal(config.issuer, 'https://localhost:9443');
    assert.deepEqual(config.tlsHostnames, ['whm.example.test']);
  });

  test('an explicit IDP_ISSUER wins over IDP_PORT', () => {
    assert.equal(loadPanelConfig({ IDP_ISSUER: 'https://idp.test:1', IDP_PORT: '5' }).issuer, 'https://idp.test:1');
  });

  test('treats empty variables as unset', () => {
    assert.equal(loadPanelConfig({ PANEL_ROOT_PASSWORD: '', PANEL_PORT: '' }).port, 2087);
  });

  test('names every bad variable in one readable ConfigError', () => {
    assert.throws(
      () =>
        loadPanelConfig({
          PANEL_PORT: 'eighty',
          IDP_ISSUER: 'http://idp.test',
          SANDBOX_STORAGE: 'postgres',
          PANEL_HOSTNAME: 'https://x',
        }),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        for (const name of ['PANEL_PORT', 'IDP_ISSUER', 'SANDBOX_STORAGE', 'PANEL_HOSTNAME']) {
          assert.match(err.message, new RegExp(`^  ${name}: `, 'm'), name);
        }
        assert.match(err.message, /IDP_ISSUER: must start with https:\/\//);
        return true;
      },
    );
  });

  test('refuses port 0 because the redirect URI needs the real port', () => {
    assert.throws(() => loadPanelConfig({ PANEL_PORT: '0' }), /PANEL_PORT: must be a fixed port/);
  });

  test('profile demo by default, fresh on request, anything else refused', () => {
    assert.equal(loadPanelConfig({}).profile, 'demo');
    assert.equal(loadPanelConfig({ SANDBOX_PROFILE: 'fresh' }).profile, 'fresh');
    assert.throws(() => loadPanelConfig({ SANDBOX_PROFILE: 'Fresh' }), /SANDBOX_PROFILE: must be demo or fresh/);
  });

  test('panel.ini lives in <data>/panel/ unless PANEL_INI_PATH says otherwise; memory mode has none by default', () => {
    assert.equal(loadPanelConfig({}, { cwd: '/srv/x' }).panelIniPath, path.resolve('/srv/x/.sandbox/panel/panel.ini'));
    assert.equal(
      loadPanelConfig({ PANEL_INI_PATH: 'etc/panel.ini' }, { cwd: '/srv/x' }).panelIniPath,
      '/srv/x/etc/panel.ini',
    );
    assert.equal(loadPanelConfig({ SANDBOX_STORAGE: 'memory' }).panelIniPath, undefined);
  });

  test('the login failure limit defaults to 10 per user and 100 per address in 900 s, and refuses 0', () => {
    assert.deepEqual(loadPanelConfig({}).loginFailureLimit, {
      maxFailuresPerUser: 10,
      maxFailuresPerIp: 100,
      windowSeconds: 900,
    });
    const set = loadPanelConfig({
      PANEL_LOGIN_MAX_FAILURES_PER_USER: '3',
      PANEL_LOGIN_MAX_FAILURES_PER_IP: '7',
      PANEL_LOGIN_FAILURE_WINDOW_SECONDS: '60',
    });
    assert.deepEqual(set.loginFailureLimit, { maxFailuresPerUser: 3, maxFailuresPerIp: 7, windowSeconds: 60 });
    assert.throws(
      () => loadPanelConfig({ PANEL_LOGIN_MAX_FAILURES_PER_USER: '0', PANEL_LOGIN_FAILURE_WINDOW_SECONDS: 'x' }),
      (err: unknown) =>
        err instanceof ConfigError &&
        /PANEL_LOGIN_MAX_FAILURES_PER_USER: must be at least 1/.test(err.message) &&
        /PANEL_LOGIN_FAILURE_WINDOW_SECONDS: must be a whole number/.test(err.message),
    );
  });

  test('the WHM 2FA code limits default to WHM’s 5 in a row and 15 minutes, and 100 per address; each can be set', () => {
    assert.deepEqual(loadPanelConfig({}).tfaFailureLimit, { maxFailures: 5, lockSeconds: 900, maxFailuresPerIp: 100 });
    const set = loadPanelConfig({
      PANEL_TFA_MAX_FAILURES: '1000000',
      PANEL_TFA_LOCK_SECONDS: '30',
      PANEL_TFA_MAX_FAILURES_PER_IP: '4',
    });
    assert.deepEqual(set.tfaFailureLimit, { maxFailures: 1_000_000, lockSeconds: 30, maxFailuresPerIp: 4 });
    assert.throws(
      () =>
        loadPanelConfig({
          PANEL_TFA_MAX_FAILURES: '0',
          PANEL_TFA_LOCK_SECONDS: '1.5',
          PANEL_TFA_MAX_FAILURES_PER_IP: 'many',
        }),
      (err: unknown) =>
        err instanceof ConfigError &&
        /PANEL_TFA_MAX_FAILURES: must be at least 1/.test(err.message) &&
        /PANEL_TFA_LOCK_SECONDS: must be a whole number/.test(err.message) &&
        /PANEL_TFA_MAX_FAILURES_PER_IP: must be a whole number/.test(err.message),
    );
  });

  test('PANEL_RELINK_ROUNDTRIP is off by default and takes the usual boolean words', () => {
    assert.equal(loadPanelConfig({}).relinkRoundTrip, false);
    assert.equal(loadPanelConfig({ PANEL_RELINK_ROUNDTRIP: 'true' }).relinkRoundTrip, true);
    assert.throws(() => loadPanelConfig({ PANEL_RELINK_ROUNDTRIP: 'sometimes' }), /PANEL_RELINK_ROUNDTRIP: /);
  });

  test('PANEL_IDP_LOGOUT is off by default (WHM ends only its own session)', () => {
    assert.equal(loadPanelConfig({}).idpLogout, false);
    assert.equal(loadPanelConfig({ PANEL_IDP_LOGOUT: 'true' }).idpLogout, true);
    assert.throws(() => loadPanelConfig({ PANEL_IDP_LOGOUT: 'maybe' }), /PANEL_IDP_LOGOUT: /);
  });

  test('refuses a blank root password instead of silently generating one', () => {
    assert.throws(() => loadPanelConfig({ PANEL_ROOT_PASSWORD: '   ' }), /PANEL_ROOT_PASSWORD: must not be blank/);
  });
});
