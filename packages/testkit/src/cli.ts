import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ConfigError } from '@extauth/server-kit/errors';
import { runCode, runReset, runTotp } from './cli/codes.js';
import { type CliIo, CommandFailure, targetOf, UsageError } from './cli/context.js';
import { runDoctor } from './cli/doctor.js';
import { runSeed } from './cli/seed.js';
import { runTrust, trustOptionsOf } from './cli/trust.js';
import { runUsers, USERS_USAGE } from './cli/users.js';

export const USAGE = `Usage: extauth-sandbox <command> [options]   (in this repository: pnpm sandbox <command>)

Commands:
  start [--seed FILE]        start IdP, panel and MailDev in this process (Ctrl-C stops)
  seed FILE                  check a seed file and apply it to the running sandbox
  ${USERS_USAGE.split('\n').join('\n  ').replaceAll('extauth-sandbox ', '')}
  code EMAIL                 print the last 6-digit code mailed to EMAIL
  totp EMAIL|SECRET [--seed FILE]   print the current TOTP code
  reset                      put the IdP back to its seed (accounts, clients, sessions, clock);
                             seeded accounts keep their sub
  doctor                     check ports, certificates, issuer reachability and clocks
  trust [--remove]           trust the sandbox CA in this user's Chromium and Firefox (certutil),
                             or print the steps for this system; --remove undoes it

The running sandbox is found through the same environment variables as pnpm start (SANDBOX_DATA_DIR,
IDP_PORT, IDP_ISSUER, PANEL_PORT, IDP_ADMIN_TOKEN, ...; see the README). Exit codes: 0 done,
1 failed, 2 usage or invalid file.`;

const OPTIONS = {
  seed: { type: 'string' },
  password: { type: 'string' },
  'given-name': { type: 'string' },
  'family-name': { type: 'string' },
  mfa: { type: 'boolean' },
  remove: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

function expect(positionals: string[], count: number, what: string): string[] {
  if (positionals.length !== count) throw new UsageError(`expected ${what}`);
  return positionals;
}

/** Runs one command; returns the exit code. */
export async function runCli(argv: string[], env: Record<string, string | undefined>, io: CliIo): Promise<number> {
  try {
    let parsed: ReturnType<typeof parseArgs<{ args: string[]; options: typeof OPTIONS; allowPositionals: true }>>;
    try {
      parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true });
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const [command, ...rest] = parsed.positionals;
    const { values } = parsed;
    if (values.help || command === 'help') {
      io.out(USAGE);
      return 0;
    }
    if (!command) throw new UsageError('no command given');
    switch (command) {
      case 'start': {
        expect(rest, 0, 'no arguments after start (use --seed FILE)');
        const { runSandboxUntilStopped } = await import('@extauth/sandbox/launcher');
        await runSandboxUntilStopped(env, { seedFile: values.seed });
        return -1;
      }
      case 'seed':
        await runSeed(targetOf(env), expect(rest, 1, 'seed FILE')[0] ?? '', io);
        return 0;
      case 'users':
        await runUsers(targetOf(env), { positionals: rest, values }, io);
        return 0;
      case 'code':
        await runCode(targetOf(env), expect(rest, 1, 'code EMAIL')[0] ?? '', io);
        return 0;
      case 'totp':
        runTotp(targetOf(env), expect(rest, 1, 'totp EMAIL|SECRET')[0] ?? '', values.seed, io);
        return 0;
      case 'reset':
        expect(rest, 0, 'no arguments after reset');
        await runReset(targetOf(env), io);
        return 0;
      case 'doctor':
        expect(rest, 0, 'no arguments after doctor');
        return (await runDoctor(targetOf(env), io)) ? 0 : 1;
      case 'trust':
        expect(rest, 0, 'no arguments after trust (use --remove to undo)');
        runTrust(targetOf(env), trustOptionsOf(env, values.remove === true), io);
        return 0;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`extauth-sandbox: ${err.message}\n\n${USAGE}`);
      return 2;
    }
    if (err instanceof ConfigError) {
      io.err(err.message);
      return 2;
    }
    io.err(`extauth-sandbox: ${err instanceof CommandFailure ? err.message : ((err as Error).stack ?? String(err))}`);
    return 1;
  }
}

/** The CLI as a program: arguments and environment of this process, exit code set when done. */
export async function runAsProgram(): Promise<void> {
  const code = await runCli(process.argv.slice(2), process.env, {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  });
  // `start` keeps running until a signal; every other command ends here.
  if (code >= 0) process.exitCode = code;
}

// Run as the program itself (`node dist/cli.js`); the bin (bin/extauth-sandbox.js) calls runAsProgram.
const invokedAs = process.argv[1] ? fs.realpathSync(process.argv[1]) : undefined;
if (invokedAs === fileURLToPath(import.meta.url)) await runAsProgram();
