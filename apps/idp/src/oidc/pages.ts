import { raw } from '@extauth/server-kit/html';
import { describeOAuthError, idpMessages } from '@extauth/shared/idp-messages';
import { type ErrorOut, errors, type KoaContextWithOIDC } from 'oidc-provider';
import { renderErrorPage } from '../views/error.views.js';
import type { ViewContext } from '../views/layout.js';
import { renderLoggedOutPage, renderLogoutPage } from '../views/logout.views.js';

/**
 * The pages oidc-provider renders itself, in our layout: its error page (shown when it cannot
 * redirect back, e.g. an unregistered redirect_uri) and the RP-initiated logout pages.
 */
export function providerPages(view: ViewContext) {
  return {
    async renderError(ctx: KoaContextWithOIDC, out: ErrorOut, error: Error) {
      ctx.type = 'text/html; charset=utf-8';
      // The sign-in request behind /auth/:uid is gone (expired, used, or lost): to the person this
      // is the same as an expired interaction page, with the same way to start again.
      if (error instanceof errors.SessionNotFound) {
        ctx.body = renderErrorPage(view, {
          status: ctx.status,
          code: 'interaction_expired',
          message: idpMessages.interaction_expired,
        });
        return;
      }
      // oidc-provider has set the status. Its error_description is written for developers (the
      // sandbox's users), so it is shown as a detail under our sentence; there is never a stack.
      ctx.body = renderErrorPage(view, {
        status: ctx.status,
        code: out.error,
        message: describeOAuthError(out.error),
        detail: out.error_description,
      });
    },

    async logoutSource(ctx: KoaContextWithOIDC, form: string) {
      ctx.type = 'text/html; charset=utf-8';
      // `form` is oidc-provider's own markup: a hidden form with its xsrf token, no script.
      ctx.body = renderLogoutPage(view, { providerForm: raw(form), clientName: ctx.oidc.client?.clientName });
    },

    async postLogoutSuccessSource(ctx: KoaContextWithOIDC) {
      ctx.type = 'text/html; charset=utf-8';
      ctx.body = renderLoggedOutPage(view, { clientName: ctx.oidc.client?.clientName });
    },
  };
}
