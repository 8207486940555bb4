import { createPrivateKey, sign } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Middleware } from 'koa';
import type { SigningJwk } from '../oidc/signing-keys.js';
import type { FaultSpec } from './admin.schema.js';

/** oidc-provider's default routes for the two endpoints a relying party calls from its back channel. */
const ENDPOINT_PATHS = { token: '/token', userinfo: '/me' } as const;

export interface PendingFault extends FaultSpec {
  id: number;
  /** Responses still to affect. */
  remaining: number;
}

const b64json = (part: string) =>
  JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
const toB64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * The ID token a relying party must refuse: claims changed and signed again with the real key
 * (so only the changed claim is wrong), or the real token with its signature damaged.
 */
export function corruptIdToken(
  token: string,
  kind: NonNullable<FaultSpec['idToken']>,
  options: { keys: SigningJwk[]; nowSeconds: number },
): string {
  const [h = '', p = '', s = ''] = token.split('.');
  if (kind === 'bad_signature') {
    const signature = Buffer.from(s, 'base64url');
    signature[0] = (signature[0] ?? 0) ^ 0xff;
    return `${h}.${p}.${signature.toString('base64url')}`;
  }
  const header = b64json(h);
  const payload = b64json(p);
  if (kind === 'expired') {
    payload.iat = options.nowSeconds - 2 * 3600;
    payload.exp = options.nowSeconds - 3600;
  } else if (kind === 'wrong_iss') {
    payload.iss = 'https://wrong-issuer.invalid';
  } else {
    payload.aud = 'another-client';
  }
  const key = options.keys.find((k) => k.kid === header.kid);
  if (!key) throw new Error(`no signing key ${String(header.kid)}`);
  const input = `${toB64(header)}.${toB64(payload)}`;
  const signature = sign('sha256', Buffer.from(input), createPrivateKey({ key, format: 'jwk' }));
  return `${input}.${signature.toString('base64url')}`;
}

/**
 * Fault injection for relying parties under test (admin API): the next N answers of the token or
 * userinfo endpoint are delayed, replaced by an OAuth error, or carry a damaged ID token. Sits in
 * front of oidc-provider; with nothing queued it only compares two strings per request.
 */
export function createFaultInjector(options: { keys: () => SigningJwk[] }) {
  let nextId = 1;
  let pending: PendingFault[] = [];

  const take = (endpoint: FaultSpec['endpoint']): PendingFault | undefined => {
    const fault = pending.find((f) => f.endpoint === endpoint);
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) pending = pending.filter((f) => f !== fault);
    return fault;
  };

  const middleware: Middleware = async (ctx, next) => {
    if (pending.length === 0) return next();
    const endpoint =
      ctx.path === ENDPOINT_PATHS.token && ctx.method === 'POST'
        ? 'token'
        : ctx.path === ENDPOINT_PATHS.userinfo && (ctx.method === 'GET' || ctx.method === 'POST')
          ? 'userinfo'
          : undefined;
    const fault = endpoint ? take(endpoint) : undefined;
    if (!fault) return next();
    if (fault.delayMs) await sleep(fault.delayMs);
    if (fault.respond) {
      ctx.status = fault.respond.status;
      ctx.set('Cache-Control', 'no-store');
      if (endpoint === 'userinfo' && fault.respond.status === 401) {
        ctx.set('WWW-Authenticate', `Bearer error="${fault.respond.error}"`);
      }
      ctx.body = {
        error: fault.respond.error,
        ...(fault.respond.error_description ? { error_description: fault.respond.error_description } : {}),
      };
      return;
    }
    await next();
    const body = ctx.body as { id_token?: unknown } | undefined;
    if (fault.idToken && ctx.status === 200 && body && typeof body.id_token === 'string') {
      body.id_token = corruptIdToken(body.id_token, fault.idToken, {
        keys: options.keys(),
        nowSeconds: Math.floor(Date.now() / 1000),
      });
    }
  };

  return {
    middleware,
    add(spec: FaultSpec): PendingFault {
      const fault = { ...spec, id: nextId++, remaining: spec.times };
      pending.push(fault);
      return { ...fault };
    },
    list: (): PendingFault[] => pending.map((f) => ({ ...f })),
    clear: () => {
      pending = [];
    },
  };
}

export type FaultInjector = ReturnType<typeof createFaultInjector>;
