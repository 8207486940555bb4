import type { Context } from 'koa';
import type { IdpDeps } from '../deps.js';
import { startAccountSession } from './account-session.js';
import { finishInteraction } from './interaction.js';
import { uidOf } from './interaction-scope.js';
import { idpPaths } from './routes.js';

/**
 * The one way a password (or a verified signup) signs someone in: inside an interaction it
 * finishes oidc-provider's login prompt (once; second factors arrive in issue 4 before this
 * point), otherwise it starts the account pages' session and opens the welcome page.
 */
export async function completeSignIn(deps: IdpDeps, ctx: Context, accountId: string): Promise<void> {
  const uid = uidOf(ctx);
  if (uid !== undefined) {
    await finishInteraction(deps.provider, ctx, { login: { accountId, amr: ['pwd'], acr: '1', remember: true } });
    return;
  }
  startAccountSession(deps, ctx, accountId);
  ctx.status = 303;
  ctx.redirect(idpPaths.account());
}
