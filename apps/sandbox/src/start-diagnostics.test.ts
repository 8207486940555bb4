import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { findFreePort } from '@extauth/server-kit/ports';
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
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
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
  const ok = async () => ({ ok: true }) as const;

  test('nothing to say when the issuer is on the certificate and discovery works', async () => {
    assert.deepEqual(
      await diagnoseStartedSandbox({
        issuer: 'https://localhost:8443',
        certificateNames: ['localhost'],
        checkIssuer: ok,
      }),
      [],
    );
  });

  test('an issuer host missing from the certificate names SANDBOX_HOSTNAMES once, not twice', async () => {
    const sentences = await diagnoseStartedSandbox({
      issuer: 'https://idp.example.test:8443',
      certificateNames: ['localhost', '127.0.0.1', '::1'],
      checkIssuer: async () => ({
        ok: false,
        problem: 'certificate_name',
        sentence: 'the certificate does not name it',
      }),
    });
    assert.equal(sentences.length, 1);
    assert.match(sentences[0] ?? '', /host idp\.example\.test is not on the sandbox certificate.*SANDBOX_HOSTNAMES/);
  });

  test('a back-channel problem is passed on as its sentence', async () => {
    const sentences = await diagnoseStartedSandbox({
      issuer: 'https://localhost:8443',
      certificateNames: ['localhost'],
      checkIssuer: async () => ({ ok: false, problem: 'unreachable', sentence: 'cannot reach; set IDP_ISSUER' }),
    });
    assert.deepEqual(sentences, ['cannot reach; set IDP_ISSUER']);
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

  test('an IDP_ISSUER port that is not IDP_PORT: the launcher starts and warns naming both', async () => {
    const [idpPort = 0, panelPort = 0, elsewhere = 0] = await freePorts(3);
    const { output } = await runEntryPoint(
      'apps/sandbox/dist/main.js',
      { IDP_PORT: String(idpPort), PANEL_PORT: String(panelPort), IDP_ISSUER: `https://localhost:${elsewhere}` },
      /Warning: .*\n/,
    );
    assert.match(output, /extauth-sandbox is ready/);
    assert.match(
      output,
      new RegExp(
        `Warning: The panel cannot reach the IdP at https://localhost:${elsewhere} \\(ECONNREFUSED\\): IDP_ISSUER has port ${elsewhere} but IDP_PORT is ${idpPort}`,
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
    assert.match(output, /extauth-sandbox is ready/);
    assert.match(
      output,
      /Warning: IDP_ISSUER's host idp\.invalid is not on the sandbox certificate .*add idp\.invalid to SANDBOX_HOSTNAMES/,
    );
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
