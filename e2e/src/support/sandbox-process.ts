import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const repoRoot = path.resolve(import.meta.dirname, '../../..');
const launcher = path.join(repoRoot, 'apps/sandbox/dist/main.js');

export interface SandboxProcess {
  dataDir: string;
  output(): string;
  /** Ctrl-C, as a person would; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** A fresh data folder for one test file (kept under the OS temp dir, removed by the OS). */
export function makeDataDir(label: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `extauth-e2e-${label}-`));
}

/**
 * Starts the real launcher (`node apps/sandbox/dist/main.js`, what `pnpm start` runs) on the real
 * default ports and waits for its ready banner.
 */
export async function startSandboxProcess(options: {
  dataDir: string;
  env?: Record<string, string>;
  timeoutMs?: number;
}): Promise<SandboxProcess> {
  const child: ChildProcess = spawn(process.execPath, [launcher], {
    cwd: repoRoot,
    env: { ...process.env, SANDBOX_DATA_DIR: options.dataDir, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`sandbox not ready after ${options.timeoutMs ?? 30_000} ms:\n${output}`));
    }, options.timeoutMs ?? 30_000);
    const onData = () => {
      if (output.includes('extauth-sandbox is ready')) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`sandbox exited with code ${code} before it was ready:\n${output}`));
    });
  });
  return {
    dataDir: options.dataDir,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGINT');
      return exited;
    },
  };
}
