import type { AdjustableClock } from '@extauth/server-kit/clock';
import type { Logger } from '@extauth/server-kit/logger';
import { readBody } from '@extauth/server-kit/request-body';
import type { Db } from '@extauth/server-kit/sqlite';
import { type IdpSeed, seedClientSchema, seedFileSchema } from '@extauth/shared/seed';
import { Router } from '@koa/router';
import type { Context, Middleware } from 'koa';
import { z } from 'zod';
import {
  clearAccountMfa,
  deleteAccount,
  describeAccount,
  newAccountPassword,
  revokeAccountAccess,
  setAccountMfa,
  upsertSeedAccount,
} from '../provisioning/accounts.js';
import { applyIdpSeed, resetToSeed, type SeedDeps, SeedRejectedError } from '../provisioning/apply-seed.js';
import type { Account } from '../store/accounts.js';
import type { DemoAccountSeed } from '../store/seed.js';
import { createAccountBody, faultBody, moveClockBody, outboxQuery, rotateKeyBody, setMfaBody } from './admin.schema.js';
import { ADMIN_PREFIX, adminError, adminErrors, parseOrReject, reply, requireAdminToken } from './admin-http.js';
import type { FaultInjector } from './faults.js';
import type { Outbox } from './outbox.js';

export interface AdminSigningKeys {
  list(): { kid: string; signing: boolean; retireAfter: string | undefined }[];
  rotate(graceSeconds: number): Promise<{ kid: string; retireAfter: string }>;
  /** Drops rotated-out keys past their grace period (the sweeper's job; also after the clock moves). */
  sweep(): string[];
}

export interface AdminDeps extends SeedDeps {
  token: string;
  db: Db;
  seed: { demo: DemoAccountSeed; idp: IdpSeed };
  clock: AdjustableClock;
  outbox: Outbox;
  faults: FaultInjector;
  signingKeys: AdminSigningKeys;
  logger: Logger;
}

/** The admin API's route table (ADMIN-API.md documents each with examples). */
export const adminRoutes = Object.freeze({
  accounts: `${ADMIN_PREFIX}/accounts`,
  account: `${ADMIN_PREFIX}/accounts/:email`,
  accountMfa: `${ADMIN_PREFIX}/accounts/:email/mfa`,
  accountRevoke: `${ADMIN_PREFIX}/accounts/:email/revoke`,
  clients: `${ADMIN_PREFIX}/clients`,
  client: `${ADMIN_PREFIX}/clients/:clientId`,
  signingKeys: `${ADMIN_PREFIX}/signing-keys`,
  rotateSigningKey: `${ADMIN_PREFIX}/signing-keys/rotate`,
  reset: `${ADMIN_PREFIX}/reset`,
  seed: `${ADMIN_PREFIX}/seed`,
  outbox: `${ADMIN_PREFIX}/outbox`,
  clock: `${ADMIN_PREFIX}/clock`,
  faults: `${ADMIN_PREFIX}/faults`,
});

function accountOr404(deps: AdminDeps, ctx: Context): Account {
  const email = String(ctx.params.email ?? '');
  const account = deps.accounts.findAccountByEmail(email);
  if (!account) throw adminError(404, 'account_not_found', `No account has the email ${email}.`);
  return account;
}

const clockView = (clock: AdjustableClock) => {
  const now = clock.now();
  return { now: now.toISOString(), offsetSeconds: Math.round((now.getTime() - Date.now()) / 1000) };
};

function accountRoutes(router: Router, deps: AdminDeps): void {
  router.get(adminRoutes.accounts, (ctx) =>
    reply(ctx, 200, { accounts: deps.accounts.listAccounts().map((a) => describeAccount(deps, a)) }),
  );
  router.post(adminRoutes.accounts, async (ctx) => {
    const body = parseOrReject(createAccountBody, ctx.request.body);
    if (deps.accounts.findAccountByEmail(body.email)) {
      throw adminError(409, 'account_exists', `An account with the email ${body.email} exists already.`);
    }
    const password = body.password ?? newAccountPassword(deps);
    const { account } = await upsertSeedAccount(deps, { ...body, password });
    reply(ctx, 201, {
      account: describeAccount(deps, account),
      ...(body.password === undefined ? { password } : {}),
    });
  });
  router.get(adminRoutes.account, (ctx) =>
    reply(ctx, 200, { account: describeAccount(deps, accountOr404(deps, ctx)) }),
  );
  router.delete(adminRoutes.account, (ctx) => {
    deleteAccount(deps, accountOr404(deps, ctx).id);
    reply(ctx, 204);
  });
  router.put(adminRoutes.accountMfa, (ctx) => {
    const account = accountOr404(deps, ctx);
    reply(ctx, 200, setAccountMfa(deps, account, parseOrReject(setMfaBody, ctx.request.body)));
  });
  router.delete(adminRoutes.accountMfa, (ctx) => {
    clearAccountMfa(deps, accountOr404(deps, ctx).id);
    reply(ctx, 204);
  });
  router.post(adminRoutes.accountRevoke, (ctx) => {
    parseOrReject(z.strictObject({}), ctx.request.body);
    const revoked = revokeAccountAccess(deps, accountOr404(deps, ctx).id);
    reply(ctx, 200, { trustRevoked: true, ...revoked });
  });
}

