import type { createCsrf } from '@extauth/server-kit/csrf';
import { parseForm } from '@extauth/server-kit/forms';
import { describeTwoFactorProblem, TWO_FACTOR_ADMIN as T } from '@extauth/shared/two-factor-texts';
import type Router from '@koa/router';
import { z } from 'zod';
import { listTfaUsers, removeTfaConfigs, saveTfaIssuer } from '../../accounts/two-factor.js';
import type { PanelContext, PanelDeps, PanelState } from '../../deps.js';
import { parseFormBody } from '../../http/form-encoding.js';
import { paths, routes } from '../../http/routes.js';
import { authenticatedSession } from '../../http/session-cookie.js';
import { SYSTEM_WIDE_ISSUER_SCOPE } from '../../store/two-factor.store.js';
import { requireRoot, sendHtml } from '../manage-external-auth/admin-access.js';
import { renderTfaAdminPage, renderTfaSettings, renderTfaUsers, type TfaFrameModel } from './tfa-admin.views.js';
import { tfaFrame } from './tfa-frame.js';

const formBody = parseFormBody({ limit: '16kb' });
type Notice = TfaFrameModel['notices'][number];

function renderUsersTab(ctx: PanelContext, deps: PanelDeps, status: number, notices: readonly Notice[] = []): void {
  const frame = tfaFrame(ctx, deps, 'users', notices);
  const listed = listTfaUsers(deps);
  const rows = (listed.ok ? listed.users : []).filter((u) => u.isEnabled);
  const body = renderTfaUsers(rows, paths.tfaUsers(frame.securityToken), frame.csrfToken);
  sendHtml(ctx, status, renderTfaAdminPage(frame, body));
}

function renderSettingsTab(
  ctx: PanelContext,
  deps: PanelDeps,
  status: number,
  options: { notices?: readonly Notice[]; issuer?: string; error?: string } = {},
): void {
  const frame = tfaFrame(ctx, deps, 'settings', options.notices);
  const body = renderTfaSettings({
    action: paths.tfaSettings(frame.securityToken),
    csrfToken: frame.csrfToken,
    issuer: options.issuer ?? deps.twoFactor.findIssuer(SYSTEM_WIDE_ISSUER_SCOPE) ?? '',
    hostname: deps.config.publicHostname,
    error: options.error,
  });
  sendHtml(ctx, status, renderTfaAdminPage(frame, body));
}

const usersFormSchema = z.object({
  disable_user: z.string().max(64).optional(),
  bulk: z.enum(['selected', 'all']).optional(),
});

/** The usernames a Manage Users form names: one row's "Disable", the ticked rows, or every row. */
function usersToDisable(ctx: PanelContext, deps: PanelDeps): string[] | undefined {
  const body = (ctx.request.body ?? {}) as Record<string, unknown>;
  const { selected, ...rest } = body;
  const form = parseForm(usersFormSchema.passthrough(), rest);
  if (!form.ok) return undefined;
  if (form.data.disable_user) return [form.data.disable_user];
  if (form.data.bulk === 'all') {
    const listed = listTfaUsers(deps);
    return listed.ok ? listed.users.filter((u) => u.isEnabled).map((u) => u.username) : [];
  }
  const ticked = Array.isArray(selected) ? selected : selected === undefined ? [] : [selected];
  return ticked.filter((u): u is string => typeof u === 'string' && u.length <= 64);
}

/** The Manage Users and Settings tabs (§10), root only like the API (§8). */
export function registerTfaAdminRoutes(
  router: Router<PanelState>,
  deps: PanelDeps,
  csrf: ReturnType<typeof createCsrf>,
): void {
  const root = requireRoot();
  router.get(routes.tfaUsers, root, (ctx) => renderUsersTab(ctx, deps, 200));
  router.post(routes.tfaUsers, root, formBody, csrf.require, (ctx) => {
    const usernames = usersToDisable(ctx, deps);
    if (!usernames || usernames.length === 0) {
      return renderUsersTab(ctx, deps, 400, [{ kind: 'error', text: T.noneSelected }]);
    }
    const { failed, usersModified } = removeTfaConfigs(deps, usernames);
    const notices: Notice[] = [
      ...(usersModified.length > 0 ? [{ kind: 'success' as const, text: T.usersDisabled(usersModified) }] : []),
      ...Object.values(failed).map((text) => ({ kind: 'error' as const, text })),
    ];
    renderUsersTab(ctx, deps, usersModified.length > 0 ? 200 : 400, notices);
  });

  router.get(routes.tfaSettings, root, (ctx) => renderSettingsTab(ctx, deps, 200));
  router.post(routes.tfaSettings, root, formBody, csrf.require, (ctx) => {
    const form = parseForm(z.object({ issuer: z.string().max(256).default('') }), ctx.request.body);
    const input = form.ok ? form.data.issuer : '';
    const session = authenticatedSession(ctx);
    // A malformed form (the field sent twice, as an array) must not save "" (the default issuer).
    const saved = form.ok ? saveTfaIssuer(deps, session?.username ?? '', input) : { ok: false };
    if (!saved.ok) {
      return renderSettingsTab(ctx, deps, 400, {
        issuer: input,
        error: describeTwoFactorProblem({ code: 'invalid_issuer' }),
      });
    }
    renderSettingsTab(ctx, deps, 200, { notices: [{ kind: 'success', text: T.issuerSaved }] });
  });
}
