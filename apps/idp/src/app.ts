import { errorHandler } from '@extauth/server-kit/error-handler';
import { securityHeaders } from '@extauth/server-kit/security-headers';
import { Router } from '@koa/router';
import Koa from 'koa';
import mount from 'koa-mount';
import type { IdpDeps } from './deps.js';
import { consentRoutes } from './flows/consent/consent.routes.js';
import { interactionRoutes } from './flows/interaction/interaction.routes.js';
import { loginRoutes } from './flows/login/login.routes.js';
import { idpRoutes } from './http/routes.js';
import type { Stylesheet } from './http/stylesheet.js';
import { renderErrorPage } from './views/error.views.js';

/**
 * The IdP's Koa app: our interaction pages and assets in front, oidc-provider mounted behind them.
 */
export function createApp(deps: IdpDeps & { stylesheet: Stylesheet }): Koa {
  const app = new Koa();
  // koa-mount runs the provider with this app's ctx, so cookies are signed with these keys; they
  // must be the provider's, or interactionDetails() finds no signed cookie (stack-notes gotcha 1).
  app.keys = deps.provider.keys;

  const assets = new Router();
  assets.get(idpRoutes.stylesheet, deps.stylesheet.serve);

  app.use(securityHeaders({ presetCsp: true }));
  app.use(errorHandler({ logger: deps.logger, renderHtml: (page) => renderErrorPage(deps.view, page) }));
  for (const router of [assets, interactionRoutes(deps), loginRoutes(deps), consentRoutes(deps)]) {
    app.use(router.routes());
    app.use(router.allowedMethods());
  }
  app.use(mount(deps.provider));
  return app;
}
