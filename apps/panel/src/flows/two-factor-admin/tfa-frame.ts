import { isTwoFactorPolicyEnabled } from '../../accounts/two-factor.js';
import type { PanelContext, PanelDeps } from '../../deps.js';
import { authenticatedSession } from '../../http/session-cookie.js';
import type { TfaFrameModel, TfaTab } from './tfa-admin.views.js';

export function tfaFrame(
  ctx: PanelContext,
  deps: PanelDeps,
  tab: TfaTab,
  notices: TfaFrameModel['notices'] = [],
): TfaFrameModel {
  const session = authenticatedSession(ctx);
  if (!session) throw new Error('the secured-area guard let a request without a session through');
  return {
    securityToken: session.securityToken,
    username: session.username,
    csrfToken: ctx.state.csrfToken,
    tab,
    policyEnabled: isTwoFactorPolicyEnabled(deps),
    notices,
  };
}
