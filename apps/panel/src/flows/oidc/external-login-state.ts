import type { Session } from '../../sessions/session-manager.js';

/**
 * Where a browser stands in the external login (spec §11; diagram in external-login.md). The
 * callback's validation happens inside one request, so it is a transition here, not a state.
 */
export type ExternalLoginState = 'anonymous' | 'pre_auth' | 'select_user' | 'need_link' | 'tfa_prompt' | 'logged_in';

export function externalLoginStateOf(session: Session | undefined): ExternalLoginState {
  if (!session) return 'anonymous';
  if (session.data.pendingSelection) return 'select_user';
  if (session.data.pendingLink) return 'need_link';
  if (session.username === null && session.data.pendingTwoFactor) return 'tfa_prompt';
  return session.username === null ? 'pre_auth' : 'logged_in';
}
