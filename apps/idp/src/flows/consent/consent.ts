import type { Interaction, Provider } from 'oidc-provider';

/** The data each OpenID scope sends, as the consent page lists it. */
export const SCOPE_DATA: Readonly<Record<string, { label: string; claim: 'email' | 'name' }>> = {
  email: { label: 'Email', claim: 'email' },
  profile: { label: 'Name', claim: 'name' },
};

/**
 * Records the person's consent: adds what the authorization request is missing (scopes, claims,
 * resource scopes) to the interaction's Grant, or to a new one, and returns the grant id to hand
 * back to oidc-provider. The "trust for 365 days" choice is kept by trust.ts.
 */
export async function grantRequestedAccess(provider: Provider, details: Interaction): Promise<string> {
  const accountId = details.session?.accountId;
  const clientId = details.params.client_id;
  if (!accountId || typeof clientId !== 'string') throw new Error('consent prompt without a logged-in session');
  const existing = details.grantId ? await provider.Grant.find(details.grantId) : undefined;
  const grant = existing ?? new provider.Grant({ accountId, clientId });
  const missing = details.prompt.details as {
    missingOIDCScope?: string[];
    missingOIDCClaims?: string[];
    missingResourceScopes?: Record<string, string[]>;
  };
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const [resource, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
    grant.addResourceScope(resource, scopes.join(' '));
  }
  return grant.save();
}
