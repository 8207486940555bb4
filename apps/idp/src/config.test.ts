import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { ConfigError } from '@extauth/server-kit/errors';
import { loadIdpConfig } from './config.js';

describe('loadIdpConfig', () => {
  test('has a working default for every setting', () => {
    const config = loadIdpConfig({}, { cwd: '/srv/sandbox' });
    assert.deepEqual(config, {
      dataDir: path.resolve('/srv/sandbox/.sandbox'),
      storage: 'sqlite',
      tlsHostnames: [],
      passwordHashing: 'secure',
      listen: { host: '127.0.0.1', port: 8443 },
      issuer: 'https://localhost:8443',
      brand: 'WebPros',
      demo: { email: 'demo@example.com', password: 'sandbox-demo-password' },
      smtp: { host: 'localhost', port: 1025, from: '"WebPros Account" <no-reply@example.com>' },
      loginLimits: { failuresPerAccount: 10, failuresPerIp: 100, windowSeconds: 900 },
      codeLimits: { failuresPerAccount: 20, failuresPerIp: 100, windowSeconds: 900 },
      mfaLock: { maxFailures: 5, lockSeconds: 900 },
      emailCodeResendSeconds: 30,
      totpEncryptionKey: undefined,
      adminToken: undefined,
      panel: { hostname: 'localhost', port: 2087 },
      panelClient: { id: undefined, secret: undefined },
    });
  });

  test('derives the issuer from IDP_PORT and reads every variable', () => {
    const config = loadIdpConfig(
      {
        SANDBOX_DATA_DIR: 'data',
        SANDBOX_STORAGE: 'memory',
        SANDBOX_HOSTNAMES: 'idp.test, panel.test',
        SANDBOX_PASSWORD_HASH: 'fast',
        IDP_LISTEN_HOST: '0.0.0.0',
        IDP_PORT: '9443',
        IDP_BRAND: 'Acme',
        SMTP_HOST: 'mail',
        SMTP_PORT: '2525',
        PANEL_HOSTNAME: 'whm.test',
        PANEL_PORT: '2088',
        WEBPROS_CLIENT_ID: 'id-1',
        WEBPROS_CLIENT_SECRET: 'a-secret-of-16-chars',
        IDP_LOGIN_MAX_FAILURES_PER_ACCOUNT: '3',
        IDP_LOGIN_MAX_FAILURES_PER_IP: '7',
        IDP_LOGIN_FAILURE_WINDOW_SECONDS: '60',
        IDP_CODE_MAX_FAILURES_PER_ADDRESS: '4',
        IDP_CODE_MAX_FAILURES_PER_IP: '8',
        IDP_CODE_FAILURE_WINDOW_SECONDS: '120',
        IDP_MFA_MAX_FAILURES: '3',
        IDP_MFA_LOCK_SECONDS: '30',
        IDP_EMAIL_CODE_RESEND_SECONDS: '5',
        IDP_TOTP_ENCRYPTION_KEY: 'a'.repeat(43),
      },
      { cwd: '/x' },
    );
    assert.equal(config.dataDir, path.resolve('/x/data'));
    assert.equal(config.issuer, 'https://localhost:9443');
    assert.deepEqual(config.tlsHostnames, ['idp.test', 'panel.test']);
    assert.deepEqual(config.listen, { host: '0.0.0.0', port: 9443 });
    assert.deepEqual(config.panel, { hostname: 'whm.test', port: 2088 });
    assert.deepEqual(config.panelClient, { id: 'id-1', secret: 'a-secret-of-16-chars' });
    assert.equal(config.storage, 'memory');
    assert.equal(config.passwordHashing, 'fast');
    assert.equal(config.brand, 'Acme');
    assert.deepEqual(config.loginLimits, { failuresPerAccount: 3, failuresPerIp: 7, windowSeconds: 60 });
    assert.deepEqual(config.codeLimits, { failuresPerAccount: 4, failuresPerIp: 8, windowSeconds: 120 });
    assert.deepEqual(config.mfaLock, { maxFailures: 3, lockSeconds: 30 });
    assert.equal(config.emailCodeResendSeconds, 5);
    assert.equal(config.totpEncryptionKey, 'a'.repeat(43));
  });

  test('names each bad variable and its value in one ConfigError', () => {
    assert.throws(
      () =>
        loadIdpConfig({
          IDP_PORT: 'eighty',
          IDP_ISSUER: 'https://localhost:8443/',
          IDP_DEMO_EMAIL: 'not-an-email',
          IDP_DEMO_PASSWORD: 'short',
          SANDBOX_STORAGE: 'postgres',
          IDP_LOGIN_MAX_FAILURES_PER_IP: '0',
        }),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.match(err.message, /^Invalid IdP configuration:/);
        assert.match(err.message, /IDP_PORT: must be a port number \(got "eighty"\)/);
        assert.match(err.message, /IDP_ISSUER: must not end with a slash/);
        assert.match(err.message, /IDP_DEMO_EMAIL: must be an email address/);
        assert.match(err.message, /IDP_DEMO_PASSWORD: must be at least 12 characters/);
        assert.match(err.message, /SANDBOX_STORAGE: must be sqlite or memory/);
        assert.match(err.message, /IDP_LOGIN_MAX_FAILURES_PER_IP: must be at least 1 \(got "0"\)/);
        return true;
      },
    );
  });

  test('counts the demo password in code points, not UTF-16 units', () => {
    assert.throws(() => loadIdpConfig({ IDP_DEMO_PASSWORD: '😀'.repeat(11) }), ConfigError);
    assert.equal(loadIdpConfig({ IDP_DEMO_PASSWORD: '😀'.repeat(12) }).demo.password, '😀'.repeat(12));
  });

  test('refuses a TOTP encryption key that is not 32 bytes of base64url', () => {
    assert.throws(() => loadIdpConfig({ IDP_TOTP_ENCRYPTION_KEY: 'too-short' }), /IDP_TOTP_ENCRYPTION_KEY/);
    assert.throws(() => loadIdpConfig({ IDP_TOTP_ENCRYPTION_KEY: `${'a'.repeat(42)}=` }), ConfigError);
  });

  test('treats an empty variable as unset', () => {
    assert.equal(loadIdpConfig({ IDP_PORT: '', IDP_ISSUER: '' }).issuer, 'https://localhost:8443');
  });
});
