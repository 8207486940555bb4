import { parseArgs } from 'node:util';
import { ConfigError } from '@extauth/server-kit/errors';
import { explainStartFailure, stopOnSignals } from '@extauth/server-kit/lifecycle';
import { createConsoleLogger, loadLogSettings } from '@extauth/server-kit/logger';
import { formatReadyBanner } from './banner.js';
import { checkSandboxEnv } from './config.js';
import { checkSandboxReadiness } from './readiness.js';
import { startSandbox } from './sandbox.js';
import { diagnoseStartedSandbox } from './start-diagnostics.js';
import { resolveSandboxTarget } from './target.js';

export const LAUNCHER_USAGE = `Usage: pnpm start [--seed FILE]

  --seed FILE   apply a seed file (JSON or YAML) at start; SANDBOX_SEED_FILE does the same
  --help        show this help

Settings are environment variables (README, Configuration).`;

/**
 * `--seed FILE` and `--help`; a usage mistake is a ConfigError (exit code 2). A leading `--` is
 * what `pnpm start -- --seed FILE` passes on (pnpm 10 no longer swallows it): it is skipped.
 */
export function parseLauncherArgs(args: string[]): { seedFile: string | undefined; help: boolean } {
  try {
    const { values } = parseArgs({
      args: args[0] === '--' ? args.slice(1) : args,
      options: { seed: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: false,
    });
    return { seedFile: values.seed, help: values.help === true };
  } catch (err) {
    throw new ConfigError(`${(err as Error).message}\n\n${LAUNCHER_USAGE}`);
  }
}

/** Which variable sets each port, so a taken port is reported with its name. */
function portNamesOf(env: Record<string, string | undefined>): Record<number, string> {
  try {
    return Object.fromEntries(resolveSandboxTarget(env).ports.map((p) => [p.port, p.name]));
  } catch {
    return {};
  }
}

/**
 * Starts the sandbox in this process, asks both apps' /readyz, prints the banner (with a warning
 * per problem) and stops it on SIGINT/SIGTERM (exit 0).
 * Used by `pnpm start` and by `extauth-sandbox start`.
 */
export async function runSandboxUntilStopped(
  env: Record<string, string | undefined>,
  options: { seedFile?: string | undefined } = {},
): Promise<void> {
  const startedAt = performance.now();
  try {
    checkSandboxEnv(env);
    const logSettings = loadLogSettings(env);
    const sandbox = await startSandbox(env, {
      logger: (name) => createConsoleLogger(name, { settings: logSettings }),
      ...(options.seedFile ? { seedFile: options.seedFile } : {}),
    });
    stopOnSignals(() => sandbox.close(), {
      stopping: (signal) => console.log(`\n${signal} received, stopping the sandbox…`),
      stopped: () => console.log('Stopped. Data is safe in the data folder.'),
      failed: (err) => console.error(`Stopping failed: ${err instanceof Error ? err.message : String(err)}`),
    });
    // "Ready" means what /readyz says, asked the way a client would (HTTPS, the sandbox CA): two
    // local requests, counted in the time the banner shows. A not-ready app (say, the panel while
    // the IdP's discovery fails) leaves the sandbox running, since the fix is often elsewhere (an
    // IdP started later, a setting), but the banner does not claim readiness and says why.
    const readiness = await checkSandboxReadiness(sandbox.listeners, sandbox.caPem);
    const problems = diagnoseStartedSandbox({
      issuer: sandbox.idp.issuer,
      certificateNames: sandbox.certificateNames,
      readiness,
      dataDir: sandbox.config.dataDir,
    });
    // After the signal handlers: whoever waits for the banner may signal at once.
    console.log(formatReadyBanner(sandbox, performance.now() - startedAt, readiness));
    for (const sentence of problems) console.warn(`Warning: ${sentence}`);
  } catch (err) {
    const { message, exitCode } = explainStartFailure(err, undefined, portNamesOf(env));
    console.error(message);
    process.exit(exitCode);
  }
}
