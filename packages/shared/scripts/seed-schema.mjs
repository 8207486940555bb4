#!/usr/bin/env node
// Regenerates seed.schema.json from the zod schema in src/seed.ts (run after `tsc -b`):
//   pnpm --filter @extauth/shared seed-schema
// src/seed.test.ts fails while the committed file differs from what this writes.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { seedJsonSchemaText } from '../dist/seed.js';

const file = path.resolve(import.meta.dirname, '..', 'seed.schema.json');
fs.writeFileSync(file, seedJsonSchemaText());
// Laid out as the repository's formatter wants it, so `biome check` stays clean.
spawnSync('pnpm', ['exec', 'biome', 'format', '--write', file], { stdio: 'inherit' });
console.log(`wrote ${path.relative(process.cwd(), file)}`);
