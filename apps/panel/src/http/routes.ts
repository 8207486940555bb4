import { panelPaths } from '@extauth/shared/contract';

/**
 * The panel's one route table. Public routes are @koa/router paths; authenticated routes live under
 * WHM's security-token prefix `/cpsessNNNNNNNNNN/` (spec §2.4) and are matched by pattern.
 */
export const routes = Object.freeze({
  loginPage: '/',
  loginSubmit: '/login/',
  logout: '/logout/',
  stylesheet: '/styles/whm.css',
  providerButtonStyles: '/styles/external-auth-buttons.css',
  oidcStart: panelPaths.loginStart(':provider'),
  oidcCallback: panelPaths.callback(':provider'),
  jsonApi: '/json-api/:fn',
  securedJsonApi: /^\/cpsess\d{10}\/json-api\/([^/]+)$/,
  /** Every WHM API path, with or without a (valid or not) token prefix: answered in the API's envelope. */
  anyJsonApi: /^\/(cpsess[^/]*\/)?json-api\//,
  /** Any path that claims a security token, valid or not (the session guard's scope). */
  securedArea: /^\/cpsess([^/]*)(\/.*)?$/,
  /** WHM's pages that exist only under the token prefix, asked for without it (§4 `token_missing`). */
  tokenlessSecuredPage: /^\/scripts\d*(\/|$)/,
  home: /^\/cpsess\d{10}\/$/,
  securedLogout: /^\/cpsess\d{10}\/logout\/$/,
  /** WHM » Security Center » Manage External Authentications (§3, §6), root only. */
  manageRoot: /^\/cpsess\d{10}\/scripts2\/manage_external_auth\/?$/,
  manageProviders: /^\/cpsess\d{10}\/scripts2\/manage_external_auth\/providers$/,
  manageToggle: /^\/cpsess\d{10}\/scripts2\/manage_external_auth\/providers\/toggle$/,
  manageConfigure: /^\/cpsess\d{10}\/scripts2\/manage_external_auth\/providers\/([a-z0-9_-]{1,64})$/,
  manageUsers: /^\/cpsess\d{10}\/scripts2\/manage_external_auth\/users$/,
  manageUser: /^\/cpsess\d{10}\/scripts2\/manage_external_auth\/users\/([a-z0-9]{1,16})$/,
  manageUnlink: /^\/cpsess\d{10}\/scripts2\/manage_external_auth\/users\/([a-z0-9]{1,16})\/unlink$/,
  /** WHM » Security Center » Two-Factor Authentication (§3 `scripts7/twofactorauth/myaccount`, §10), root only. */
  tfaMyAccount: /^\/cpsess\d{10}\/scripts7\/twofactorauth\/myaccount$/,
  tfaSetUp: /^\/cpsess\d{10}\/scripts7\/twofactorauth\/myaccount\/setup$/,
  tfaConfigure: /^\/cpsess\d{10}\/scripts7\/twofactorauth\/myaccount\/configure$/,
  tfaRemove: /^\/cpsess\d{10}\/scripts7\/twofactorauth\/myaccount\/remove$/,
  tfaUsers: /^\/cpsess\d{10}\/scripts7\/twofactorauth\/users$/,
  tfaSettings: /^\/cpsess\d{10}\/scripts7\/twofactorauth\/settings$/,
  tfaPolicy: /^\/cpsess\d{10}\/scripts7\/twofactorauth\/policy$/,
});

/** `key=value` pairs in order; `/` stays readable, as in WHM's own links (`?goto_uri=/`). */
function query(params: ReadonlyArray<readonly [string, string]>): string {
  if (params.length === 0) return '';
  const enc = (v: string) => encodeURIComponent(v).replace(/%2F/g, '/');
  return `?${params.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&')}`;
}

export const paths = Object.freeze({
  loginPage: () => routes.loginPage,
  loginSubmit: () => routes.loginSubmit,
  logout: () => routes.logout,
  stylesheet: () => routes.stylesheet,
  providerButtonStyles: () => routes.providerButtonStyles,
  /** The login button's link (§4): WHM's page JS would append goto_uri and goto_app. */
  oidcLoginButton: (provider: string) =>
    `${panelPaths.loginStart(provider)}${query([
      ['user', ''],
      ['theme', ''],
      ['parameterized_form', ''],
    ])}`,
  /** The "Log in to P again." building block of the notices (§4.1). */
  oidcLogInAgain: (provider: string) => `${panelPaths.loginStart(provider)}${query([['goto_uri', '/']])}`,
  oidcCallback: (provider: string) => panelPaths.callback(provider),
  oidcStartWithGoto: (provider: string, gotoUri: string) =>
    `${panelPaths.loginStart(provider)}${query([['goto_uri', gotoUri]])}`,
  home: (securityToken: string) => `/cpsess${securityToken}/`,
  /** The AJAX login's `security_token` (§3): the prefix without its trailing slash. */
  securityTokenPrefix: (securityToken: string) => `/cpsess${securityToken}`,
  /** Inside the token prefix, so another site cannot log the user out with a plain link. */
  securedLogout: (securityToken: string) => `/cpsess${securityToken}/logout/`,
  manageProviders: (token: string) => `/cpsess${token}/scripts2/manage_external_auth/providers`,
  manageToggle: (token: string) => `/cpsess${token}/scripts2/manage_external_auth/providers/toggle`,
  manageConfigure: (token: string, providerId: string) =>
    `/cpsess${token}/scripts2/manage_external_auth/providers/${encodeURIComponent(providerId)}`,
  manageUsers: (token: string) => `/cpsess${token}/scripts2/manage_external_auth/users`,
  manageUser: (token: string, username: string) =>
    `/cpsess${token}/scripts2/manage_external_auth/users/${encodeURIComponent(username)}`,
  manageUnlink: (token: string, username: string) =>
    `/cpsess${token}/scripts2/manage_external_auth/users/${encodeURIComponent(username)}/unlink`,
  manageConfirmUnlink: (token: string, username: string, providerId: string, subject: string) =>
    `/cpsess${token}/scripts2/manage_external_auth/users/${encodeURIComponent(username)}/unlink${query([
      ['provider_id', providerId],
      ['subject', subject],
    ])}`,
  tfaMyAccount: (token: string) => `/cpsess${token}/scripts7/twofactorauth/myaccount`,
  tfaSetUp: (token: string) => `/cpsess${token}/scripts7/twofactorauth/myaccount/setup`,
  tfaConfigure: (token: string) => `/cpsess${token}/scripts7/twofactorauth/myaccount/configure`,
  tfaRemove: (token: string) => `/cpsess${token}/scripts7/twofactorauth/myaccount/remove`,
  tfaUsers: (token: string) => `/cpsess${token}/scripts7/twofactorauth/users`,
  tfaSettings: (token: string) => `/cpsess${token}/scripts7/twofactorauth/settings`,
  tfaPolicy: (token: string) => `/cpsess${token}/scripts7/twofactorauth/policy`,
  /** A relative goto (already checked with `safeGotoUri`) inside the session's token prefix. */
  securedGoto: (securityToken: string, gotoUri: string) => `/cpsess${securityToken}${gotoUri}`,
});

/**
 * A `goto_uri` we may redirect to after login: an absolute path on this host, never `//host`, a
 * backslash or control characters. Anything else means "/".
 */
export function safeGotoUri(candidate: string | undefined): string {
  if (!candidate || candidate.length > 1024) return '/';
  if (!/^\/(?![/\\])[A-Za-z0-9\-._~!$&'()*+,;=:@/?%]*$/.test(candidate)) return '/';
  return candidate;
}
