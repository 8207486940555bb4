import { errorHandler } from '@extauth/server-kit/error-handler';
import { healthEndpoints, isHealthPath, type ReadinessCheck } from '@extauth/server-kit/health';
import { refuseEncodedBodies } from '@extauth/server-kit/request-body';
import { requestLog } from '@extauth/server-kit/request-log';
import { securityHeaders } from '@extauth/server-kit/security-headers';
import { Router } from '@koa/router';
import type { Middleware } from 'koa';
import Koa from 'koa';
import mount from 'koa-mount';
import type { IdpDeps } from './deps.js';
import { accountRoutes } from './flows/account/account.routes.js';
import { accountMfaRoutes } from './flows/account/account-mfa.routes.js';
import { consentRoutes } from './flows/consent/consent.routes.js';
import { emailCodeRoutes } from './flows/email-code/email-code.routes.js';
import { interactionRoutes } from './flows/interaction/interaction.routes.js';
import { loginRoutes } from './flows/login/login.routes.js';
import { mfaChallengeRoutes } from './flows/mfa-challenge/mfa-challenge.routes.js';
import { mfaEnrollmentRoutes } from './flows/mfa-enrollment/mfa-enrollment.routes.js';
import { passwordResetRoutes } from './flows/password-reset/password-reset.routes.js';
import { signupRoutes } from './flows/signup/signup.routes.js';
import { pinHostToIssuer } from './http/issuer-origin.js';
import { idpRoutes } from './http/routes.js';
import type { StaticAsset, Stylesheet } from './http/stylesheet.js';
import { renderErrorPage } from './views/error.views.js';

/**
 * The IdP's Koa app: our interaction pages and assets in front, oidc-provider mounted behind them.
 */
export function createApp(
  deps: IdpDeps & {
    stylesheet: Stylesheet;
    script: StaticAsset;
    /** The admin API and its fault injection (only when IDP_ADMIN_TOKEN is set). */
    admin?: { api: Middleware; faults: Middleware };
    /** What /readyz checks (storage); /healthz and /readyz answer before everything else. */
    readiness?: readonly ReadinessCheck[];
  },
): Koa {
  const app = new Koa();
  // koa-mount runs the provider with this app's ctx, so cookies are signed with these keys; they
  // must be the provider's, or interactionDetails() finds no signed cookie (stack-notes gotcha 1).
  app.keys = deps.provider.keys;

  const assets = new Router();
  assets.get(idpRoutes.stylesheet, deps.stylesheet.serve);
  assets.get(idpRoutes.script, deps.script.serve);

  app.use(requestLog({ logger: deps.logger, quiet: isHealthPath }));
  app.use(securityHeaders({ presetCsp: true }));
  app.use(healthEndpoints(deps.readiness ?? []));
  app.use(errorHandler({ logger: deps.logger, renderHtml: (page) => renderErrorPage(deps.view, page) }));
  if (deps.admin) app.use(deps.admin.api);
  const flows = [
    interactionRoutes(deps),
    loginRoutes(deps),
    signupRoutes(deps),
    emailCodeRoutes(deps),
    passwordResetRoutes(deps),
    consentRoutes(deps),
    accountRoutes(deps),
    accountMfaRoutes(deps),
    mfaEnrollmentRoutes(deps),
    mfaChallengeRoutes(deps),
  ];
  for (const router of [assets, ...flows]) {
    app.use(router.routes());
    app.use(router.allowedMethods());
  }
  if (deps.admin) app.use(deps.admin.faults);
  app.use(pinHostToIssuer(deps.issuer));
  // oidc-provider parses bodies without decompressing them: a gzip body would be read as plain text.
  app.use(refuseEncodedBodies());
  app.use(mount(deps.provider));
  return app;
}