function clientRoutes(router: Router, deps: AdminDeps): void {
  router.get(adminRoutes.clients, (ctx) => reply(ctx, 200, { clients: deps.clients.listClients() }));
  router.post(adminRoutes.clients, async (ctx) => {
    const body = parseOrReject(seedClientSchema, ctx.request.body);
    const existed = deps.clients.findClientMetadata(body.client_id) !== undefined;
    const saved = await deps.clients.saveClient(deps.provider, body, 'admin');
    if (!saved.ok && saved.error === 'STATIC_CLIENT') {
      throw adminError(409, 'client_is_static', `${body.client_id} is the panel's client and cannot be replaced.`);
    }
    if (!saved.ok) throw adminError(400, 'invalid_client_metadata', saved.detail ?? 'The client metadata is invalid.');
    reply(ctx, existed ? 200 : 201, { client: saved.client });
  });
  router.delete(adminRoutes.client, (ctx) => {
    const clientId = String(ctx.params.clientId ?? '');
    if (!deps.clients.removeClient(clientId)) {
      throw adminError(404, 'client_not_found', `No removable client ${clientId} (the panel's cannot be removed).`);
    }
    reply(ctx, 204);
  });
}

function sandboxRoutes(router: Router, deps: AdminDeps): void {
  router.get(adminRoutes.signingKeys, (ctx) => reply(ctx, 200, { keys: deps.signingKeys.list() }));
  router.post(adminRoutes.rotateSigningKey, async (ctx) => {
    const { graceSeconds } = parseOrReject(rotateKeyBody, ctx.request.body);
    const rotated = await deps.signingKeys.rotate(graceSeconds);
    reply(ctx, 200, { ...rotated, keys: deps.signingKeys.list() });
  });
  router.post(adminRoutes.reset, async (ctx) => {
    parseOrReject(z.strictObject({}), ctx.request.body);
    const applied = await resetToSeed(deps, deps.seed);
    deps.outbox.clear();
    deps.faults.clear();
    deps.clock.reset();
    reply(ctx, 200, {
      accounts: applied.accounts.length + 1,
      clients: applied.clients.length,
      removedAccounts: applied.removedAccounts,
    });
  });
  router.post(adminRoutes.seed, async (ctx) => {
    const seed = parseOrReject(seedFileSchema.shape.idp, ctx.request.body);
    try {
      reply(ctx, 200, await applyIdpSeed(deps, seed));
    } catch (err) {
      if (!(err instanceof SeedRejectedError)) throw err;
      throw adminError(400, 'invalid_seed', err.problems.map((p) => `${p.path}: ${p.message}`).join('; '));
    }
  });
  router.get(adminRoutes.outbox, (ctx) => {
    const query = parseOrReject(outboxQuery, ctx.query);
    reply(ctx, 200, { messages: deps.outbox.messagesTo(query.to, query.limit) });
  });
  router.get(adminRoutes.clock, (ctx) => reply(ctx, 200, clockView(deps.clock)));
  router.post(adminRoutes.clock, (ctx) => {
    const body = parseOrReject(moveClockBody, ctx.request.body);
    if ('advanceSeconds' in body) deps.clock.advance(body.advanceSeconds * 1000);
    else if ('set' in body) deps.clock.set(new Date(body.set));
    else deps.clock.reset();
    const dropped = deps.signingKeys.sweep();
    reply(ctx, 200, { ...clockView(deps.clock), droppedSigningKeys: dropped });
  });
  router.get(adminRoutes.faults, (ctx) => reply(ctx, 200, { faults: deps.faults.list() }));
  router.post(adminRoutes.faults, (ctx) => {
    reply(ctx, 201, { fault: deps.faults.add(parseOrReject(faultBody, ctx.request.body)) });
  });
  router.delete(adminRoutes.faults, (ctx) => {
    deps.faults.clear();
    reply(ctx, 204);
  });
}

/**
 * The admin API (only mounted when IDP_ADMIN_TOKEN is set): every `/admin/...` request is answered
 * here in JSON, 401 without the token, 404 for an unknown path; nothing reaches the provider.
 */
export function adminApi(deps: AdminDeps): Middleware {
  const router = new Router();
  accountRoutes(router, deps);
  clientRoutes(router, deps);
  sandboxRoutes(router, deps);
  const guard = requireAdminToken(deps.token);
  const errors = adminErrors(deps.logger);
  // A body that does not decompress, or an unknown Content-Encoding, in this API's own error codes.
  const parse = readBody({ enableTypes: ['json'], jsonLimit: '64kb', encoding: 'utf-8' }, (_ctx, refusal) => {
    throw adminError(
      refusal.status,
      refusal.status === 415 ? 'unsupported_media_type' : 'invalid_request',
      refusal.message,
    );
  });
  // A body in another content type would be ignored, and `{}` is a valid body for several endpoints.
  const json: Middleware = (ctx, next) => {
    const hasContent = (ctx.request.length ?? 0) > 0 || ctx.get('transfer-encoding') !== '';
    if (hasContent && ['POST', 'PUT', 'PATCH'].includes(ctx.method) && !ctx.request.is('json')) {
      throw adminError(415, 'unsupported_media_type', 'Send the body as JSON (Content-Type: application/json).');
    }
    return parse(ctx, next);
  };
  const routes = router.routes();
  const methods = router.allowedMethods({ throw: true });
  const dispatch: Middleware = async (ctx) => {
    await methods(ctx as never, () => routes(ctx as never, async () => {}));
    if (ctx.status === 404 && ctx.body === undefined) {
      throw adminError(404, 'not_found', 'No such admin endpoint (see ADMIN-API.md).');
    }
  };
  return async (ctx, next) => {
    if (ctx.path !== ADMIN_PREFIX && !ctx.path.startsWith(`${ADMIN_PREFIX}/`)) return next();
    await errors(ctx, () => guard(ctx, () => json(ctx, () => dispatch(ctx, next))));
  };
}
