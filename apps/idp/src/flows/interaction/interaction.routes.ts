import { AppError } from '@extauth/server-kit/errors';
import { idpMessages } from '@extauth/shared/idp-messages';
import { Router } from '@koa/router';
import type { IdpDeps } from '../../deps.js';
import { interactionOf, requireInteraction } from '../../http/interaction.js';
import { idpRoutes } from '../../http/routes.js';
import { showConsentPage } from '../consent/consent.routes.js';
import { initialLoginEmail, showLoginPage } from '../login/login.routes.js';

/** Where oidc-provider sends the browser for a prompt: shows the page of the current step. */
export function interactionRoutes(deps: IdpDeps): Router {
  const router = new Router();
  router.get(idpRoutes.interaction, deps.csrf.issue, requireInteraction(deps.provider), async (ctx) => {
    const { prompt } = interactionOf(ctx);
    switch (prompt.name) {
      case 'login':
        showLoginPage(deps, ctx, { email: initialLoginEmail(ctx) });
        return;
      case 'consent':
        await showConsentPage(deps, ctx);
        return;
      default:
        throw new AppError('interaction_wrong_step', idpMessages.interaction_wrong_step, { status: 400 });
    }
  });
  return router;
}
