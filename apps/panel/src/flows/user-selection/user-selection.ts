import { mayUseWhm } from '../../accounts/accounts.js';
import type { PanelDeps } from '../../deps.js';
import { isOfferedForLogin } from '../../providers/provider-state.js';
import type { ExternalAuth, PendingLink } from '../../sessions/session-data.js';
import type { Session } from '../../sessions/session-manager.js';

export type SelectionChoice = { kind: 'user'; username: string } | { kind: 'link_another' };

export type SelectionOutcome =
  | { kind: 'logged_in'; username: string; externalAuth: ExternalAuth; gotoUri: string }
  | { kind: 'need_link'; pendingLink: PendingLink }
  | { kind: 'failed'; notice: 'expired_session' | 'openid_access_token_expired' | 'openid_communication' }
  | { kind: 'invalid_choice' };

/**
 * SELECT_USER → LOGGED_IN or NEED_LINK (§5.2 step 9, §11). The choice must be one of the accounts
 * offered, still linked to the subject and still allowed in WHM; the stashed tokens must not have
 * expired (§5.2 step 7) and the provider must still be offered.
 */
export function chooseLinkedAccount(
  deps: Pick<PanelDeps, 'providers' | 'links' | 'users' | 'clock'>,
  session: Session | undefined,
  choice: SelectionChoice,
): SelectionOutcome {
  const selection = session?.data.pendingSelection;
  if (!selection) return { kind: 'failed', notice: 'expired_session' };
  const now = deps.clock.now().getTime();
  if (selection.tokenExpiresAt <= now) return { kind: 'failed', notice: 'openid_access_token_expired' };
  const provider = deps.providers.findProvider(selection.providerId);
  if (!provider || !isOfferedForLogin(provider, 'whostmgrd')) return { kind: 'failed', notice: 'openid_communication' };
  if (choice.kind === 'link_another') {
    return {
      kind: 'need_link',
      pendingLink: {
        providerId: selection.providerId,
        subject: selection.subject,
        idToken: selection.idToken,
        preferredUsername: selection.preferredUsername,
        email: selection.email,
        alreadyLinked: true,
        gotoUri: selection.gotoUri,
        tokenExpiresAt: selection.tokenExpiresAt,
      },
    };
  }
  const stillLinked = deps.links.findUsernamesLinkedTo(selection.providerId, selection.subject);
  if (
    !selection.usernames.includes(choice.username) ||
    !stillLinked.includes(choice.username) ||
    !mayUseWhm(deps.users.findUser(choice.username))
  ) {
    return { kind: 'invalid_choice' };
  }
  return {
    kind: 'logged_in',
    username: choice.username,
    gotoUri: selection.gotoUri,
    externalAuth: {
      providerId: selection.providerId,
      subject: selection.subject,
      idToken: selection.idToken,
      tokenExpiresAt: selection.tokenExpiresAt,
      authenticatedAt: now,
    },
  };
}
