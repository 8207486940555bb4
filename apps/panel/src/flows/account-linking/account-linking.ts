import type { PanelLoginMessageCode } from '@extauth/shared/panel-notices';
import { ROOT_USERNAME } from '../../bootstrap/root-password.js';
import type { PanelDeps } from '../../deps.js';
import { isOfferedForLogin } from '../../providers/provider-state.js';
import type { ExternalAuth, PendingLink } from '../../sessions/session-data.js';

export type AccountLinkResult =
  | { ok: true; externalAuth: ExternalAuth }
  | {
      ok: false;
      error: Extract<
        PanelLoginMessageCode,
        'signing_key_unavailable' | 'id_token_failed_verification' | 'invalid_login'
      >;
    };

/**
 * Which local accounts an external identity may reach in WHM (§5.2 step 8, §13.11): the WebPros
 * admin feature is root-only, so only root qualifies. Resellers join with issue 5.
 */
export function mayUseExternalAuthInWhm(username: string): boolean {
  return username === ROOT_USERNAME;
}

/**
 * NEED_LINK → ADD_LINK (§5.4, after the local password was accepted): verify the stored ID token's
 * signature again against the IdP's keys, then store the link keyed by (provider, subject).
 */
export async function completeAccountLink(
  deps: Pick<PanelDeps, 'providers' | 'relyingParty' | 'links' | 'clock' | 'logger'>,
  pending: PendingLink,
  username: string,
): Promise<AccountLinkResult> {
  const provider = deps.providers.findProvider(pending.providerId);
  if (!provider?.client || !isOfferedForLogin(provider, 'whostmgrd') || !mayUseExternalAuthInWhm(username)) {
    return { ok: false, error: 'invalid_login' };
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
  const now = deps.clock.now().getTime();
  deps.links.linkIdentity({
    providerId: provider.id,
    subject: pending.subject,
    username,
    preferredUsername: pending.preferredUsername,
    linkTime: Math.floor(now / 1000),
  });
  deps.logger.info('openid connect: linked an external identity', { provider: provider.id, username });
  const expiresAt = typeof verified.claims.exp === 'number' ? verified.claims.exp * 1000 : now;
  return {
    ok: true,
    externalAuth: {
      providerId: provider.id,
      subject: pending.subject,
      idToken: pending.idToken,
      tokenExpiresAt: expiresAt,
      authenticatedAt: now,
    },
  };
}
