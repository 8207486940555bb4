import { loadSeedFile } from '@extauth/sandbox/seed/load-seed';
import type { SandboxTarget } from '@extauth/sandbox/target';
import { createMailbox } from '../mail.js';
import { totp } from '../totp.js';
import { type CliIo, CommandFailure, withAdmin } from './context.js';

const CODE = /\b(\d{6})\b/;

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** `code EMAIL`: the newest 6-digit code mailed to the address, from the admin outbox or else MailDev. */
export async function runCode(target: SandboxTarget, email: string, io: CliIo): Promise<void> {
  let code: string | undefined;
  if (target.adminToken) {
    const messages = await withAdmin(target, (admin) => admin.outbox(email, 20));
    code = messages.map((m) => CODE.exec(m.subject)?.[1] ?? CODE.exec(m.text)?.[1]).find(Boolean);
  } else if (target.mailUrl) {
    code = await createMailbox(target.mailUrl)
      .waitForCode(email, { timeoutMs: 0 })
      .catch(() => undefined);
  }
  if (!code) throw new CommandFailure(`no code was sent to ${email}`);
  io.out(code);
}

const BASE32 = /^[A-Za-z2-7\s=-]{16,}$/;

/**
 * `totp EMAIL|SECRET`: the current code for a base32 secret, or for a seeded account's secret
 * (from the seed file: --seed FILE or SANDBOX_SEED_FILE; the IdP never hands secrets out).
 */
export function runTotp(target: SandboxTarget, subject: string, seedFile: string | undefined, io: CliIo): void {
  if (!subject.includes('@')) {
    if (!BASE32.test(subject)) throw new CommandFailure(`"${subject}" is neither an email nor a base32 secret`);
    io.out(totp(subject));
    return;
  }
  const file = seedFile ?? target.seedFile;
  if (!file) throw new CommandFailure(`no TOTP secret known for ${subject}: pass the secret, or --seed FILE`);
  const account = loadSeedFile(file).idp.accounts.find((a) => a.email.toLowerCase() === subject.toLowerCase());
  if (!account?.totpSecret) throw new CommandFailure(`${file} has no totpSecret for ${subject}`);
  io.out(totp(account.totpSecret));
}

/** `reset`: the IdP back to its seed (accounts, clients, codes, sessions); the sandbox clock and faults too. */
export async function runReset(target: SandboxTarget, io: CliIo): Promise<void> {
  const result = await withAdmin(target, (admin) => admin.reset());
  // Seeded accounts keep their subjects, so the panel's links to them still work after the reset.
  io.out(
    `reset: ${count(result.accounts, 'account')} and ${count(result.clients, 'client')} from the seed (same subjects as before); removed ${count(result.removedAccounts, 'account')} added since`,
  );
}
