import type { PanelNoticeCode } from '@extauth/shared/panel-notices';
import { mayUseWhm } from '../../accounts/accounts.js';
import type { PanelDeps } from '../../deps.js';
import { isOfferedForLogin, type ProviderState } from '../../providers/provider-state.js';
import type { ExternalAuth, PendingLink, PendingSelection } from '../../sessions/session-data.js';
import { PRE_AUTH_IDLE_TIMEOUT_MS, type Session } from '../../sessions/session-manager.js';
import { choosePreferredUsername } from '../account-linking/preferred-username.js';
import type { CallbackQuery } from './oidc.schema.js';
import { stateMatchesSession } from './whm-state.js';

export type CallbackOutcome =
  | { kind: 'failed'; notice: PanelNoticeCode; detail: string; shownError?: string; status?: number }
  | { kind: 'logged_in'; username: string; externalAuth: ExternalAuth; gotoUri: string }
  | { kind: 'select_user'; pendingSelection: PendingSelection }
  | { kind: 'need_link'; pendingLink: PendingLink };

const failed = (notice: PanelNoticeCode, detail: string): CallbackOutcome => ({ kind: 'failed', notice, detail });

/**
 * VALIDATE (§5.2, in the product's order), then LOGGED_IN, SELECT_USER or NEED_LINK (§11). The round trip is
 * removed from the session before the code is redeemed, so a replayed callback finds none.
 */
export async function completeExternalLogin(
  deps: Pick<PanelDeps, 'relyingParty' | 'sessions' | 'links' | 'users' | 'clock' | 'config'>,
  session: Session | undefined,
  provider: ProviderState,
  query: CallbackQuery,
): Promise<CallbackOutcome> {
  if (query.error !== undefined) {
    const detail = `${query.error}: ${query.errorDescription ?? ''}`;
    if (query.error === 'access_denied') return failed('openid_access_denied', detail);
    // An error parameter arrives in the browser's request, which is all this page can judge: a 400.
    return { kind: 'failed', notice: 'openid_communication', detail, status: 400 };
  }
  if (!query.code) return failed('missing_openid_code', 'no code');
  if (!query.state) return failed('missing_openid_state', 'no state');
  const now = deps.clock.now().getTime();
  const roundTrip = session?.data.oidc;
  if (!session || !roundTrip || now - roundTrip.startedAt > PRE_AUTH_IDLE_TIMEOUT_MS) {
    return failed('expired_session', 'no OpenID Connect request in progress for this session');
  }
  if (
    roundTrip.providerId !== provider.id ||
    !stateMatchesSession(query.state, 'whostmgrd', roundTrip.externalValidationToken)
  ) {
    return failed('invalid_openid_external_validation_token', 'state does not match the session');
  }
  session.data = { ...session.data, oidc: undefined };
  deps.sessions.saveSession(session);
  if (!provider.client || !isOfferedForLogin(provider, 'whostmgrd')) {
    return failed('openid_communication', 'provider no longer enabled');
  }

  if (query.issRepeated) {
    // What the browser brought, not the IdP's failure: a 400, like an `iss` of another issuer.
    return { kind: 'failed', notice: 'openid_provider_misconfigured', detail: 'iss sent more than once', status: 400 };
  }
  const callbackUrl = new URL(deps.config.redirectUri);
  callbackUrl.search = query.rawQuery;
  const exchanged = await deps.relyingParty.exchangeCode(provider.client, callbackUrl, {
    expectedState: query.state,
    pkceCodeVerifier: roundTrip.pkceCodeVerifier,
    expectedNonce: roundTrip.nonce,
  });
  if (!exchanged.ok) {
    const { notice, detail, shownError, badCallback } = exchanged;
    return {
      kind: 'failed',
      notice,
      detail,
      ...(shownError !== undefined ? { shownError } : {}),
      ...(badCallback ? { status: 400 } : {}),
    };
  }
  const { tokens } = exchanged;
  const verified = await deps.relyingParty.verifyIdToken(provider.client, tokens.idToken, {
    nonce: roundTrip.nonce,
    subject: tokens.subject,
  });
  if (!verified.ok) {
    const notice = verified.reason === 'communication' ? 'openid_communication' : 'openid_provider_misconfigured';
    return failed(notice, `${verified.reason}: ${verified.detail}`);
  }
  if (tokens.expiresAt <= now) return failed('openid_access_token_expired', 'access token already expired');

  // Keyed by (provider, subject), never by email; then WHM's context filter (§5.2 step 8).
  const usernames = deps.links
    .findUsernamesLinkedTo(provider.id, tokens.subject)
    .filter((u) => mayUseWhm(deps.users.findUser(u)));
  const [onlyUser] = usernames;
  if (roundTrip.action === 'login' && usernames.length === 1 && onlyUser) {
    return {
      kind: 'logged_in',
      username: onlyUser,
      gotoUri: roundTrip.gotoUri,
      externalAuth: {
        providerId: provider.id,
        subject: tokens.subject,
        idToken: tokens.idToken,
        tokenExpiresAt: tokens.expiresAt,
        authenticatedAt: now,
      },
    };
  }

  const userinfo = await deps.relyingParty.fetchUserinfo(provider.client, tokens.accessToken, tokens.subject);
  if (!userinfo.ok) return failed(userinfo.notice, userinfo.detail);
  const email = typeof userinfo.claims.email === 'string' ? userinfo.claims.email : undefined;
  const preferredUsername = choosePreferredUsername(userinfo.claims, tokens.subject);
  if (roundTrip.action === 'login' && usernames.length > 1) {
    return {
      kind: 'select_user',
      pendingSelection: {
        providerId: provider.id,
        subject: tokens.subject,
        idToken: tokens.idToken,
        preferredUsername,
        email,
        usernames,
        tokenExpiresAt: tokens.expiresAt,
        gotoUri: roundTrip.gotoUri,
      },
    };
  }
  return {
    kind: 'need_link',
    pendingLink: {
      providerId: provider.id,
      subject: tokens.subject,
      idToken: tokens.idToken,
      preferredUsername,
      email,
      alreadyLinked: usernames.length > 0,
      gotoUri: roundTrip.gotoUri,
      tokenExpiresAt: tokens.expiresAt,
    },
  };
}
