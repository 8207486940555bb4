import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Agent, fetch as undiciFetch } from 'undici';

export const repoRoot = path.resolve(import.meta.dirname, '../..');
/** BENCH_LAUNCHER compares another build of the launcher (e.g. a worktree's) with the same bench. */
export const launcherPath = process.env.BENCH_LAUNCHER ?? path.join(repoRoot, 'apps/sandbox/dist/main.js');
export const bareOpPath = path.join(import.meta.dirname, 'bare-op.js');

const children = new Set<ChildProcess>();

/** Every child dies with the bench, also on Ctrl-C and on errors. */
export function killAllChildren(): void {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  children.clear();
}
process.once('exit', killAllChildren);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killAllChildren();
    process.exit(130);
  });
}

export interface Spawned {
  child: ChildProcess;
  pid: number;
  startedAt: number;
  output(): string;
  exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export function spawnNode(script: string, env: Record<string, string>, args: string[] = []): Spawned {
  const startedAt = performance.now();
  const child = spawn(process.execPath, [...args, script], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let output = '';
  const keep = (chunk: Buffer) => {
    if (output.length < 200_000) output += chunk.toString();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      children.delete(child);
      resolve(code);
    });
  });
  if (child.pid === undefined) throw new Error(`could not spawn ${script}`);
  return {
    child,
    pid: child.pid,
    startedAt,
    output: () => output,
    exited,
    stop: async (graceMs = 5000) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** A fetch that trusts the sandbox CA, for polling and API calls. */
export function createTrustingFetch(ca: string) {
  const dispatcher = new Agent({ connect: { ca }, keepAliveTimeout: 1000 });
  return {
    fetch: (url: string, init: Parameters<typeof undiciFetch>[1] = {}) => undiciFetch(url, { ...init, dispatcher }),
    close: () => dispatcher.close(),
  };
}

/**
 * Polls every `intervalMs` until `probe` resolves true; returns the moment (performance.now()).
 * Bounded by `timeoutMs` and by the process exiting.
 */
export async function pollUntil(
  probe: () => Promise<boolean>,
  options: { intervalMs: number; timeoutMs: number; spawned?: Spawned; what: string },
): Promise<number> {
  const deadline = performance.now() + options.timeoutMs;
  let exited = false;
  void options.spawned?.exited.then(() => {
    exited = true;
  });
  for (;;) {
    const ok = await probe().catch(() => false);
    if (ok) return performance.now();
    if (exited) throw new Error(`${options.what}: the process exited:\n${options.spawned?.output().slice(-2000)}`);
    if (performance.now() > deadline) {
      throw new Error(
        `${options.what}: not answering after ${options.timeoutMs} ms\n${options.spawned?.output().slice(-2000) ?? ''}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs));
  }
}

/** Resident set size of a process in MB, from /proc/PID/status (VmRSS). */
export function readRssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
  if (!kb) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(kb) / 1024;
}

/** User + system CPU time of a process in ms, from /proc/PID/stat (clock ticks of 10 ms). */
export function readCpuMs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may contain spaces) start at state: utime is 14th, stime 15th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}
