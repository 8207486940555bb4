import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { journey, runConcurrently } from './journeys.js';
import { pollUntil, readRssMb } from './processes.js';
import type { Row } from './report.js';
import { summarize } from './stats.js';
import { freshDataDir, startSandboxProcess, workDir } from './targets.js';

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** VmRSS of the one-process stack (fast KDF) idle, after `first` journeys and after `second`. */
export async function benchMemory(options: { first: number; second: number; maxMinutes: number }): Promise<Row[]> {
  // For comparison: the same stack without MailDev (MAILDEV_ENABLED=false).
  const withoutMail = await startSandboxProcess(freshDataDir('memory-no-maildev'), 'fast', {
    MAILDEV_ENABLED: 'false',
  });
  await settle(1000);
  const idleWithoutMail = readRssMb(withoutMail.spawned.pid);
  await withoutMail.stop();

  const probeFile = path.join(workDir, 'memory-probe.jsonl');
  fs.rmSync(probeFile, { force: true });
  const probe = pathToFileURL(path.join(import.meta.dirname, 'memory-probe.js')).href;
  const sandbox = await startSandboxProcess(freshDataDir('memory'), 'fast', { BENCH_MEMORY_PROBE_FILE: probeFile }, [
    '--expose-gc',
    '--import',
    probe,
  ]);
  // RSS first (as a user sees it), then the JavaScript heap after a forced collection.
  const heapAfterGc = async () => {
    sandbox.spawned.child.kill('SIGUSR2');
    await pollUntil(
      async () => fs.existsSync(probeFile) && fs.readFileSync(probeFile, 'utf8').split('\n').length > heaps.length + 1,
      {
        intervalMs: 50,
        timeoutMs: 10_000,
        spawned: sandbox.spawned,
        what: 'memory probe',
      },
    );
    const last = fs.readFileSync(probeFile, 'utf8').trim().split('\n').at(-1) ?? '{}';
    const heap = (JSON.parse(last) as { heapUsedMb: number }).heapUsedMb;
    heaps.push(heap);
    return heap;
  };
  const heaps: number[] = [];
  try {
    await settle(1000);
    const idle = readRssMb(sandbox.spawned.pid);
    const heapIdle = await heapAfterGc();
    const started = performance.now();
    const budgetMs = options.maxMinutes * 60_000;
    let done = 0;
    const runUpTo = async (total: number) => {
      const run = await runConcurrently(() => journey(sandbox), {
        clients: 2,
        maxCount: total - done,
        maxMs: Math.max(0, budgetMs - (performance.now() - started)),
      });
      done += run.count;
      if (done < total)
        throw new Error(`memory bench: only ${done} of ${total} journeys within ${options.maxMinutes} min`);
    };
    await runUpTo(options.first);
    await settle(500);
    const afterFirst = readRssMb(sandbox.spawned.pid);
    const heapFirst = await heapAfterGc();
    await runUpTo(options.second);
    await settle(500);
    const afterSecond = readRssMb(sandbox.spawned.pid);
    const heapSecond = await heapAfterGc();
    const rate = done / ((performance.now() - started) / 1000);
    const one = (v: number) => summarize([v]);
    return [
      { section: '5', figure: 'RSS idle (sandbox, fast KDF)', unit: 'MB', summary: one(idle) },
      {
        section: '5',
        figure: `RSS after ${options.first} journeys`,
        unit: 'MB',
        summary: one(afterFirst),
        target: { op: '<=', limit: 200, text: '≤ 200 MB' },
      },
      { section: '5', figure: `RSS after ${options.second} journeys`, unit: 'MB', summary: one(afterSecond) },
      {
        section: '5',
        figure: `RSS growth ${options.first} → ${options.second} journeys`,
        unit: '%',
        summary: one(((afterSecond - afterFirst) / afterFirst) * 100),
        target: { op: '<=', limit: 10, text: '< 10 %' },
      },
      {
        section: '5',
        figure: 'RSS idle without MailDev (MAILDEV_ENABLED=false)',
        unit: 'MB',
        summary: one(idleWithoutMail),
      },
      {
        section: '5',
        figure: `JS heap used after GC: idle / ${options.first} / ${options.second} journeys`,
        unit: 'MB',
        summary: one(heapSecond),
        note: `${heapIdle.toFixed(1)} / ${heapFirst.toFixed(1)} / ${heapSecond.toFixed(1)} MB (main thread, after a forced GC)`,
      },
      {
        section: '5',
        figure: `JS heap growth after GC ${options.first} → ${options.second} journeys`,
        unit: '%',
        summary: one(((heapSecond - heapFirst) / heapFirst) * 100),
      },
      { section: '4', figure: 'logins/s, 2 clients, fast KDF (during §5)', unit: '/s', summary: one(rate) },
    ];
  } finally {
    await sandbox.stop();
  }
}
