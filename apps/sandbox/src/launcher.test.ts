import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '@extauth/server-kit/errors';
import { parseLauncherArgs } from './launcher.js';

test('pnpm start --seed FILE and pnpm start -- --seed FILE both name the seed file', () => {
  assert.deepEqual(parseLauncherArgs(['--seed', 'seed.yaml']), { seedFile: 'seed.yaml', help: false });
  assert.deepEqual(parseLauncherArgs(['--', '--seed', 'seed.yaml']), { seedFile: 'seed.yaml', help: false });
  assert.deepEqual(parseLauncherArgs(['--seed=seed.yaml']), { seedFile: 'seed.yaml', help: false });
  assert.deepEqual(parseLauncherArgs([]), { seedFile: undefined, help: false });
  assert.equal(parseLauncherArgs(['--help']).help, true);
});

test('anything else is a usage error with the usage text (exit code 2)', () => {
  for (const args of [['seed.yaml'], ['--sead', 'x'], ['--', '--', '--seed', 'x']]) {
    assert.throws(
      () => parseLauncherArgs(args),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError, String(err));
        assert.match(err.message, /Usage: pnpm start \[--seed FILE\]/);
        return true;
      },
    );
  }
});
