#!/usr/bin/env node
// `pnpm bench [--quick]`: builds the workspace (tsc -b, incremental), then runs the bench.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const build = spawnSync('pnpm', ['exec', 'tsc', '-b'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) {
  console.error('bench: the build failed (tsc -b); fix it, or wait if someone is mid-edit, and retry.');
  process.exit(build.status ?? 1);
}
const run = spawnSync(process.execPath, [path.join(import.meta.dirname, 'dist/main.js'), ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(run.status ?? 1);
