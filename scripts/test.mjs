#!/usr/bin/env node
// Runs every test of the workspace with Node's own test runner on the compiled output.
// Usage: pnpm test [filter]   (filter: a substring of the test file path, e.g. `idp` or `e2e`;
// without a filter the lint runs first)
// Node 20's --test does not expand globs, so the files are listed here. Unit and HTTP tests run
// first; browser journeys (e2e/) last, one file at a time, since they start the real launcher on
// the real ports.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const filter = process.argv[2];

function run(label, command, args) {
  console.log(`--- ${label}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

if (!filter) run('lint (biome)', 'pnpm', ['exec', 'biome', 'check', '.']);
run('typecheck and build (tsc -b)', 'pnpm', ['exec', 'tsc', '-b']);

function findTests(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : findTests(full);
    return entry.name.endsWith('.test.js') ? [full] : [];
  });
}

const dists = [
  'packages/shared',
  'packages/server-kit',
  'apps/idp',
  'apps/panel',
  'apps/sandbox',
  'packages/testkit',
  'examples/rp-app',
  'tests/interop',
  'tests/fuzz',
  'tests/reliability',
  'bench',
  'e2e',
].map((p) => path.join(root, p, 'dist'));
const all = dists.flatMap(findTests).filter((f) => !filter || path.relative(root, f).includes(filter));
const e2e = all.filter((f) => f.includes(`${path.sep}e2e${path.sep}`));
const unit = all.filter((f) => !e2e.includes(f));
if (all.length === 0) {
  console.error(`no test files found${filter ? ` for "${filter}"` : ''}`);
  process.exit(1);
}
const args = ['--enable-source-maps', '--test', '--test-reporter=spec', '--test-concurrency=1'];
console.log(`--- tests: ${unit.length} unit/HTTP files, ${e2e.length} browser files`);
// Suites report their numbers (cases, failures, journeys, races) through reportTestNumbers
// (packages/server-kit/src/test-numbers.ts); they are printed together after the last test.
const numbersFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'extauth-test-numbers-')), 'numbers.jsonl');
const result = spawnSync(process.execPath, [...args, ...unit, ...e2e], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, EXTAUTH_TEST_NUMBERS: numbersFile },
});
printNumbers(numbersFile);
process.exit(result.status ?? 1);

function printNumbers(file) {
  if (!fs.existsSync(file)) return;
  const rows = fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
  console.log('--- numbers reported by the reliability suites');
  for (const { suite, numbers } of rows) {
    const text = Object.entries(numbers)
      .map(([name, value]) => `${name}=${value}`)
      .join('  ');
    console.log(`${suite.padEnd(44)} ${text}`);
  }
}
