#!/usr/bin/env node
import { ConfigError } from '@extauth/server-kit/errors';
import { PortInUseError } from '@extauth/server-kit/https-server';
import { createConsoleLogger } from '@extauth/server-kit/logger';
import { formatReadyBanner } from './banner.js';
import { startSandbox } from './sandbox.js';

const startedAt = performance.now();

function explain(err: unknown): string {
  if (err instanceof ConfigError) return err.message;
  if (err instanceof PortInUseError) {
    return `Port ${err.port} on ${err.host} is already in use (is another sandbox running?). Stop that program or choose another port with the matching *_PORT variable (see README, Configuration).`;
  }
  return `The sandbox could not start: ${err instanceof Error ? err.message : String(err)}`;
}

try {
  const sandbox = await startSandbox(process.env, { logger: (name) => createConsoleLogger(name) });
  console.log(formatReadyBanner(sandbox, performance.now() - startedAt));
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      console.log('Forced exit.');
      process.exit(130);
    }
    stopping = true;
    console.log(`\n${signal} received, stopping the sandbox…`);
    await sandbox.close();
    console.log('Stopped. Data is safe in the data folder.');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
} catch (err) {
  console.error(explain(err));
  process.exit(err instanceof ConfigError ? 2 : 1);
}
