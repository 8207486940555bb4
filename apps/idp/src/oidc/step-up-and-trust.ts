import type { KoaContextWithOIDC } from 'oidc-provider';
import { interactionPolicy } from 'oidc-provider';
import type { TrustCookies } from '../flows/consent/trust.js';

/** The acr of a login with a second factor (DESIGN.md: "1" password only, "2" with MFA). */
export const ACR_MFA = '2';

/** True when the authorization request asks for the MFA level through `acr_values`. */
export function requestsMfa(acrValues: unknown): boolean {
  return typeof acrValues === 'string' && acrValues.split(' ').includes(ACR_MFA);
}

/**
 * oidc-provider's default prompts, plus one login check: a client asking `acr_values=2` gets the
 * login prompt again when the existing session was made without a second factor (step-up). The
 * login page then leads to "Verify Your Identity", or to enrolment for an account without MFA.
 */
export function stepUpPolicy() {
  const policy = interactionPolicy.base();
  policy.get('login')?.checks.add(
    new interactionPolicy.Check('acr_step_up', 'a second factor is required', (ctx) => {
      const { oidc } = ctx;
      if (!requestsMfa(oidc.params?.acr_values) || oidc.result?.login) return interactionPolicy.Check.NO_NEED_TO_PROMPT;
      return oidc.session?.acr === ACR_MFA
        ? interactionPolicy.Check.NO_NEED_TO_PROMPT
        : interactionPolicy.Check.REQUEST_PROMPT;
    }),
  );
  return policy;
}

/**
 * For a trusted (account, client, redirect hostname), a new grant of exactly what this request
 * asks, so the consent prompt is skipped; undefined otherwise (the dialog is shown).
 */
export async function grantForTrustedSite(ctx: KoaContextWithOIDC, trust: TrustCookies) {
  const { oidc } = ctx;
  const accountId = oidc.session?.accountId;
  const clientId = oidc.client?.clientId;
  const redirectUri = oidc.params?.redirect_uri;
  if (!accountId || !clientId || typeof redirectUri !== 'string') return undefined;
  if (!trust.isTrusted(ctx, { accountId, clientId, hostname: new URL(redirectUri).hostname })) return undefined;
  const grant = new oidc.provider.Grant({ accountId, clientId });
  grant.addOIDCScope([...oidc.requestParamOIDCScopes].join(' '));
  const claims = [...oidc.requestParamClaims];
  if (claims.length > 0) grant.addOIDCClaims(claims);
  await grant.save();
  return grant;
}
