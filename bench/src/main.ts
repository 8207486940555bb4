// pnpm bench [--quick] [--only=1,2,…]: the sandbox measured side by side with a bare
// oidc-provider (issue 9). Prints the table, writes .bench/report.json and .bench/report.svg.
// Figures are never asserted: the command fails only when a measurement cannot be made.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchColdStart } from './coldstart.js';
import { benchJourneys } from './journeys.js';
import { benchMemory } from './memory.js';
import { killAllChildren } from './processes.js';
import { formatTable, isMet, type Report, type Row, renderSvg } from './report.js';
import { benchScale } from './scale.js';
import { benchDir, tlsDir, workDir } from './targets.js';
import { benchTokenEndpoint } from './token.js';

const quick = process.argv.includes('--quick');
const only = process.argv
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
const wanted = (section: string) => !only || only.includes(section);

const plan = quick
  ? {
      coldRuns: 3,
      tokenSeconds: 2,
      tokenWarmup: 1,
      tokenRounds: 1,
      journeys: 12,
      rateSeconds: 5,
      rateRepeats: 1,
      hashRuns: 5,
      memory: [60, 180],
      scaleBatches: 2,
      scalePerBatch: 4,
    }
  : {
      coldRuns: 10,
      tokenSeconds: 10,
      tokenWarmup: 2,
      tokenRounds: 3,
      journeys: 40,
      rateSeconds: 10,
      rateRepeats: 3,
      hashRuns: 15,
      memory: [1000, 3000],
      scaleBatches: 6,
      scalePerBatch: 10,
    };

async function main() {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  fs.mkdirSync(workDir, { recursive: true });
  const ca = () => fs.readFileSync(path.join(tlsDir, 'ca.pem'), 'utf8');
  const rows: Row[] = [];
  const phase = async (section: string, name: string, run: () => Promise<Row[]>) => {
    if (!wanted(section)) return;
    const t = performance.now();
    process.stdout.write(`§${section} ${name}… `);
    rows.push(...(await run()));
    process.stdout.write(`${((performance.now() - t) / 1000).toFixed(0)} s\n`);
  };
  await phase('1', 'cold start', () => benchColdStart({ runs: plan.coldRuns, ca }));
  await phase('2', 'token endpoint', () =>
    benchTokenEndpoint({ seconds: plan.tokenSeconds, warmupSeconds: plan.tokenWarmup, rounds: plan.tokenRounds }),
  );
  await phase('3', 'login journeys and password logins/s', () =>
    benchJourneys({
      journeys: plan.journeys,
      loginRateSeconds: plan.rateSeconds,
      loginRateRepeats: plan.rateRepeats,
      hashRuns: plan.hashRuns,
    }),
  );
  await phase('5', 'memory', () =>
    benchMemory({ first: plan.memory[0] as number, second: plan.memory[1] as number, maxMinutes: 6 }),
  );
  await phase('6', 'scale', () =>
    benchScale({ batches: plan.scaleBatches, perBatch: plan.scalePerBatch, large: 10_000 }),
  );

  rows.sort((a, b) => a.section.localeCompare(b.section));
  const report: Report = {
    startedAt,
    quick,
    machine: {
      cpus: os.availableParallelism(),
      node: process.version,
      platform: process.platform,
      loadAverage: os.loadavg(),
    },
    durationSeconds: (performance.now() - started) / 1000,
    rows,
  };
  const table = formatTable(rows);
  fs.writeFileSync(path.join(benchDir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  fs.writeFileSync(path.join(benchDir, 'report.md'), `${table}\n`);
  fs.writeFileSync(
    path.join(benchDir, 'report.svg'),
    renderSvg(rows, `extauth-sandbox bench ${startedAt.slice(0, 16)}${quick ? ' (quick)' : ''}`),
  );
  console.log(`\n${table}\n`);
  for (const row of rows.filter((r) => r.note)) console.log(`§${row.section} ${row.figure.trim()}: ${row.note}`);
  const targeted = rows.filter((r) => r.target);
  const met = targeted.filter((r) => isMet(r)).length;
  console.log(
    `\n${met} of ${targeted.length} targets met · ${report.durationSeconds.toFixed(0)} s · ${os.availableParallelism()} cores · load ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log(`Report: ${path.relative(process.cwd(), path.join(benchDir, 'report.json'))}, chart: .bench/report.svg`);
}

try {
  await main();
} catch (err) {
  killAllChildren();
  console.error(`\nbench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exitCode = 1;
} finally {
  killAllChildren();
}
