import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { ConfigError } from '@extauth/server-kit/errors';
import { checkSandboxEnv, loadLauncherConfig } from './config.js';

test('defaults: data folder .sandbox under the working directory, MailDev on 1025/1080', () => {
  const config = loadLauncherConfig({}, '/repo');
  assert.equal(config.dataDir, path.resolve('/repo/.sandbox'));
  assert.equal(config.storage, 'sqlite');
  assert.deepEqual(config.mailCatcher, { enabled: true, host: '127.0.0.1', smtpPort: 1025, webPort: 1080 });
});

test('reads overrides, including a comma-separated host name list', () => {
  const config = loadLauncherConfig(
    { SANDBOX_DATA_DIR: '/data', SANDBOX_HOSTNAMES: 'idp, whm.test', SMTP_PORT: '2525', MAILDEV_ENABLED: 'false' },
    '/repo',
  );
  assert.equal(config.dataDir, '/data');
  assert.deepEqual(config.extraHostnames, ['idp', 'whm.test']);
  assert.equal(config.mailCatcher.smtpPort, 2525);
  assert.equal(config.mailCatcher.enabled, false);
});

test('a bad value fails with a message naming the variable and the value', () => {
  assert.throws(
    () => loadLauncherConfig({ MAILDEV_WEB_PORT: 'eighty', SANDBOX_STORAGE: 'disk' }),
    (err: unknown) =>
      err instanceof ConfigError &&
      /MAILDEV_WEB_PORT: .*"eighty"/.test(err.message) &&
      /SANDBOX_STORAGE: must be sqlite or memory/.test(err.message),
  );
});

test('checkSandboxEnv reports the mistakes of the logs, the launcher and both apps together, each variable once', () => {
  assert.throws(
    () =>
      checkSandboxEnv(
        { LOG_LEVEL: 'loud', SMTP_PORT: 'x', IDP_PORT: 'abc', PANEL_PORT: '99999', PANEL_TFA_MAX_FAILURES: '0' },
        '/repo',
      ),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      const [heading, ...lines] = err.message.split('\n');
      assert.equal(heading, 'Invalid configuration:');
      for (const name of ['LOG_LEVEL', 'SMTP_PORT', 'IDP_PORT', 'PANEL_PORT', 'PANEL_TFA_MAX_FAILURES']) {
        assert.equal(
          lines.filter((line) => line.startsWith(`  ${name}:`)).length,
          1,
          `${name} once in:\n${err.message}`,
        );
      }
      return true;
    },
  );
});

test('checkSandboxEnv accepts the defaults and a valid set of overrides', () => {
  checkSandboxEnv({}, '/repo');
  checkSandboxEnv({ IDP_PORT: '9443', PANEL_PORT: '9087', SANDBOX_STORAGE: 'memory', LOG_FORMAT: 'json' }, '/repo');
});
