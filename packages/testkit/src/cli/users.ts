import type { SandboxTarget } from '@extauth/sandbox/target';
import { AdminApiError } from '../admin.js';
import { type CliIo, CommandFailure, UsageError, withAdmin } from './context.js';

export const USERS_USAGE = `extauth-sandbox users add EMAIL [--password PW] [--given-name N] [--family-name N] [--mfa]
extauth-sandbox users list
extauth-sandbox users rm EMAIL`;

export interface UsersArgs {
  positionals: string[];
  values: { password?: string; 'given-name'?: string; 'family-name'?: string; mfa?: boolean };
}

/** `users add|list|rm` through the admin API. */
export async function runUsers(target: SandboxTarget, args: UsersArgs, io: CliIo): Promise<void> {
  const [action, email, ...rest] = args.positionals;
  if (rest.length > 0) throw new UsageError(`unexpected ${rest.join(' ')}`);
  if (action === 'list') {
    if (email) throw new UsageError('users list takes no email');
    const accounts = await withAdmin(target, (admin) => admin.listAccounts());
    for (const a of accounts) io.out(`${a.email}\t${a.sub}\tmfa=${a.mfa}\tverified=${a.verified}`);
    return;
  }
  if (action !== 'add' && action !== 'rm') throw new UsageError('users needs add, list or rm');
  if (!email) throw new UsageError(`users ${action} needs an EMAIL`);
  await withAdmin(target, async (admin) => {
    try {
      if (action === 'rm') {
        await admin.deleteAccount(email);
        io.out(`removed ${email}`);
        return;
      }
      const v = args.values;
      const created = await admin.createAccount({
        email,
        ...(v.password ? { password: v.password } : {}),
        ...(v['given-name'] ? { givenName: v['given-name'] } : {}),
        ...(v['family-name'] ? { familyName: v['family-name'] } : {}),
      });
      io.out(`email     ${created.account.email}`);
      io.out(`password  ${v.password ?? created.password}`);
      io.out(`sub       ${created.account.sub}`);
      if (v.mfa) {
        const mfa = await admin.setMfa(email);
        io.out(`totp      ${mfa.totpSecret}`);
        io.out(`recovery  ${mfa.recoveryCode}`);
      }
    } catch (err) {
      if (err instanceof AdminApiError && err.status < 500) throw new CommandFailure(err.message);
      throw err;
    }
  });
}
