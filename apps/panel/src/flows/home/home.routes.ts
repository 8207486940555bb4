import type Router from '@koa/router';
import type { PanelDeps, PanelState } from '../../deps.js';
import { routes } from '../../http/routes.js';
import { authenticatedSession } from '../../http/session-cookie.js';
import { renderHomePage } from './home.views.js';

/** WHM Home at `/cpsessNNNNNNNNNN/`; the secured-area guard has already checked session and token. */
export function registerHomeRoutes(router: Router<PanelState>, deps: PanelDeps): void {
  router.get(routes.home, (ctx) => {
    const session = authenticatedSession(ctx);
    if (!session) throw new Error('the secured-area guard let a request without a session through');
    const displayName = (providerId: string) => deps.providers.findProvider(providerId)?.displayName ?? providerId;
    const external = session.data.externalAuth;
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = renderHomePage({
      username: session.username,
      csrfToken: ctx.state.csrfToken,
      securityToken: session.securityToken,
      isRoot: session.username === 'root',
      loggedInWith: external ? displayName(external.providerId) : 'a password',
      linkedIdentities: deps.links.listLinksOfUser(session.username).map((link) => ({
        providerDisplayName: displayName(link.providerId),
        preferredUsername: link.preferredUsername,
        subject: link.subject,
        linkedAt: new Date(link.linkTime * 1000).toISOString(),
      })),
    });
  });
}
