import { randomToken } from '@extauth/server-kit/crypto';
import * as client from 'openid-client';
import type { PanelDeps } from '../../deps.js';
import { isOfferedForLogin, type ProviderState } from '../../providers/provider-state.js';
import type { Session } from '../../sessions/session-manager.js';
import type { StartQuery } from './oidc.schema.js';
import { buildWhmState } from './whm-state.js';

export type StartOutcome =
  | { ok: true; authorizationUrl: URL; session: Session }
  | { ok: false; notice: 'openid_communication_no_login' };

/**
 * ANON/PREAUTH → IdP (§5.1): reuse the current session or open a pre-auth one, remember the round
 * trip (goto, action, a new external_validation_token, and, unlike WHM, a PKCE verifier and a
 * nonce, all server-side only), then send the browser to the authorization endpoint.
 */
export async function beginExternalLogin(
  deps: Pick<PanelDeps, 'relyingParty' | 'sessions' | 'clock' | 'logger'>,
  existing: Session | undefined,
  provider: ProviderState,
  input: StartQuery,
): Promise<StartOutcome> {
  if (!provider.client || !isOfferedForLogin(provider, 'whostmgrd')) {
    deps.logger.warn(`openid connect: 'whostmgrd' provider '${provider.id}' encountered an error: not enabled`);
    return { ok: false, notice: 'openid_communication_no_login' };
  }
  const externalValidationToken = randomToken(32);
  const pkceCodeVerifier = client.randomPKCECodeVerifier();
  const nonce = client.randomNonce();
  const built = await deps.relyingParty.buildAuthorizationUrl(provider.client, {
    state: buildWhmState('whostmgrd', externalValidationToken),
    nonce,
    codeChallenge: await client.calculatePKCECodeChallenge(pkceCodeVerifier),
  });
  if (!built.ok) {
    deps.logger.warn(`openid connect: 'whostmgrd' provider '${provider.id}' encountered an error: ${built.detail}`);
    return {
      ok: false,
      notice: built.notice === 'openid_communication_no_login' ? built.notice : 'openid_communication_no_login',
    };
  }
  const oidc = {
    providerId: provider.id,
    externalValidationToken,
    pkceCodeVerifier,
    nonce,
    action: input.action,
    gotoUri: input.gotoUri,
    gotoApp: input.gotoApp,
    parameterizedForm: input.parameterizedForm,
    tokenDenied: input.tokenDenied,
    user: input.tokenDenied ? input.user : '',
    startedAt: deps.clock.now().getTime(),
  };
  let session: Session;
  if (existing) {
    // A new round trip replaces any link, selection or 2FA prompt that was waiting: the user starts again.
    existing.data = {
      ...existing.data,
      oidc,
      pendingLink: undefined,
      pendingSelection: undefined,
      pendingTwoFactor: undefined,
    };
    deps.sessions.saveSession(existing);
    session = existing;
  } else {
    session = deps.sessions.startSession(null, { oidc });
  }
  return { ok: true, authorizationUrl: built.url, session };
}
