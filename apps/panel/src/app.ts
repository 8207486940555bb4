import { createCsrf } from '@extauth/server-kit/csrf';
import { errorHandler } from '@extauth/server-kit/error-handler';
import { healthEndpoints, isHealthPath } from '@extauth/server-kit/health';
import { requestLog } from '@extauth/server-kit/request-log';
import { securityHeaders } from '@extauth/server-kit/security-headers';
import Router from '@koa/router';
import Koa from 'koa';
import type { PanelDeps, PanelState } from './deps.js';
import { registerHomeRoutes } from './flows/home/home.routes.js';
import { registerManageProvidersRoutes } from './flows/manage-external-auth/providers.routes.js';
import { registerManageUsersRoutes } from './flows/manage-external-auth/users.routes.js';
import { registerOidcRoutes } from './flows/oidc/oidc.routes.js';
import { registerSignInRoutes } from './flows/sign-in/sign-in.routes.js';
import { guardTwoFactorPrompt } from './flows/two-factor/tfa-prompt.routes.js';
import { registerMyAccountRoutes } from './flows/two-factor-admin/my-account.routes.js';
import { registerTfaAdminRoutes } from './flows/two-factor-admin/tfa-admin.routes.js';
import { registerUserSelectionRoutes } from './flows/user-selection/user-selection.routes.js';
import { refuseInvalidQueryEncoding } from './http/form-encoding.js';
import { routes } from './http/routes.js';
import { guardSecuredArea } from './http/secured-area.js';
import { loadSession } from './http/session-cookie.js';
import { registerStaticRoutes } from './http/static.routes.js';
import { renderErrorPage } from './views/error-page.views.js';
import { registerWhmApiRoutes } from './whm-api/whm-api.routes.js';

/** The panel's Koa app; every side effect comes in through `deps`. */
export function createApp(deps: PanelDeps): Koa<PanelState> {
  const app = new Koa<PanelState>();
  // Cookie names are unique to the panel: browsers share cookies between ports of one host.
  const csrf = createCsrf({ cookieName: 'whm_csrf', secret: deps.csrfSecret });

  app.use(requestLog({ logger: deps.logger, quiet: isHealthPath }));
  app.use(securityHeaders());
  // Probes answer before sessions, CSRF and the secured area, and set no cookie.
  app.use(healthEndpoints(deps.readiness ?? []));
  app.use(errorHandler({ logger: deps.logger, renderHtml: (page) => renderErrorPage(page) }));
  app.use(refuseInvalidQueryEncoding((path) => routes.anyJsonApi.test(path)));
  app.use(csrf.issue);
  app.use(loadSession(deps));
  app.use(guardTwoFactorPrompt(deps, csrf));
  app.use(guardSecuredArea(deps));

  const router = new Router<PanelState>();
  registerStaticRoutes(router, deps);
  registerSignInRoutes(router, deps, csrf);
  registerOidcRoutes(router, deps);
  registerUserSelectionRoutes(router, deps, csrf);
  registerHomeRoutes(router, deps);
  registerWhmApiRoutes(router, deps);
  registerManageProvidersRoutes(router, deps, csrf);
  registerManageUsersRoutes(router, deps, csrf);
  registerMyAccountRoutes(router, deps, csrf);
  registerTfaAdminRoutes(router, deps, csrf);
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}
