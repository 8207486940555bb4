import type { createCsrf } from '@extauth/server-kit/csrf';
import type { Middleware } from 'koa';
import type { PanelContext, PanelDeps, PanelState } from '../../deps.js';

/** The JSON answer of `POST /login/?login_only=1` (spec §3). */
export type AjaxLoginAnswer =
  | { status: 1; security_token: string; redirect: string; notices: string[] }
  | { status: 0; message: string };

/** WHM's login page JS posts to `/login/?login_only=1` and reads JSON instead of following a redirect. */
export function isAjaxLogin(ctx: PanelContext): boolean {
  return ctx.query.login_only === '1';
}

export function answerAjaxLogin(ctx: PanelContext, status: number, body: AjaxLoginAnswer): void {
  ctx.status = status;
  ctx.type = 'application/json';
  ctx.set('Cache-Control', 'no-store');
  ctx.body = body;
}

/**
 * Login CSRF protection for `POST /login/`. The form needs the synchroniser token. The AJAX variant
 * (`login_only=1`) is also accepted without it when
 * - its `Origin` is the panel's own public origin: only our pages can send that, and every current
 *   browser sends `Origin` on a cross-origin POST (Fetch standard, "append a request `Origin`
 *   header"), so a foreign page is refused (an opaque `Origin: null` too); or
 * - it has no `Origin` and no cookie at all: that is a script such as `curl -d user -d pass`, as WHM
 *   allows, not a browser driven by another site (a browser sends `Origin` with a cross-origin POST,
 *   and one that has seen the panel sends the `whm_csrf` cookie, which then needs the token).
 * Everything else falls back to the token check and gets its 403.
 */
export function requireLoginCsrf(
  deps: Pick<PanelDeps, 'config'>,
  csrf: ReturnType<typeof createCsrf>,
): Middleware<PanelState> {
  return (ctx, next) => {
    if (isAjaxLogin(ctx)) {
      const origin = ctx.get('origin');
      const sameOrigin = origin !== '' && origin === deps.config.publicUrl;
      const script = origin === '' && ctx.get('cookie') === '';
      if (sameOrigin || script) return next();
    }
    return csrf.require(ctx, next);
  };
}
