import type { Clock } from '@extauth/server-kit/clock';
import type { Sealer } from '@extauth/server-kit/crypto';
import { AppError } from '@extauth/server-kit/errors';
import { idpMessages } from '@extauth/shared/idp-messages';
import type { Context, Middleware } from 'koa';
import { z } from 'zod';
import { uidOf } from './interaction-scope.js';

export const MFA_FLOW_COOKIE = 'idp_mfa_flow';
export const MFA_FLOW_TTL_SECONDS = 15 * 60;

/**
 * Where this browser stands in an MFA step (flows/mfa-enrollment and flows/mfa-challenge): which
 * account, inside which interaction, and, on "Almost There!", the recovery code to show and what
 * ticking the box leads to. Sealed (AES-256-GCM), HttpOnly, 15 minutes: the recovery code in it
 * is readable by nobody, and another browser cannot continue the step.
 */
const base = { accountId: z.string(), uid: z.string().optional(), expiresAt: z.number() };
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
  write(ctx: Context, flow: DistributiveOmit<MfaFlow, 'expiresAt'>): void;
  clear(ctx: Context): void;
  /** Guard: this browser's flow must be alive, belong to the page's interaction and be at `step`. */
  require(step: MfaFlowStep): Middleware;
}

export function mfaFlowOf<S extends MfaFlowStep>(ctx: Context, step: S): Extract<MfaFlow, { step: S }> {
  const flow = ctx.state.mfaFlow as MfaFlow | undefined;
  if (!flow || flow.step !== step) throw new Error(`mfaFlow.require('${step}') must run before this handler`);
  return flow as Extract<MfaFlow, { step: S }>;
}

export function createMfaFlowCookie(deps: { sealer: Sealer; clock: Clock }): MfaFlowCookie {
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
  return {
    write: (ctx, flow) => {
      const expiresAt = deps.clock.now().getTime() + MFA_FLOW_TTL_SECONDS * 1000;
      ctx.cookies.set(
        MFA_FLOW_COOKIE,
        deps.sealer.seal(JSON.stringify({ ...flow, expiresAt }), MFA_FLOW_COOKIE),
        options,
      );
    },
    clear: (ctx) => {
      ctx.cookies.set(MFA_FLOW_COOKIE, '', { ...options, maxAge: 0 });
    },
    require: (step) => async (ctx, next) => {
      const flow = read(ctx);
      if (!flow || flow.uid !== uidOf(ctx) || flow.step !== step) {
        throw new AppError('mfa_flow_expired', idpMessages.mfa_flow_expired, { status: 400 });
      }
      ctx.state.mfaFlow = flow;
      await next();
    },
  };
}
