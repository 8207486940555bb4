import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { ConfigError } from './errors.js';
import { PortInUseError } from './https-server.js';
import { DUPLICATE_SIGNAL_MS, explainStartFailure } from './lifecycle.js';

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

/**
 * A child that stops on signals; `close()` takes `closeMs`. Signals are sent once it says it is
 * listening for them; resolves with its exit code and output.
 */
function stoppingChild(closeMs: number, signalGapsMs: number[]): Promise<{ code: number | null; out: string }> {
  const lifecycle = new URL('./lifecycle.js', import.meta.url).href;
  const script = `
    import { stopOnSignals } from ${JSON.stringify(lifecycle)};
    stopOnSignals(() => new Promise((resolve) => setTimeout(resolve, ${closeMs})), {
      stopping: () => console.log('stopping'),
      stopped: () => console.log('stopped'),
    });
    setInterval(() => {}, 1000);
    console.log('ready');`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  return new Promise((resolve) => {
    child.stdout.on('data', async (chunk: Buffer) => {
      out += chunk;
      if (!chunk.toString().includes('ready')) return;
      for (const gap of signalGapsMs) {
        await new Promise((r) => setTimeout(r, gap));
        child.kill('SIGINT');
      }
    });
    child.on('exit', (code) => resolve({ code, out }));
  });
}

test('the same Ctrl-C arriving twice (terminal and pnpm) stops cleanly with exit code 0', async () => {
  const { code, out } = await stoppingChild(300, [0, 20]);
  assert.equal(code, 0, out);
  assert.deepEqual(out.trim().split('\n'), ['ready', 'stopping', 'stopped']);
});

test('a second Ctrl-C later, while stopping, forces the exit (130)', async () => {
  const { code, out } = await stoppingChild(10_000, [0, DUPLICATE_SIGNAL_MS + 200]);
  assert.equal(code, 130, out);
  assert.match(out, /Forced exit\./);
});
