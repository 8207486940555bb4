/**
 * The external contract of the sandbox (shared/DESIGN.md): default addresses, the provider's name
 * and the routes both apps rely on. Changing any of these is a breaking change for users.
 */
export const DEFAULT_IDP_PORT = 8443;
export const DEFAULT_PANEL_PORT = 2087;
export const DEFAULT_SMTP_PORT = 1025;
export const DEFAULT_MAILDEV_WEB_PORT = 1080;
export const DEFAULT_PUBLIC_HOSTNAME = 'localhost';

/** WHM's system name of the WebPros provider (`provider_id`). */
export const WEBPROS_PROVIDER_ID = 'webpros';
export const WEBPROS_DISPLAY_NAME = 'WebPros';

/** The WHM services that can use external authentication, with their SSL ports. */
export const WHM_SERVICES = { cpaneld: 2083, whostmgrd: 2087, webmaild: 2096 } as const;
export type WhmService = keyof typeof WHM_SERVICES;

export const panelPaths = {
  loginStart: (provider: string) => `/openid_connect/${provider}`,
  callback: (provider: string) => `/openid_connect_callback/${provider}`,
} as const;

/**
 * The redirect URIs WHM registers for a provider (§6.2 of spec/whm-external-auth.md): cPanel, WHM,
 * Webmail, on the panel's public host name. The IdP registers the same list for the panel's client.
 */
export function whmRedirectUris(publicHostname: string, whmPort: number, provider = WEBPROS_PROVIDER_ID): string[] {
  const ports: number[] = [WHM_SERVICES.cpaneld, whmPort, WHM_SERVICES.webmaild];
  return ports.map((port) => `https://${publicHostname}:${port}${panelPaths.callback(provider)}`);
}
