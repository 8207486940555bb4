import { parseForm } from '@extauth/server-kit/forms';
import { idpMessages } from '@extauth/shared/idp-messages';
import { Router } from '@koa/router';
import type { Context } from 'koa';
import type { IdpDeps } from '../../deps.js';
import { formBody } from '../../http/form-body.js';
import { finishInteraction, interactionOf, requireInteraction } from '../../http/interaction.js';
import { idpPaths, idpRoutes } from '../../http/routes.js';
import { accountClaims } from '../../oidc/find-account.js';
import { grantRequestedAccess, SCOPE_DATA } from './consent.js';
import { consentFormSchema } from './consent.schema.js';
import { renderConsentPage } from './consent.views.js';

/** Renders "Confirm Sending Data" for the current interaction. */
export async function showConsentPage(deps: IdpDeps, ctx: Context, formError?: string): Promise<void> {
  const details = interactionOf(ctx);
  const { client_id: clientId, redirect_uri: redirectUri, scope } = details.params;
  const account = details.session ? deps.accounts.findAccountById(details.session.accountId) : undefined;
  const client = typeof clientId === 'string' ? await deps.provider.Client.find(clientId) : undefined;
  // oidc-provider validated both before creating the interaction; a gap here is a bug, not input.
  if (!account || !client || typeof redirectUri !== 'string') throw new Error('consent without account or client');
  const claims = accountClaims(account);
  const scopes = typeof scope === 'string' ? scope.split(' ') : [];
  ctx.type = 'text/html; charset=utf-8';
  ctx.body = renderConsentPage(deps.view, {
    action: idpPaths.consent(details.uid),
    cancelAction: idpPaths.abort(details.uid),
    csrfToken: ctx.state.csrfToken as string,
    clientName: client.clientName ?? client.clientId,
    redirectUri,
    hostname: new URL(redirectUri).hostname,
    data: scopes.flatMap((s) => {
      const item = SCOPE_DATA[s];
      return item ? [{ label: item.label, value: claims[item.claim] }] : [];
    }),
    formError,
  });
}

export function consentRoutes(deps: IdpDeps): Router {
  const router = new Router();
  const guards = [formBody(), deps.csrf.issue, deps.csrf.require] as const;

  router.post(idpRoutes.consent, ...guards, requireInteraction(deps.provider, 'consent'), async (ctx) => {
    const form = parseForm(consentFormSchema, ctx.request.body);
    if (!form.ok) {
      ctx.status = 400;
      await showConsentPage(deps, ctx, idpMessages.form_invalid);
      return;
    }
    const details = interactionOf(ctx);
    const grantId = await grantRequestedAccess(deps.provider, details);
    const { client_id: clientId, redirect_uri: redirectUri } = details.params;
    if (
      form.data.trust === 'on' &&
      details.session &&
      typeof clientId === 'string' &&
      typeof redirectUri === 'string'
    ) {
      deps.trust.rememberTrust(ctx, {
        accountId: details.session.accountId,
        clientId,
        hostname: new URL(redirectUri).hostname,
      });
    }
    await finishInteraction(deps.provider, ctx, { consent: { grantId } });
  });

  // "Cancel" (and any later step's way out): the client receives error=access_denied.
  router.post(idpRoutes.abort, ...guards, requireInteraction(deps.provider), async (ctx) => {
    await finishInteraction(deps.provider, ctx, {
      error: 'access_denied',
      error_description: idpMessages.consent_cancelled,
    });
  });

  return router;
}
