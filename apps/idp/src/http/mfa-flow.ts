import type { Clock } from '@extauth/server-kit/clock';
import { type Sealer, sha256Hex } from '@extauth/server-kit/crypto';
import { AppError } from '@extauth/server-kit/errors';
import { idpMessages } from '@extauth/shared/idp-messages';
import type { Context, Middleware } from 'koa';
import { z } from 'zod';
import { type RandomSource, randomTokenFrom } from '../domain/random.js';
import type { AccountsStore } from '../store/accounts.js';
import type { MfaFlowStore } from '../store/mfa-flows.js';
import { uidOf } from './interaction-scope.js';

export const MFA_FLOW_COOKIE = 'idp_mfa_flow';
export const MFA_FLOW_TTL_SECONDS = 15 * 60;

/**
 * Where this browser stands in an MFA step (flows/mfa-enrollment and flows/mfa-challenge): which
 * account, inside which interaction, and, on "Almost There!", the recovery code to show and what
 * ticking the box leads to. Sealed (AES-256-GCM), HttpOnly, 15 minutes: the recovery code in it
 * is readable by nobody, and another browser cannot continue the step.
 *
 * A sealed cookie alone could be copied and replayed for its whole life, so each step also has a
 * row (store/mfa-flows.ts) named by the random `flowId`: the row is consumed when the step
 * finishes or moves on, ends at logout, and counts only while the account's credential version is
 * the one it started with (a password change or reset, or an MFA change, ends every step).
 */
const base = { flowId: z.string(), accountId: z.string(), uid: z.string().optional(), expiresAt: z.number() };
const mfaFlowSchema = z.discriminatedUnion('step', [
  /** Password right, second factor expected ("Verify Your Identity"). */
  z.object({ ...base, step: z.literal('awaiting_second_factor') }),
  /** A pending secret is shown ("Secure Your Account"). */
  z.object({ ...base, step: z.literal('enrolling') }),
  /** "Almost There!": the code was just stored hashed; `completes` says what ticking the box completes. */
  z.object({
    ...base,
    step: z.literal('recording_recovery_code'),
    recoveryCode: z.string(),
    completes: z.enum(['activate_mfa', 'finish_recovery_login', 'back_to_account']),
  }),
]);
export type MfaFlow = z.output<typeof mfaFlowSchema>;
export type MfaFlowStep = MfaFlow['step'];
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export interface MfaFlowCookie {
  /** Starts a step (a new row and cookie); a step this browser held before ends. */
  write(ctx: Context, flow: DistributiveOmit<MfaFlow, 'expiresAt' | 'flowId'>): void;
  /** Ends this browser's step, if any, and removes the cookie (logout). */
  clear(ctx: Context): void;
  /**
   * Consumes the step `require` let through, once: a concurrent or replayed request that loses is
   * refused with `mfa_flow_expired`. Call it before the step's outcome (sign-in, next step).
   */
  finish(ctx: Context): void;
  /** Guard: this browser's flow must be alive, unused, belong to the page's interaction and be at `step`. */
  require(step: MfaFlowStep): Middleware;
}

const flowExpired = () => new AppError('mfa_flow_expired', idpMessages.mfa_flow_expired, { status: 400 });

export function mfaFlowOf<S extends MfaFlowStep>(ctx: Context, step: S): Extract<MfaFlow, { step: S }> {
  const flow = ctx.state.mfaFlow as MfaFlow | undefined;
  if (!flow || flow.step !== step) throw new Error(`mfaFlow.require('${step}') must run before this handler`);
  return flow as Extract<MfaFlow, { step: S }>;
}

export function createMfaFlowCookie(deps: {
  sealer: Sealer;
  clock: Clock;
  random: RandomSource;
  flows: MfaFlowStore;
  accounts: Pick<AccountsStore, 'findAccountById'>;
}): MfaFlowCookie {
  const options = { httpOnly: true, secure: true, sameSite: 'lax' as const, path: '/', signed: false, overwrite: true };
  const read = (ctx: Context): MfaFlow | undefined => {
    const sealed = ctx.cookies.get(MFA_FLOW_COOKIE);
    if (!sealed) return undefined;
    try {
      const flow = mfaFlowSchema.parse(JSON.parse(deps.sealer.open(sealed, MFA_FLOW_COOKIE)));
      return flow.expiresAt > deps.clock.now().getTime() ? flow : undefined;
    } catch {
      return undefined;
    }
  };
  const isCurrent = (record: { accountId: string; credentialVersion: number } | undefined, flow: MfaFlow) =>
    record !== undefined &&
    record.accountId === flow.accountId &&
    deps.accounts.findAccountById(record.accountId)?.credentialVersion === record.credentialVersion;
  const removeCookie = (ctx: Context) => ctx.cookies.set(MFA_FLOW_COOKIE, '', { ...options, maxAge: 0 });
  const endHeldFlow = (ctx: Context) => {
    const held = read(ctx);
    if (held) deps.flows.endMfaFlow(sha256Hex(held.flowId));
  };
  return {
    write: (ctx, flow) => {
      endHeldFlow(ctx);
      const account = deps.accounts.findAccountById(flow.accountId);
      if (!account) throw new Error(`no account ${flow.accountId}`);
      const now = deps.clock.now().getTime();
      const expiresAt = now + MFA_FLOW_TTL_SECONDS * 1000;
      const flowId = randomTokenFrom(deps.random);
      deps.flows.startMfaFlow({
        idHash: sha256Hex(flowId),
        accountId: account.id,
        credentialVersion: account.credentialVersion,
        expiresAt,
      });
      const sealed = deps.sealer.seal(JSON.stringify({ ...flow, flowId, expiresAt }), MFA_FLOW_COOKIE);
      ctx.cookies.set(MFA_FLOW_COOKIE, sealed, options);
    },
    clear: (ctx) => {
      endHeldFlow(ctx);
      removeCookie(ctx);
    },
    finish: (ctx) => {
      const flow = ctx.state.mfaFlow as MfaFlow | undefined;
      if (!flow) throw new Error('mfaFlow.require() must run before finish()');
      const record = deps.flows.consumeMfaFlow(sha256Hex(flow.flowId), deps.clock.now().getTime());
      removeCookie(ctx);
      if (!isCurrent(record, flow)) throw flowExpired();
    },
    require: (step) => async (ctx, next) => {
      const flow = read(ctx);
      if (!flow || flow.uid !== uidOf(ctx) || flow.step !== step) throw flowExpired();
      if (!isCurrent(deps.flows.findMfaFlow(sha256Hex(flow.flowId), deps.clock.now().getTime()), flow)) {
        throw flowExpired();
      }
      ctx.state.mfaFlow = flow;
      await next();
    },
  };
}
