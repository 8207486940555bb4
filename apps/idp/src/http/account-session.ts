import type { Clock } from '@extauth/server-kit/clock';
import { sha256Hex } from '@extauth/server-kit/crypto';
import type { Context, Middleware } from 'koa';
import type { RandomSource } from '../domain/random.js';
import { randomTokenFrom } from '../domain/random.js';
import type { AccountSessionStore } from '../store/account-sessions.js';
import type { Account, AccountsStore } from '../store/accounts.js';
import { idpPaths } from './routes.js';

/**
 * The account pages' own signed-in session (cookie `idp_account_session`, random id, stored
 * hashed). We do not reuse oidc-provider's session: creating one outside an authorization request
 * is not part of its API, and keeping them apart means RP-initiated logout ends the OIDC session
 * exactly as the spec says while the account pages behave like any first-party site.
 */
export const ACCOUNT_SESSION_COOKIE = 'idp_account_session';
export const ACCOUNT_SESSION_TTL_SECONDS = 8 * 60 * 60;

const cookieOptions = { httpOnly: true, secure: true, sameSite: 'lax' as const, path: '/', signed: false };

interface SessionDeps {
  accountSessions: AccountSessionStore;
  accounts: AccountsStore;
  clock: Clock;
  random: RandomSource;
}

/**
 * A new session id at every sign-in (no fixation): the id this browser had before, whoever's it was,
 * is ended. The cookie lives as long as the browser session.
 */
export function startAccountSession(
  deps: SessionDeps,
  ctx: Context,
  accountId: string,
  /** A rotated session keeps the end of the one it replaces: a new id is not a longer session. */
  expiresAt?: number,
): void {
  const previous = ctx.cookies.get(ACCOUNT_SESSION_COOKIE);
  if (previous) deps.accountSessions.endAccountSession(sha256Hex(previous));
  const id = randomTokenFrom(deps.random);
  const now = deps.clock.now().getTime();
  deps.accountSessions.startAccountSession({
    idHash: sha256Hex(id),
    accountId,
    createdAt: now,
    expiresAt: expiresAt ?? now + ACCOUNT_SESSION_TTL_SECONDS * 1000,
  });
  ctx.cookies.set(ACCOUNT_SESSION_COOKIE, id, { ...cookieOptions, overwrite: true });
}

/**
 * A privilege change of a signed-in account (new password, MFA turned on or off) gets a new session
 * id, as a sign-in does (decision 013): an id someone read or planted before the change opens
 * nothing after it. Only a browser signed in as that account is rotated; a browser signed in as
 * someone else, or not at all (an enrolment link opened elsewhere), is left as it is. True when
 * rotated.
 */
export function rotateAccountSession(deps: SessionDeps, ctx: Context, accountId: string): boolean {
  const idHash = currentAccountSessionIdHash(ctx);
  const session = idHash ? deps.accountSessions.findAccountSession(idHash, deps.clock.now().getTime()) : undefined;
  if (!session || session.accountId !== accountId) return false;
  startAccountSession(deps, ctx, accountId, session.expiresAt);
  return true;
}

export function endAccountSession(deps: SessionDeps, ctx: Context): void {
  const id = ctx.cookies.get(ACCOUNT_SESSION_COOKIE);
  if (id) deps.accountSessions.endAccountSession(sha256Hex(id));
  ctx.cookies.set(ACCOUNT_SESSION_COOKIE, '', { ...cookieOptions, maxAge: 0, overwrite: true });
}

export function currentAccountSessionIdHash(ctx: Context): string | undefined {
  const id = ctx.cookies.get(ACCOUNT_SESSION_COOKIE);
  return id ? sha256Hex(id) : undefined;
}

/** Guard: the signed-in account in `ctx.state.account`, or a 303 to the account login page. */
export function requireAccountSession(deps: SessionDeps): Middleware {
  return async (ctx, next) => {
    const idHash = currentAccountSessionIdHash(ctx);
    const session = idHash ? deps.accountSessions.findAccountSession(idHash, deps.clock.now().getTime()) : undefined;
    const account = session ? deps.accounts.findAccountById(session.accountId) : undefined;
    if (!account) {
      ctx.status = 303;
      ctx.redirect(idpPaths.loginPage(undefined, 'account_login_required'));
      return;
    }
    ctx.state.account = account;
    await next();
  };
}

export function signedInAccount(ctx: Context): Account {
  const account = ctx.state.account as Account | undefined;
  if (!account) throw new Error('requireAccountSession() must run before this handler');
  return account;
}
