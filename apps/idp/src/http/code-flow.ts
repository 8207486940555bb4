import type { Clock } from '@extauth/server-kit/clock';
import type { Sealer } from '@extauth/server-kit/crypto';
import { AppError } from '@extauth/server-kit/errors';
import { idpMessages } from '@extauth/shared/idp-messages';
import type { Context, Middleware } from 'koa';
import { z } from 'zod';
import { uidOf } from './interaction-scope.js';

export const CODE_FLOW_COOKIE = 'idp_code_flow';
/** Long enough for a resend or two after the 10-minute code; refreshed on every step. */
export const CODE_FLOW_TTL_SECONDS = 30 * 60;

/**
 * Which address this browser is confirming, for what, and where it goes next. Held in a sealed
 * (AES-GCM), HttpOnly cookie bound to this browser, so the code page needs no id in its URL and
 * another browser cannot continue the flow even with the code.
 */
const codeFlowSchema = z.object({
  purpose: z.enum(['verify_email', 'reset_password']),
  /** As typed (trimmed), for display and for the mail. */
  email: z.string(),
  uid: z.string().optional(),
  step: z.enum(['awaiting_code', 'choosing_password']),
  /** The reset ticket, once the code was right (step choosing_password). */
  ticket: z.string().optional(),
  expiresAt: z.number(),
});
export type CodeFlow = z.output<typeof codeFlowSchema>;

export interface CodeFlowCookie {
  write(ctx: Context, flow: Omit<CodeFlow, 'expiresAt'>): void;
  clear(ctx: Context): void;
  /** Guard: the flow of this browser must exist, be alive, match the page's interaction and be at `step`. */
  require(step: CodeFlow['step']): Middleware;
}

export function codeFlowOf(ctx: Context): CodeFlow {
  const flow = ctx.state.codeFlow as CodeFlow | undefined;
  if (!flow) throw new Error('codeFlow.require() must run before this handler');
  return flow;
}

export function createCodeFlowCookie(deps: { sealer: Sealer; clock: Clock }): CodeFlowCookie {
  const options = { httpOnly: true, secure: true, sameSite: 'lax' as const, path: '/', signed: false, overwrite: true };
  const read = (ctx: Context): CodeFlow | undefined => {
    const sealed = ctx.cookies.get(CODE_FLOW_COOKIE);
    if (!sealed) return undefined;
    try {
      const flow = codeFlowSchema.parse(JSON.parse(deps.sealer.open(sealed, CODE_FLOW_COOKIE)));
      return flow.expiresAt > deps.clock.now().getTime() ? flow : undefined;
    } catch {
      return undefined;
    }
  };
  return {
    write: (ctx, flow) => {
      const expiresAt = deps.clock.now().getTime() + CODE_FLOW_TTL_SECONDS * 1000;
      const sealed = deps.sealer.seal(JSON.stringify({ ...flow, expiresAt }), CODE_FLOW_COOKIE);
      ctx.cookies.set(CODE_FLOW_COOKIE, sealed, options);
    },
    clear: (ctx) => {
      ctx.cookies.set(CODE_FLOW_COOKIE, '', { ...options, maxAge: 0 });
    },
    require: (step) => async (ctx, next) => {
      const flow = read(ctx);
      if (!flow || flow.uid !== uidOf(ctx) || flow.step !== step) {
        throw new AppError('code_flow_expired', idpMessages.code_flow_expired, { status: 400 });
      }
      ctx.state.codeFlow = flow;
      await next();
    },
  };
}
