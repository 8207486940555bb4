import type Router from '@koa/router';
import type { PanelDeps, PanelState } from '../deps.js';
import { PANEL_CSS, renderProviderButtonStyles } from '../views/stylesheet.js';
import { routes } from './routes.js';

export function registerStaticRoutes(router: Router<PanelState>, deps: PanelDeps): void {
  router.get(routes.stylesheet, (ctx) => {
    ctx.type = 'text/css; charset=utf-8';
    ctx.set('Cache-Control', 'public, max-age=3600');
    ctx.body = PANEL_CSS;
  });
  // Not cached: display configurations will change at run time (WHM API, issue 5).
  router.get(routes.providerButtonStyles, (ctx) => {
    ctx.type = 'text/css; charset=utf-8';
    ctx.set('Cache-Control', 'no-cache');
    ctx.body = renderProviderButtonStyles(deps.providers.listProviders());
  });
}
