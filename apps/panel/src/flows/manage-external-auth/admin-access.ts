import { AppError } from '@extauth/server-kit/errors';
import { panelIniMalformedText } from '@extauth/shared/external-auth-texts';
import type { Middleware } from 'koa';
import { ROOT_USERNAME } from '../../bootstrap/root-password.js';
import type { PanelContext, PanelDeps, PanelState } from '../../deps.js';
import { authenticatedSession } from '../../http/session-cookie.js';
import type { AdminFrameModel } from './admin-frame.views.js';

/** Manage External Authentications is root's (the Configure tab needs the "all" privilege, §6). */
export function requireRoot(): Middleware<PanelState> {
  return async (ctx, next) => {
    if (authenticatedSession(ctx)?.username !== ROOT_USERNAME) {
      throw new AppError('forbidden', 'Only root may manage external authentications.', { status: 403 });
    }
    await next();
  };
}

export function adminFrame(
  ctx: PanelContext,
  deps: PanelDeps,
  tab: AdminFrameModel['tab'],
  notices: AdminFrameModel['notices'] = [],
): AdminFrameModel {
  const session = authenticatedSession(ctx);
  if (!session) throw new Error('the secured-area guard let a request without a session through');
  const ini = deps.providers.readPanelIni();
  const iniNotice =
    ini.state === 'malformed'
      ? [{ kind: 'error' as const, text: `${panelIniMalformedText(ini.problem)} (${ini.path})` }]
      : [];
  return {
    securityToken: session.securityToken,
    username: session.username,
    csrfToken: ctx.state.csrfToken,
    tab,
    notices: [...iniNotice, ...notices],
  };
}

export function sendHtml(ctx: PanelContext, status: number, body: string): void {
  ctx.status = status;
  ctx.type = 'text/html; charset=utf-8';
  ctx.body = body;
}
