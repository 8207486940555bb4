import type { PanelLoginMessageCode } from '@extauth/shared/panel-notices';
import { mayUseWhm } from '../../accounts/accounts.js';
import { linkIdentity } from '../../accounts/authn-links.js';
import type { PanelDeps } from '../../deps.js';
import { isOfferedForLogin } from '../../providers/provider-state.js';
import type { ExternalAuth, PendingLink } from '../../sessions/session-data.js';

export type AccountLinkResult =
  | { ok: true; externalAuth: ExternalAuth }
  | {
      ok: false;
      error:
        | Extract<PanelLoginMessageCode, 'signing_key_unavailable' | 'id_token_failed_verification' | 'invalid_login'>
        | 'openid_access_token_expired';
    };

/**
 * NEED_LINK → ADD_LINK (§5.4, after the local password was accepted): the account must be one that
 * may use WHM (root or a reseller, §5.2 step 8), the provider still offered, the link request not
 * expired; then the stored ID token's signature is verified again against the IdP's keys, and the
 * link is stored keyed by (provider, subject) through the same use case as the API's.
 */
export async function completeAccountLink(
  deps: Pick<PanelDeps, 'providers' | 'relyingParty' | 'links' | 'users' | 'clock' | 'logger'>,
  pending: PendingLink,
  username: string,
): Promise<AccountLinkResult> {
  const provider = deps.providers.findProvider(pending.providerId);
  if (!provider?.client || !isOfferedForLogin(provider, 'whostmgrd') || !mayUseWhm(deps.users.findUser(username))) {
    return { ok: false, error: 'invalid_login' };
  }
  const now = deps.clock.now().getTime();
  if (pending.tokenExpiresAt !== undefined && pending.tokenExpiresAt <= now) {
    return { ok: false, error: 'openid_access_token_expired' };
  }
  const verified = await deps.relyingParty.verifyIdToken(provider.client, pending.idToken, {
    subject: pending.subject,
  });
  if (!verified.ok) {
    deps.logger.warn('openid connect: ID token verification failed before linking', {
      provider: provider.id,
      reason: verified.reason,
      detail: verified.detail,
    });
    return {
      ok: false,
      error:
        verified.reason === 'id_token_failed_verification' ? 'id_token_failed_verification' : 'signing_key_unavailable',
    };
  }
  const linked = linkIdentity(deps, {
    username,
    providerId: provider.id,
    subject: pending.subject,
    preferredUsername: pending.preferredUsername,
  });
  if (!linked.ok) {
    deps.logger.warn('openid connect: link refused', { provider: provider.id, username, problem: linked.problem });
    return { ok: false, error: 'invalid_login' };
  }
  deps.logger.info('openid connect: linked an external identity', { provider: provider.id, username });
  const idTokenExpiry = typeof verified.claims.exp === 'number' ? verified.claims.exp * 1000 : now;
  return {
    ok: true,
    externalAuth: {
      providerId: provider.id,
      subject: pending.subject,
      idToken: pending.idToken,
      tokenExpiresAt: pending.tokenExpiresAt ?? idTokenExpiry,
      authenticatedAt: now,
    },
  };
}
