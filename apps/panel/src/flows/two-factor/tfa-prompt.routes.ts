import { constantTimeEqual } from '@extauth/server-kit/crypto';
import type { createCsrf } from '@extauth/server-kit/csrf';
import { parseForm } from '@extauth/server-kit/forms';
import { TWO_FACTOR_LOGIN as T } from '@extauth/shared/two-factor-texts';
import type { Middleware } from 'koa';
import { z } from 'zod';
import type { PanelContext, PanelDeps, PanelState } from '../../deps.js';
import { parseFormBody } from '../../http/form-encoding.js';
import { paths, routes, safeGotoUri } from '../../http/routes.js';
import { clearSessionCookie, currentSession, setSessionCookie } from '../../http/session-cookie.js';
import type { PendingTwoFactor } from '../../sessions/session-data.js';
import type { Session } from '../../sessions/session-manager.js';
import { externalLoginStateOf } from '../oidc/external-login-state.js';
import { respondWithLoginPage } from '../sign-in/login-page.js';
import { startLoggedInSession } from '../sign-in/sign-in.js';
import { tfaLockRemainingSeconds, verifyTfaLoginCode } from './tfa-login.js';
import { renderTfaPrompt } from './tfa-prompt.views.js';

const formBody = parseFormBody({ limit: '16kb' });
const tfaFormSchema = z.object({ tfatoken: z.string().max(64).default('') });

type PromptSession = Session & { data: { pendingTwoFactor: PendingTwoFactor } };

function renderPrompt(ctx: PanelContext, session: PromptSession, status: number, error?: string): void {
  ctx.status = status;
  ctx.type = 'text/html; charset=utf-8';
  ctx.body = renderTfaPrompt({
    username: session.data.pendingTwoFactor.username,
    action: paths.home(session.securityToken),
    logoutHref: paths.logout(),
    csrfToken: ctx.state.csrfToken,
    error,
  });
}

const minutesOf = (seconds: number) => Math.max(1, Math.ceil(seconds / 60));

/** 429 with Retry-After: the user is locked, or (`address`) this client address tried too many codes. */
function renderLocked(
  ctx: PanelContext,
  session: PromptSession,
  retryAfterSeconds: number,
  limit: 'user' | 'address' = 'user',
): void {
  ctx.set('Retry-After', String(retryAfterSeconds));
  const minutes = minutesOf(retryAfterSeconds);
  renderPrompt(ctx, session, 429, limit === 'user' ? T.lockedOut(minutes) : T.tooManyFromAddress(minutes));
}

async function submitCode(ctx: PanelContext, deps: PanelDeps, session: PromptSession): Promise<void> {
  const form = parseForm(tfaFormSchema, ctx.request.body);
  const pending = session.data.pendingTwoFactor;
  const outcome = verifyTfaLoginCode(deps, {
    username: pending.username,
    code: form.ok ? form.data.tfatoken : '',
    clientIp: ctx.ip,
  });
  if (outcome.ok) {
    // A fresh id and security token: nothing seen before the code opens the logged-in session.
    const fresh = startLoggedInSession(deps, session, pending.username, {
      ...(pending.externalAuth ? { externalAuth: pending.externalAuth } : {}),
    });
    deps.logger.info('login: security code accepted', { username: pending.username });
    setSessionCookie(ctx, fresh);
    ctx.status = 303;
    ctx.redirect(paths.securedGoto(fresh.securityToken, safeGotoUri(pending.gotoUri)));
    return;
  }
  if (outcome.error === 'locked') return renderLocked(ctx, session, outcome.retryAfterSeconds);
  if (outcome.error === 'too_many_failures') return renderLocked(ctx, session, outcome.retryAfterSeconds, 'address');
  if (outcome.error === 'attempts_exceeded') {
    deps.sessions.destroySession(session);
    clearSessionCookie(ctx);
    ctx.state.sessionLookup = { status: 'none' };
    return respondWithLoginPage(ctx, deps, {
      status: 401,
      notice: {
        type: 'msg_code',
        code: 'tfa_attempts_exceeded',
        providerId: 'webpros',
        minutes: minutesOf(outcome.lockSeconds),
      },
    });
  }
  renderPrompt(ctx, session, 401, T.invalid);
}

/**
 * WHM's 2FA security policy (§10): while a session waits for its security code (TFA_PROMPT), every
 * page under its own `/cpsessN/` prefix shows the prompt, and only a POST to `/cpsessN/` checks a
 * code. The prompt answers 401 (not authenticated yet), or 429 with Retry-After while the user is
 * locked (and to a code sent while the client address is over PANEL_TFA_MAX_FAILURES_PER_IP). API calls, other tokens and other sessions go on to the secured-area guard, which refuses
 * them because the session has no user yet.
 */
export function guardTwoFactorPrompt(deps: PanelDeps, csrf: ReturnType<typeof createCsrf>): Middleware<PanelState> {
  return async (ctx, next) => {
    const match = routes.securedArea.exec(ctx.path);
    const session = currentSession(ctx);
    if (!match || !session || externalLoginStateOf(session) !== 'tfa_prompt' || !session.data.pendingTwoFactor) {
      return next();
    }
    const promptSession = session as PromptSession;
    const token = match[1] ?? '';
    const isApiCall = /^\/cpsess[^/]*\/json-api\//.test(ctx.path);
    if (isApiCall || !/^\d{10}$/.test(token) || !constantTimeEqual(token, session.securityToken)) return next();
    if (ctx.method === 'POST' && routes.home.test(ctx.path)) {
      return formBody(ctx, () => csrf.require(ctx, () => submitCode(ctx, deps, promptSession)));
    }
    const locked = tfaLockRemainingSeconds(deps, promptSession.data.pendingTwoFactor.username);
    if (locked !== undefined) return renderLocked(ctx, promptSession, locked);
    // A page asked for shows the prompt; a request that tried to act is told why nothing happened.
    const reading = ctx.method === 'GET' || ctx.method === 'HEAD';
    renderPrompt(ctx, promptSession, 401, reading ? undefined : T.codeRequired);
  };
}
