import { parseArgs } from 'node:util';
import { ConfigError } from '@extauth/server-kit/errors';
import { PortInUseError } from '@extauth/server-kit/https-server';
import { createConsoleLogger } from '@extauth/server-kit/logger';
import { formatReadyBanner } from './banner.js';
import { startSandbox } from './sandbox.js';

export const LAUNCHER_USAGE = `Usage: pnpm start [-- --seed FILE]

  --seed FILE   apply a seed file (JSON or YAML) at start; SANDBOX_SEED_FILE does the same
  --help        show this help

Settings are environment variables (README, Configuration).`;

/** The message and exit code for a start that failed: 2 for configuration and seed files, 1 otherwise. */
export function explainStartFailure(err: unknown): { message: string; exitCode: 1 | 2 } {
  if (err instanceof ConfigError) return { message: err.message, exitCode: 2 };
  if (err instanceof PortInUseError) {
    return {
      message: `Port ${err.port} on ${err.host} is already in use (is another sandbox running?). Stop that program or choose another port with the matching *_PORT variable (see README, Configuration).`,
      exitCode: 1,
    };
  }
  return { message: `The sandbox could not start: ${err instanceof Error ? err.message : String(err)}`, exitCode: 1 };
}

/** `--seed FILE` and `--help`; a usage mistake is a ConfigError (exit code 2). */
export function parseLauncherArgs(args: string[]): { seedFile: string | undefined; help: boolean } {
  try {
    const { values } = parseArgs({
      args,
      options: { seed: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: false,
    });
    return { seedFile: values.seed, help: values.help === true };
  } catch (err) {
    throw new ConfigError(`${(err as Error).message}\n\n${LAUNCHER_USAGE}`);
  }
}

/**
 * Starts the sandbox in this process, prints the banner and stops it on SIGINT/SIGTERM (exit 0).
 * Used by `pnpm start` and by `extauth-sandbox start`.
 */
export async function runSandboxUntilStopped(
  env: Record<string, string | undefined>,
  options: { seedFile?: string | undefined } = {},
): Promise<void> {
  const startedAt = performance.now();
  try {
    const sandbox = await startSandbox(env, {
      logger: (name) => createConsoleLogger(name),
      ...(options.seedFile ? { seedFile: options.seedFile } : {}),
    });
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
    // After the handlers: whoever waits for the banner may signal at once.
    console.log(formatReadyBanner(sandbox, performance.now() - startedAt));
  } catch (err) {
    const { message, exitCode } = explainStartFailure(err);
    console.error(message);
    process.exit(exitCode);
  }
}
