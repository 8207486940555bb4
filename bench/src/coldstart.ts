import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { findFreePort } from '@extauth/server-kit/ports';
import {
  bareOpPath,
  createTrustingFetch,
  launcherPath,
  pollUntil,
  readRssMb,
  type Spawned,
  spawnNode,
} from './processes.js';
import type { Row } from './report.js';
import { pairedRatios, summarize } from './stats.js';
import { bareEnv, freePorts, freshDataDir, sandboxEnv, startSandboxProcess } from './targets.js';

const POLL_MS = 5;
const TIMEOUT_MS = 30_000;

async function answersWith200(fetchFn: ReturnType<typeof createTrustingFetch>['fetch'], url: string) {
  const res = await fetchFn(url, { redirect: 'manual' });
  await res.arrayBuffer();
  return res.status === 200;
}

interface Start {
  ms: number;
  /** Spawn to the first 200 of each URL, in the order given. */
  eachMs: number[];
  rssMb: number;
  bannerMs?: number;
}

/** Spawn to the first 200 of every `urls`, polled every 5 ms each; then stops the process. */
async function timeStart(spawned: Spawned, urls: string[], ca: string, what: string): Promise<Start> {
  const http = createTrustingFetch(ca);
  try {
    const answered = await Promise.all(
      urls.map((url) =>
        pollUntil(() => answersWith200(http.fetch, url), { intervalMs: POLL_MS, timeoutMs: TIMEOUT_MS, spawned, what }),
      ),
    );
    const eachMs = answered.map((t) => t - spawned.startedAt);
    const ms = Math.max(...eachMs);
    const rssMb = readRssMb(spawned.pid);
    const banner = /extauth-sandbox is ready \((\d+) ms\)/.exec(spawned.output())?.[1];
    return { ms, eachMs, rssMb, ...(banner ? { bannerMs: Number(banner) } : {}) };
  } finally {
    await http.close();
    await spawned.stop();
  }
}

async function startSandboxOnce(dataDir: string, ca: string): Promise<Start> {
  const ports = await freePorts();
  const spawned = spawnNode(launcherPath, sandboxEnv(dataDir, ports, 'secure'));
  return timeStart(
    spawned,
    [
      `https://localhost:${ports.idp}/.well-known/openid-configuration`,
      `https://localhost:${ports.panel}/`,
      `http://localhost:${ports.web}/api/email`,
    ],
    ca,
    'sandbox cold start',
  );
}

async function startBareOnce(ca: string): Promise<Start> {
  const port = await findFreePort();
  const spawned = spawnNode(bareOpPath, bareEnv(port));
  return timeStart(spawned, [`https://localhost:${port}/.well-known/openid-configuration`], ca, 'bare cold start');
}

/** What each module group adds to a fresh process, in the order the sandbox needs them. */
function measureImportCosts(runs: number): Record<string, number[]> {
  const specifiers = ['oidc-provider', 'better-sqlite3', '@extauth/idp/server', '@extauth/panel/server', 'maildev'];
  const script = path.join(import.meta.dirname, 'import-costs.js');
  const costs: Record<string, number[]> = {};
  const add = (name: string, ms: number) => {
    costs[name] = [...(costs[name] ?? []), ms];
  };
  for (let i = 0; i < runs; i += 1) {
    const nodeStarted = performance.now();
    spawnSync(process.execPath, ['-e', '0']);
    add('node -e 0 (process start and exit)', performance.now() - nodeStarted);
    const out = spawnSync(process.execPath, [script, ...specifiers], { encoding: 'utf8', timeout: 30_000 });
    const parsed = JSON.parse(out.stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, number>;
    for (const [k, v] of Object.entries(parsed)) add(k, v);
    const alone = spawnSync(process.execPath, [script, 'maildev'], { encoding: 'utf8', timeout: 30_000 });
    const mail = JSON.parse(alone.stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, number>;
    add('maildev (alone)', mail.maildev as number);
  }
  return costs;
}

export async function benchColdStart(options: { runs: number; ca: () => string }): Promise<Row[]> {
  // The warm data folder: first start ever (CA, keys, demo account, root password) happens here, once.
  const dataDir = freshDataDir('coldstart');
  const first = await startSandboxProcess(dataDir, 'secure');
  await first.stop();
  const ca = options.ca();
  // One discarded start of each warms the file system cache.
  await startBareOnce(ca);
  await startSandboxOnce(dataDir, ca);
  const sandbox: Start[] = [];
  const bare: Start[] = [];
  for (let i = 0; i < options.runs; i += 1) {
    // Interleaved, alternating which goes first, so drifting load hits both alike.
    if (i % 2 === 0) {
      bare.push(await startBareOnce(ca));
      sandbox.push(await startSandboxOnce(dataDir, ca));
    } else {
      sandbox.push(await startSandboxOnce(dataDir, ca));
      bare.push(await startBareOnce(ca));
    }
  }
  const sandboxMs = sandbox.map((s) => s.ms);
  const bareMs = bare.map((s) => s.ms);
  const rows: Row[] = [
    { section: '1', figure: 'cold start: bare oidc-provider → discovery', unit: 'ms', summary: summarize(bareMs) },
    {
      section: '1',
      figure: 'cold start: sandbox → IdP, panel, MailDev answer',
      unit: 'ms',
      summary: summarize(sandboxMs),
    },
    {
      section: '1',
      figure: 'cold start ratio sandbox ÷ bare (paired runs)',
      unit: '×',
      summary: summarize(pairedRatios(sandboxMs, bareMs)),
      target: { op: '<=', limit: 1.5, text: '≤ 1.5' },
    },
  ];
  ['IdP discovery', 'panel /', 'MailDev /api/email'].forEach((name, i) => {
    rows.push({
      section: '1',
      figure: `  sandbox: spawn → ${name} answers`,
      unit: 'ms',
      summary: summarize(sandbox.map((s) => s.eachMs[i] as number)),
    });
  });
  const banner = sandbox.flatMap((s) => (s.bannerMs === undefined ? [] : [s.bannerMs]));
  if (banner.length) {
    rows.push({
      section: '1',
      figure: '  of which startSandbox() (banner "ready (N ms)")',
      unit: 'ms',
      summary: summarize(banner),
    });
  }
  for (const [name, values] of Object.entries(measureImportCosts(options.runs >= 10 ? 3 : 1))) {
    rows.push({ section: '1', figure: `  import in a fresh process: ${name}`, unit: 'ms', summary: summarize(values) });
  }
  rows.push(
    {
      section: '5',
      figure: 'RSS at first answer: bare oidc-provider',
      unit: 'MB',
      summary: summarize(bare.map((s) => s.rssMb)),
    },
    {
      section: '5',
      figure: 'RSS at first answer: sandbox',
      unit: 'MB',
      summary: summarize(sandbox.map((s) => s.rssMb)),
    },
  );
  return rows;
}
