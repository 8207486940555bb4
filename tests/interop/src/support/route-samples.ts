import { idpRoutes } from '@extauth/idp/http/routes';
import type { routes as panelRoutes } from '@extauth/panel/http/routes';

// Concrete paths for every entry of the two apps' route tables, so the browser-security suite
// requests each route (the suite fails when a panel route has no sample here).

export /** Every panel route of the route table, made concrete for a session with security token `token`. */
function panelSamples(token: string): Record<keyof typeof panelRoutes, string[]> {
  const s = `/cpsess${token}`;
  const m = `${s}/scripts2/manage_external_auth`;
  const t = `${s}/scripts7/twofactorauth`;
  return {
    loginPage: ['/'],
    loginSubmit: ['/login/'],
    logout: ['/logout/'],
    stylesheet: ['/styles/whm.css'],
    providerButtonStyles: ['/styles/external-auth-buttons.css'],
    oidcStart: ['/openid_connect/webpros', '/openid_connect/no-such-provider'],
    oidcCallback: ['/openid_connect_callback/webpros', '/openid_connect_callback/webpros?code=x&state=y'],
    jsonApi: ['/json-api/version?api.version=1'],
    securedJsonApi: [`${s}/json-api/version?api.version=1`],
    anyJsonApi: ['/cpsess/json-api/version', '/cpsess0000000000/json-api/version'],
    securedArea: ['/cpsess0000000000/', '/cpsess/', '/cpsessx/scripts2/manage_external_auth'],
    tokenlessSecuredPage: ['/scripts2/manage_external_auth', '/scripts7/twofactorauth/myaccount'],
    home: [`${s}/`],
    securedLogout: [`${s}/logout/`],
    manageRoot: [m, `${m}/`],
    manageProviders: [`${m}/providers`],
    manageToggle: [`${m}/providers/toggle`],
    manageConfigure: [`${m}/providers/webpros`],
    manageUsers: [`${m}/users`],
    manageUser: [`${m}/users/root`],
    manageUnlink: [`${m}/users/root/unlink`],
    tfaMyAccount: [`${t}/myaccount`],
    tfaSetUp: [`${t}/myaccount/setup`],
    tfaConfigure: [`${t}/myaccount/configure`],
    tfaRemove: [`${t}/myaccount/remove`],
    tfaUsers: [`${t}/users`],
    tfaSettings: [`${t}/settings`],
    tfaPolicy: [`${t}/policy`],
  };
}

/** Every IdP route of its route table, with a live interaction's uid. */
export function idpSamples(uid: string): string[] {
  return Object.values(idpRoutes).flatMap((route) =>
    (Array.isArray(route) ? route : [route]).map((p) =>
      p.replace(':uid', encodeURIComponent(uid)).replace(':id', 'no-such-site'),
    ),
  );
}

export const routeMatches = (route: string | RegExp, path: string) => {
  const pathname = path.split('?')[0] ?? path;
  if (route instanceof RegExp) return route.test(pathname);
  return new RegExp(`^${route.replace(/:[a-z]+/g, '[^/]+')}$`).test(pathname);
};
