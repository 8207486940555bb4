import type { createCsrf } from '@extauth/server-kit/csrf';
import { parseForm } from '@extauth/server-kit/forms';
import { FORM_UNREADABLE_TEXT } from '@extauth/shared/panel-notices';
import { describeTwoFactorProblem, TWO_FACTOR_ADMIN as T } from '@extauth/shared/two-factor-texts';
import type Router from '@koa/router';
import QRCode from 'qrcode';
import { z } from 'zod';
import {
  generateTfaConfig,
  removeTfaConfigs,
  setTfaConfig,
  setTwoFactorPolicy,
  tfaIssuerFor,
} from '../../accounts/two-factor.js';
import type { PanelContext, PanelDeps, PanelState } from '../../deps.js';
import { buildTfaOtpauthUri } from '../../domain/totp.js';
import { parseFormBody } from '../../http/form-encoding.js';
import { paths, routes } from '../../http/routes.js';
import { authenticatedSession } from '../../http/session-cookie.js';
import type { Session } from '../../sessions/session-manager.js';
import { requireRoot, sendHtml } from '../manage-external-auth/admin-access.js';
import { renderMyAccount, renderSetUp } from './my-account.views.js';
import { renderTfaAdminPage, type TfaFrameModel } from './tfa-admin.views.js';
import { tfaFrame } from './tfa-frame.js';

const formBody = parseFormBody({ limit: '16kb' });
type Notice = TfaFrameModel['notices'][number];

function sessionOf(ctx: PanelContext): Session & { username: string } {
  const session = authenticatedSession(ctx);
  if (!session) throw new Error('the secured-area guard let a request without a session through');
  return session;
}

export function renderMyAccountTab(
  ctx: PanelContext,
  deps: PanelDeps,
  status: number,
  notices: readonly Notice[] = [],
): void {
  const frame = tfaFrame(ctx, deps, 'myaccount', notices);
  const body = renderMyAccount({
    configured: deps.twoFactor.findUserConfig(frame.username) !== undefined,
    csrfToken: frame.csrfToken,
    setUpAction: paths.tfaSetUp(frame.securityToken),
    removeAction: paths.tfaRemove(frame.securityToken),
  });
  sendHtml(ctx, status, renderTfaAdminPage(frame, body));
}

/** The set-up page for the secret kept in the session (never taken from the form). */
async function renderSetUpPage(
  ctx: PanelContext,
  deps: PanelDeps,
  secret: string,
  status: number,
  error?: string,
): Promise<void> {
  const frame = tfaFrame(ctx, deps, 'myaccount');
  const otpauthUri = buildTfaOtpauthUri({
    issuer: tfaIssuerFor(deps, frame.username),
    account: frame.username,
    secret,
  });
  const body = renderSetUp({
    qrDataUri: await QRCode.toDataURL(otpauthUri, { errorCorrectionLevel: 'M', margin: 2, width: 220 }),
    account: frame.username,
    secret,
    csrfToken: frame.csrfToken,
    configureAction: paths.tfaConfigure(frame.securityToken),
    cancelHref: paths.tfaMyAccount(frame.securityToken),
    error,
  });
  sendHtml(ctx, status, renderTfaAdminPage(frame, body));
}

/**
 * Manage My Account (§10): "Set Up Two-Factor Authentication" (and "Reconfigure") keeps a new secret
 * in the session and shows it; "Configure Two-Factor Authentication" saves it once a code matches;
 * "Remove Two-Factor Authentication"; and the security policy switch above the tabs, which answers
 * with this tab. Root only, like the API.
 */
export function registerMyAccountRoutes(
  router: Router<PanelState>,
  deps: PanelDeps,
  csrf: ReturnType<typeof createCsrf>,
): void {
  const root = requireRoot();
  router.get(routes.tfaMyAccount, root, (ctx) => renderMyAccountTab(ctx, deps, 200));

  router.post(routes.tfaPolicy, root, formBody, csrf.require, (ctx) => {
    const form = parseForm(z.object({ enabled: z.enum(['0', '1']) }), ctx.request.body);
    if (!form.ok) return renderMyAccountTab(ctx, deps, 400, [{ kind: 'error', text: FORM_UNREADABLE_TEXT }]);
    const enabled = form.data.enabled === '1';
    const result = setTwoFactorPolicy(deps, enabled);
    const notice: Notice = result.ok
      ? { kind: 'success', text: T.policyChanged(enabled) }
      : {
          kind: 'error',
          text: describeTwoFactorProblem({ code: 'policy_update_failed', action: enabled ? 'enable' : 'disable' }),
        };
    renderMyAccountTab(ctx, deps, result.ok ? 200 : 500, [notice]);
  });

  router.post(routes.tfaSetUp, root, formBody, csrf.require, async (ctx) => {
    const session = sessionOf(ctx);
    const { secret } = generateTfaConfig(deps, session.username);
    session.data = { ...session.data, tfaSetup: { secret, createdAt: deps.clock.now().getTime() } };
    deps.sessions.saveSession(session);
    await renderSetUpPage(ctx, deps, secret, 200);
  });

  router.post(routes.tfaConfigure, root, formBody, csrf.require, async (ctx) => {
    const session = sessionOf(ctx);
    const setup = session.data.tfaSetup;
    if (!setup) return renderMyAccountTab(ctx, deps, 400, [{ kind: 'error', text: T.setUpExpired }]);
    const form = parseForm(z.object({ tfa_token: z.string().max(64).default('') }), ctx.request.body);
    const result = setTfaConfig(deps, session.username, {
      secret: setup.secret,
      token: form.ok ? form.data.tfa_token : '',
    });
    if (!result.ok) return renderSetUpPage(ctx, deps, setup.secret, 400, T.setUpFailed);
    session.data = { ...session.data, tfaSetup: undefined };
    deps.sessions.saveSession(session);
    renderMyAccountTab(ctx, deps, 200, [{ kind: 'success', text: T.configured }]);
  });

  router.post(routes.tfaRemove, root, formBody, csrf.require, (ctx) => {
    const session = sessionOf(ctx);
    const { usersModified, failed } = removeTfaConfigs(deps, [session.username]);
    const notice: Notice =
      usersModified.length > 0
        ? { kind: 'success', text: T.removed }
        : { kind: 'error', text: failed[session.username] ?? T.notConfigured };
    renderMyAccountTab(ctx, deps, usersModified.length > 0 ? 200 : 400, [notice]);
  });
}
