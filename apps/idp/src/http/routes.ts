/**
 * The IdP's own routes (oidc-provider serves its endpoints under the same origin: /auth, /token,
 * /me, /jwks, /session/end, /.well-known/openid-configuration). Links and form actions are built
 * with `idpPaths`, never typed by hand.
 */
export const idpRoutes = Object.freeze({
  interaction: '/interaction/:uid',
  login: '/interaction/:uid/login',
  consent: '/interaction/:uid/consent',
  abort: '/interaction/:uid/abort',
  stylesheet: '/assets/idp.css',
});

const withUid = (uid: string, suffix = '') => `/interaction/${encodeURIComponent(uid)}${suffix}`;

export const idpPaths = Object.freeze({
  interaction: (uid: string) => withUid(uid),
  login: (uid: string) => withUid(uid, '/login'),
  consent: (uid: string) => withUid(uid, '/consent'),
  abort: (uid: string) => withUid(uid, '/abort'),
  /** The version is the stylesheet's content hash, so it can be cached for a year. */
  stylesheet: (version: string) => `${idpRoutes.stylesheet}?v=${encodeURIComponent(version)}`,
});
