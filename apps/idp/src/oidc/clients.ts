import { whmRedirectUris } from '@extauth/shared/contract';
import type { ClientMetadata } from 'oidc-provider';

export interface PanelClientSettings {
  clientId: string;
  clientSecret: string;
  panelHostname: string;
  panelPort: number;
}

/**
 * The WHM-style panel as a confidential client. Registered with `client_secret_post` because the
 * real WHM authenticates that way (spec/whm-external-auth.md §5.2 step 5). `client_secret_basic`
 * works too without any translation: oidc-provider 9 treats the two as interchangeable for a client
 * registered with either (lib/shared/client_auth.js offers both methods whether the secret arrives
 * in the body or in the Authorization header). The HTTP tests hold that behaviour in place.
 */
export function panelClientMetadata(settings: PanelClientSettings): ClientMetadata {
  return {
    client_id: settings.clientId,
    client_secret: settings.clientSecret,
    client_name: panelClientName(settings.panelHostname),
    redirect_uris: whmRedirectUris(settings.panelHostname, settings.panelPort),
    // The panel's root, and its `/logout/`, where it returns after RP-initiated logout (PANEL_IDP_LOGOUT).
    post_logout_redirect_uris: whmRedirectUris(settings.panelHostname, settings.panelPort).flatMap((uri) => [
      `${new URL(uri).origin}/`,
      `${new URL(uri).origin}/logout/`,
    ]),
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_post',
    id_token_signed_response_alg: 'RS256',
  };
}

const panelClientName = (panelHostname: string) => `WHM (${panelHostname})`;

/** The WHM login page, whose "Log in via WebPros" starts a new sign-in request. */
export function panelStartAgain(panel: { hostname: string; port: number }): { href: string; appName: string } {
  return { href: `https://${panel.hostname}:${panel.port}/`, appName: panelClientName(panel.hostname) };
}
