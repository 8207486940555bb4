#!/usr/bin/env node
// The `extauth-sandbox` bin (`pnpm sandbox` in this repository). It is committed plain JavaScript
// rather than dist/cli.js itself: pnpm links bins at install time, before anything is built, and a
// fresh checkout should get one sentence telling what to do instead of a module-resolution trace.
import fs from 'node:fs';

const cli = new URL('../dist/cli.js', import.meta.url);
const NOT_BUILT = 'extauth-sandbox: the testkit is not built yet: run pnpm build (or pnpm start) first\n';

if (!fs.existsSync(cli)) {
  process.stderr.write(NOT_BUILT);
  process.exit(1);
}
let program;
try {
  program = await import(cli.href);
} catch (err) {
  // dist/cli.js is there but a workspace package it imports is not built (an interrupted build).
  if (err?.code === 'ERR_MODULE_NOT_FOUND' && /[/\\]dist[/\\]/.test(String(err.message))) {
    process.stderr.write(NOT_BUILT);
    process.exit(1);
  }
  throw err;
}
await program.runAsProgram();
