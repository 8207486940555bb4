import { ConfigError } from './errors.js';
import { PortInUseError } from './https-server.js';

/**
 * One sentence and an exit code for a start that failed: 2 for configuration (and seed) mistakes,
 * 1 otherwise. Never a stack trace: the message names the setting to change.
 */
export function explainStartFailure(
  err: unknown,
  what = 'The sandbox',
  /** The variable that sets each port, when the caller knows it (`{ 8443: 'IDP_PORT' }`). */
  portNames: Record<number, string> = {},
): { message: string; exitCode: 1 | 2 } {
  if (err instanceof ConfigError) return { message: err.message, exitCode: 2 };
  if (err instanceof PortInUseError) {
    const name = portNames[err.port];
    return {
      message: `Port ${err.port} on ${err.host} is already in use (is another sandbox running?). Stop that program or choose another port with ${name ? name : 'the matching *_PORT variable'} (see README, Configuration).`,
      exitCode: 1,
    };
  }
  return { message: `${what} could not start: ${err instanceof Error ? err.message : String(err)}`, exitCode: 1 };
}

/**
 * A Ctrl-C in a terminal reaches every process of the foreground group, and `pnpm start` also
 * forwards it to its script: the sandbox gets the same SIGINT twice, a few milliseconds apart.
 * A second signal within this time is that copy, not a person pressing Ctrl-C again.
 */
export const DUPLICATE_SIGNAL_MS = 1000;

/**
 * Stops a running server on SIGINT/SIGTERM and exits 0 (1 if stopping failed); a second signal
 * while stopping (after DUPLICATE_SIGNAL_MS) exits at once with 130.
 */
export function stopOnSignals(
  close: () => Promise<void>,
  messages: { stopping?: (signal: string) => void; stopped?: () => void; failed?: (err: unknown) => void } = {},
): void {
  let stoppingSince: number | undefined;
  const stop = (signal: string) => {
    if (stoppingSince !== undefined) {
      if (performance.now() - stoppingSince < DUPLICATE_SIGNAL_MS) return;
      console.log('Forced exit.');
      process.exit(130);
    }
    stoppingSince = performance.now();
    messages.stopping?.(signal);
    close().then(
      () => {
        messages.stopped?.();
        process.exit(0);
      },
      (err: unknown) => {
        messages.failed?.(err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

/** Runs an entry point's start function; a failure is printed as one sentence with its exit code. */
export function runEntryPoint(start: () => Promise<void>, what?: string, portVariable?: string): void {
  start().catch((err: unknown) => {
    const names = portVariable && err instanceof PortInUseError ? { [err.port]: portVariable } : {};
    const { message, exitCode } = explainStartFailure(err, what, names);
    console.error(message);
    process.exit(exitCode);
  });
}
