import fs from 'node:fs';
import { resolveSandboxTarget, type SandboxTarget } from '@extauth/sandbox/target';
import { AdminApiError, type AdminClient, createAdminClient } from '../admin.js';
import { describeUnreachable } from './reach.js';

/** A mistake in the command line: usage text and exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The command ran and failed: one line on stderr and exit code 1. */
export class CommandFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CommandFailure';
  }
}

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

/** The running sandbox these settings point at (same environment variables as `pnpm start`). */
export function targetOf(env: Record<string, string | undefined>): SandboxTarget {
  return resolveSandboxTarget(env);
}

export function readCa(target: SandboxTarget): string {
  if (!fs.existsSync(target.caFile)) {
    throw new CommandFailure(`no CA at ${target.caFile}: start the sandbox first, or set SANDBOX_DATA_DIR`);
  }
  return fs.readFileSync(target.caFile, 'utf8');
}

export function adminOf(target: SandboxTarget): AdminClient {
  if (!target.adminToken && !fs.existsSync(target.dataDir)) {
    // The usual cause: the CLI runs in another folder than `pnpm start` did (the default is relative).
    throw new CommandFailure(
      `no sandbox data folder at ${target.dataDir} (SANDBOX_DATA_DIR; the default is .sandbox under the current directory): run the CLI from where you ran pnpm start, or set SANDBOX_DATA_DIR`,
    );
  }
  if (!target.adminToken) {
    throw new CommandFailure(
      'the IdP admin API is off or its token unknown: set IDP_ADMIN_TOKEN (as for the running sandbox)',
    );
  }
  return createAdminClient({ issuer: target.issuer, token: target.adminToken, ca: readCa(target) });
}

/** Runs a call against the admin API and closes its connections. */
export async function withAdmin<T>(target: SandboxTarget, use: (admin: AdminClient) => Promise<T>): Promise<T> {
  const admin = adminOf(target);
  try {
    return await use(admin);
  } catch (err) {
    if (err instanceof CommandFailure) throw err;
    // An answer of the admin API that is not a success is the command's failure, not a crash.
    if (err instanceof AdminApiError) {
      const hint = err.status === 401 ? ' (check IDP_ADMIN_TOKEN, or the token file of the running sandbox)' : '';
      throw new CommandFailure(`${err.message}${hint}`);
    }
    const unreachable = describeUnreachable(err, { url: target.issuer, what: 'the IdP', portVariable: 'IDP_PORT' });
    if (unreachable) throw new CommandFailure(unreachable.sentence);
    throw err;
  } finally {
    await admin.close();
  }
}
