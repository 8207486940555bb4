import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from './errors.js';
import { PortInUseError } from './https-server.js';
import { explainStartFailure } from './lifecycle.js';

test('a configuration mistake is its own message with exit code 2', () => {
  assert.deepEqual(explainStartFailure(new ConfigError('Invalid idp configuration:\n  IDP_PORT: must be a port')), {
    message: 'Invalid idp configuration:\n  IDP_PORT: must be a port',
    exitCode: 2,
  });
});

test('a taken port names the port and the settings to change', () => {
  const { message, exitCode } = explainStartFailure(new PortInUseError('127.0.0.1', 8443));
  assert.equal(exitCode, 1);
  assert.match(message, /Port 8443 on 127\.0\.0\.1 is already in use/);
  assert.match(message, /\*_PORT variable/);
});

test('a taken port is named by its variable when the caller knows it', () => {
  const { message } = explainStartFailure(new PortInUseError('127.0.0.1', 2087), undefined, { 2087: 'PANEL_PORT' });
  assert.match(message, /Port 2087 on 127\.0\.0\.1 is already in use.*choose another port with PANEL_PORT/);
});

test('anything else is one sentence naming what failed, without a stack', () => {
  const { message, exitCode } = explainStartFailure(new Error('EACCES: permission denied, open /data/x'), 'The IdP');
  assert.equal(exitCode, 1);
  assert.equal(message, 'The IdP could not start: EACCES: permission denied, open /data/x');
});
