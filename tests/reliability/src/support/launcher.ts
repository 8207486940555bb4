import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { findFreePort } from '@extauth/server-kit/ports';

export const repoRoot = path.resolve(import.meta.dirname, '../../../..');
const launcherScript = path.join(repoRoot, 'apps/sandbox/dist/main.js');
const READY_BANNER = 'extauth-sandbox is ready';

export interface LauncherPorts {
  idp: number;
  panel: number;
  smtp: number;
  mailWeb: number;
}

/** Four distinct ports that were free a moment ago; a restart reuses them (the issuer carries its port). */
export async function findLauncherPorts(): Promise<LauncherPorts> {
  const ports = new Set<number>();
  while (ports.size < 4) ports.add(await findFreePort());
  const [idp, panel, smtp, mailWeb] = [...ports] as [number, number, number, number];
  return { idp, panel, smtp, mailWeb };
}

export interface RunningLauncher {
  pid: number;
  output(): string;
  /** kill -9: no shutdown hook runs, nothing is flushed or closed; resolves once the process is gone. */
  kill9(): Promise<void>;
  /** Ctrl-C; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * The real launcher (`node apps/sandbox/dist/main.js`) as a child process on `ports` and the data
 * folder `dataDir`, resolved once it prints its ready banner.
 */
export async function startLauncher(options: {
  dataDir: string;
  ports: LauncherPorts;
  env?: Record<string, string>;
  readyTimeoutMs?: number;
}): Promise<RunningLauncher> {
  const { ports } = options;
  const child: ChildProcess = spawn(process.execPath, [launcherScript], {
    cwd: repoRoot,
    env: {
      ...process.env,
      SANDBOX_DATA_DIR: options.dataDir,
      IDP_PORT: String(ports.idp),
      PANEL_PORT: String(ports.panel),
      SMTP_PORT: String(ports.smtp),
      MAILDEV_WEB_PORT: String(ports.mailWeb),
      SANDBOX_PASSWORD_HASH: 'fast',
      LOG_LEVEL: 'warn',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const timeoutMs = options.readyTimeoutMs ?? 60_000;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the launcher was not ready after ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = () => {
      if (!output.includes(READY_BANNER)) return;
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      resolve();
    };
    child.stdout?.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the launcher exited with code ${code} before it was ready:\n${output}`));
    });
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('the launcher has no pid');
  return {
    pid,
    output: () => output,
    kill9: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
      return exited;
    },
  };
}

/** Every SQLite database in a data folder (their -wal and -shm files belong to them), sorted. */
export function sqliteFilesIn(dataDir: string): string[] {
  return (fs.readdirSync(dataDir, { recursive: true, encoding: 'utf8' }) as string[])
    .filter((file) => file.endsWith('.sqlite'))
    .map((file) => path.join(dataDir, file))
    .sort();
}
