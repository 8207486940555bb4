import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { findFreePort } from '@extauth/server-kit/ports';
import type { AppReadiness } from './readiness.js';
import { diagnoseStartedSandbox } from './start-diagnostics.js';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const TEST_TLS_DIR = path.join(os.tmpdir(), 'extauth-sandbox-diagnostics-tls');

/** Distinct free ports (findFreePort may hand out the same one twice in a row). */
async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await findFreePort());
  return [...ports];
}

/**
 * Runs an entry point in its own process with a memory-mode sandbox environment until `until`
 * matches its output (then stops it) or it exits; resolves with the output and exit code.
 */
async function runEntryPoint(
  script: string,
  env: Record<string, string>,
  until: RegExp,
): Promise<{ output: string; code: number | null }> {
  const child = spawn(process.execPath, [path.join(repoRoot, script)], {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH ?? '',
      SANDBOX_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'extauth-diagnostics-')),
      SANDBOX_TLS_DIR: TEST_TLS_DIR,
      SANDBOX_STORAGE: 'memory',
      SANDBOX_PASSWORD_HASH: 'fast',
      SANDBOX_ADMIN_API: 'off',
      MAILDEV_ENABLED: 'false',
      LOG_FORMAT: 'json',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  // 'close', not 'exit': both pipes are drained by then, so no line printed before the end is lost.
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const onData = (chunk: Buffer) => {
    output += chunk;
    if (until.test(output)) child.kill('SIGTERM');
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const code = await exited;
  clearTimeout(timer);
  return { output, code };
}

describe('diagnoseStartedSandbox', () => {
  const ready: AppReadiness[] = [
    { app: 'IdP', url: 'https://127.0.0.1:8443/readyz', ready: true },
    { app: 'panel', url: 'https://127.0.0.1:2087/readyz', ready: true },
  ];
  const panelNotReady = (reason: string): AppReadiness[] => [
    ready[0] as AppReadiness,
    { app: 'panel', url: 'https://127.0.0.1:2087/readyz', ready: false, answered: true, reason },
  ];
  const base = { issuer: 'https://localhost:8443', certificateNames: ['localhost'], dataDir: '/data' };

  test('nothing to say when the issuer is on the certificate and both apps are ready', () => {
    assert.deepEqual(diagnoseStartedSandbox({ ...base, readiness: ready }), []);
  });

  test('an issuer host missing from the certificate names SANDBOX_HOSTNAMES once, not twice', () => {
    const sentences = diagnoseStartedSandbox({
      ...base,
      issuer: 'https://idp.example.test:8443',
      certificateNames: ['localhost', '127.0.0.1', '::1'],
      readiness: panelNotReady(
        "The IdP's certificate does not name idp.example.test, the host of IDP_ISSUER: add idp.example.test to SANDBOX_HOSTNAMES and restart, or correct IDP_ISSUER.",
      ),
    });
    assert.equal(sentences.length, 1, sentences.join('\n'));
    assert.match(sentences[0] ?? '', /host idp\.example\.test is not on the sandbox certificate.*SANDBOX_HOSTNAMES/);
  });

  test("the panel's readiness reason is passed on after saying that it is not ready", () => {
    const sentences = diagnoseStartedSandbox({ ...base, readiness: panelNotReady('cannot reach; set IDP_ISSUER') });
    assert.deepEqual(sentences, [
      'The panel is not ready (https://127.0.0.1:2087/readyz answers 503). Cannot reach; set IDP_ISSUER',
    ]);
  });

  test('storage that does not answer names the data folder and SANDBOX_DATA_DIR', () => {
    const sentences = diagnoseStartedSandbox({
      ...base,
      readiness: [
        {
          app: 'IdP',
          url: 'https://127.0.0.1:8443/readyz',
          ready: false,
          answered: true,
          reason: 'storage does not answer (SQLITE_IOERR)',
        },
        ready[1] as AppReadiness,
      ],
    });
    assert.deepEqual(sentences, [
      'The IdP is not ready (https://127.0.0.1:8443/readyz answers 503). Storage does not answer (SQLITE_IOERR): check that the data folder /data (SANDBOX_DATA_DIR) is writable and its disk not full.',
    ]);
  });

  test('an app that does not answer at all says so with the error code', () => {
    const sentences = diagnoseStartedSandbox({
      ...base,
      readiness: [
        ready[0] as AppReadiness,
        { app: 'panel', url: 'https://127.0.0.1:2087/readyz', ready: false, answered: false, reason: 'ECONNRESET' },
      ],
    });
    assert.deepEqual(sentences, [
      'The panel does not answer https://127.0.0.1:2087/readyz (ECONNRESET) although it started: see its log lines above.',
    ]);
  });
});

describe('diagnostics at start, in the real entry points', () => {
  test('a taken port: one sentence naming its variable, exit code 1, no stack trace', async () => {
    const [idpPort = 0, panelPort = 0] = await freePorts(2);
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(idpPort, '127.0.0.1', resolve));
    try {
      const { output, code } = await runEntryPoint(
        'apps/sandbox/dist/main.js',
        { IDP_PORT: String(idpPort), PANEL_PORT: String(panelPort) },
        /is ready/,
      );
      assert.equal(code, 1, output);
      assert.match(
        output,
        new RegExp(`Port ${idpPort} on 127\\.0\\.0\\.1 is already in use.*choose another port with IDP_PORT`),
      );
      assert.doesNotMatch(output, /^\s+at /m);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  test('a healthy start: both /readyz answer 200, so the banner says ready and nothing warns', async () => {
    const [idpPort = 0, panelPort = 0] = await freePorts(2);
    const { output } = await runEntryPoint(
      'apps/sandbox/dist/main.js',
      { IDP_PORT: String(idpPort), PANEL_PORT: String(panelPort) },
      /Press Ctrl-C to stop\./,
    );
    assert.match(output, /^extauth-sandbox is ready \(\d+ ms\)$/m);
    assert.match(output, /Local CA {11}\S+ca\.pem \(run pnpm sandbox trust to trust it in your browsers/);
    assert.doesNotMatch(output, /Warning:|not ready/);
  });

  test('an IDP_ISSUER port that is not IDP_PORT: the sandbox runs, the banner says the panel is not ready and why', async () => {
    const [idpPort = 0, panelPort = 0, elsewhere = 0] = await freePorts(3);
    const { output } = await runEntryPoint(
      'apps/sandbox/dist/main.js',
      { IDP_PORT: String(idpPort), PANEL_PORT: String(panelPort), IDP_ISSUER: `https://localhost:${elsewhere}` },
      /Warning: .*\n/,
    );
    assert.match(
      output,
      /^extauth-sandbox is running but not ready \(\d+ ms\): the panel is not ready \(see below\)$/m,
    );
    assert.doesNotMatch(output, /is ready/);
    assert.match(
      output,
      new RegExp(
        `Warning: The panel is not ready \\(https://127\\.0\\.0\\.1:${panelPort}/readyz answers 503\\)\\. The panel cannot reach the IdP at https://localhost:${elsewhere} \\(ECONNREFUSED\\): IDP_ISSUER has port ${elsewhere} but IDP_PORT is ${idpPort}`,
      ),
    );
    assert.doesNotMatch(output, /^\s+at /m);
  });

  test('an IDP_ISSUER host that is not on the certificate: the launcher warns naming SANDBOX_HOSTNAMES', async () => {
    const [idpPort = 0, panelPort = 0] = await freePorts(2);
    const { output } = await runEntryPoint(
      'apps/sandbox/dist/main.js',
      {
        IDP_PORT: String(idpPort),
        PANEL_PORT: String(panelPort),
        IDP_ISSUER: `https://idp.invalid:${idpPort}`,
        PANEL_IDP_CONNECT_TO: `127.0.0.1:${idpPort}`,
      },
      /Warning: .*\n/,
    );
    assert.match(output, /extauth-sandbox is running but not ready .*: the panel is not ready/);
    assert.match(
      output,
      /Warning: IDP_ISSUER's host idp\.invalid is not on the sandbox certificate .*add idp\.invalid to SANDBOX_HOSTNAMES/,
    );
    assert.equal(output.match(/SANDBOX_HOSTNAMES/g)?.length, 1, 'the same advice once');
  });

  test('IdP down: the panel alone starts and warns that its back channel cannot reach the IdP', async () => {
    const [idpPort = 0, panelPort = 0] = await freePorts(2);
    const { output } = await runEntryPoint(
      'apps/panel/dist/main.js',
      { IDP_PORT: String(idpPort), PANEL_PORT: String(panelPort) },
      /Warning: .*\n/,
    );
    assert.match(output, /WHM panel: https:\/\/localhost:\d+\//);
    assert.match(
      output,
      new RegExp(
        `Warning: The panel cannot reach the IdP at https://localhost:${idpPort} \\(ECONNREFUSED\\): start the IdP, or correct IDP_ISSUER, or set PANEL_IDP_CONNECT_TO`,
      ),
    );
  });
});
