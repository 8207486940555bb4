import type { createCsrf } from '@extauth/server-kit/csrf';
import { parseForm } from '@extauth/server-kit/forms';
import { describeExternalAuthProblem, MANAGE_EXTERNAL_AUTH as T } from '@extauth/shared/external-auth-texts';
import { FORM_UNREADABLE_TEXT } from '@extauth/shared/panel-notices';
import type Router from '@koa/router';
import { z } from 'zod';
import type { PanelContext, PanelDeps, PanelState } from '../../deps.js';
import { parseFormBody } from '../../http/form-encoding.js';
import { paths, routes } from '../../http/routes.js';
import { authenticatedSession } from '../../http/session-cookie.js';
import {
  findAvailableProvider,
  redirectUrisFor,
  setClientConfiguration,
  setDisplayConfiguration,
  setProviderEnabled,
} from '../../providers/provider-admin.js';
import { SERVICE_NAMES } from '../../providers/provider-state.js';
import { adminFrame, requireRoot, sendHtml } from './admin-access.js';
import type { AdminFrameModel } from './admin-frame.views.js';
import { renderAdminPage } from './admin-frame.views.js';
import { renderConfigureForm, renderProvidersList } from './providers.views.js';

const formBody = parseFormBody({ limit: '512kb' });
const toggleSchema = z.object({
  provider_id: z.string().max(64),
  service_name: z.string().max(64),
  enabled: z.enum(['0', '1']),
});
const configureSchema = z.object({
  client_id: z.string().max(1024).default(''),
  client_secret: z.string().max(1024).default(''),
  label: z.string().max(200).default(''),
  color: z.string().max(20).default(''),
  textcolor: z.string().max(20).default(''),
  icon: z
    .string()
    .max(256 * 1024)
    .default(''),
  icon_type: z.string().max(200).default(''),
  confirm_redirect_uris: z.string().optional(),
});

function tokenOf(ctx: PanelContext): string {
  return authenticatedSession(ctx)?.securityToken ?? '';
}

function renderList(ctx: PanelContext, deps: PanelDeps, status: number, notices: AdminFrameModel['notices'] = []) {
  const token = tokenOf(ctx);
  const rows = deps.providers
    .listProviders()
    .filter((p) => p.available)
    .map((p) => ({
      id: p.id,
      displayName: p.displayName,
      configured: p.client !== undefined,
      services: SERVICE_NAMES.map((service) => ({ service, enabled: p.enabledServices.has(service) })),
      toggleAction: paths.manageToggle(token),
      configureHref: paths.manageConfigure(token, p.id),
    }));
  const body = renderProvidersList(rows, SERVICE_NAMES, ctx.state.csrfToken);
  sendHtml(ctx, status, renderAdminPage(adminFrame(ctx, deps, 'providers', notices), T.title, body));
}

function renderConfigure(
  ctx: PanelContext,
  deps: PanelDeps,
  providerId: string,
  options: {
    status: number;
    values?: Record<string, string>;
    notices?: AdminFrameModel['notices'];
    confirmError?: boolean;
  },
) {
  const found = findAvailableProvider(deps, providerId);
  if (!found.ok)
    return renderList(ctx, deps, 404, [{ kind: 'error', text: describeExternalAuthProblem(found.problem) }]);
  const p = found.provider;
  const token = tokenOf(ctx);
  const d = p.display;
  const values = options.values ?? {
    client_id: p.client?.clientId ?? '',
    client_secret: p.client?.clientSecret ?? '',
    label: d.label,
    color: d.color,
    textcolor: d.textcolor,
    icon: d.icon,
    icon_type: d.icon_type,
  };
  const body = renderConfigureForm({
    displayName: p.displayName,
    action: paths.manageConfigure(token, p.id),
    cancelHref: paths.manageProviders(token),
    csrfToken: ctx.state.csrfToken,
    values,
    redirectUris: redirectUrisFor(deps, p.id),
    confirmError: options.confirmError ?? false,
  });
  sendHtml(
    ctx,
    options.status,
    renderAdminPage(adminFrame(ctx, deps, 'providers', options.notices), T.configureHeading(p.displayName), body),
  );
}

/** Providers list, toggles and the Configure page (§6.1, §6.2), on the same use cases as the API. */
export function registerManageProvidersRoutes(
  router: Router<PanelState>,
  deps: PanelDeps,
  csrf: ReturnType<typeof createCsrf>,
): void {
  const root = requireRoot();
  router.get(routes.manageRoot, root, (ctx) => ctx.redirect(paths.manageProviders(tokenOf(ctx))));
  router.get(routes.manageProviders, root, (ctx) => renderList(ctx, deps, 200));

  router.post(routes.manageToggle, root, formBody, csrf.require, (ctx) => {
    const form = parseForm(toggleSchema, ctx.request.body);
    if (!form.ok) return renderList(ctx, deps, 400, [{ kind: 'error', text: FORM_UNREADABLE_TEXT }]);
    const enabled = form.data.enabled === '1';
    const result = setProviderEnabled(deps, {
      providerId: form.data.provider_id,
      service: form.data.service_name,
      enabled,
    });
    const displayName = deps.providers.findProvider(form.data.provider_id)?.displayName ?? form.data.provider_id;
    if (!result.ok) {
      const text = T.toggleFailed(
        enabled ? 'enable' : 'disable',
        displayName,
        form.data.service_name,
        describeExternalAuthProblem(result.problem),
      );
      return renderList(ctx, deps, 400, [{ kind: 'error', text }]);
    }
    const text = (enabled ? T.enabledResult : T.disabledResult)(displayName, result.service);
    deps.logger.info('external auth: provider toggled', {
      provider: result.provider.id,
      service: result.service,
      enabled,
    });
    renderList(ctx, deps, 200, [{ kind: 'success', text }]);
  });

  router.get(routes.manageConfigure, root, (ctx) => {
    renderConfigure(ctx, deps, routes.manageConfigure.exec(ctx.path)?.[1] ?? '', { status: 200 });
  });

  router.post(routes.manageConfigure, root, formBody, csrf.require, (ctx) => {
    const providerId = routes.manageConfigure.exec(ctx.path)?.[1] ?? '';
    const displayName = deps.providers.findProvider(providerId)?.displayName ?? providerId;
    const form = parseForm(configureSchema, ctx.request.body);
    if (!form.ok) {
      return renderConfigure(ctx, deps, providerId, {
        status: 400,
        notices: [{ kind: 'error', text: FORM_UNREADABLE_TEXT }],
      });
    }
    const { confirm_redirect_uris, client_id, client_secret, ...display } = form.data;
    const failed = (text: string, confirmError = false) =>
      renderConfigure(ctx, deps, providerId, {
        status: 400,
        values: { client_id, client_secret, ...display },
        notices: [{ kind: 'error', text: T.saveFailed(displayName, text) }],
        confirmError,
      });
    if (!confirm_redirect_uris) return failed(T.required, true);
    // As the product does, the client configuration is saved with service_name=cpaneld (§6.2).
    const client = setClientConfiguration(deps, {
      providerId,
      service: 'cpaneld',
      configurations: { client_id, client_secret },
    });
    if (!client.ok) return failed(describeExternalAuthProblem(client.problem));
    // The sandbox applies the button settings to every service, so the WHM login page shows them.
    for (const service of SERVICE_NAMES) {
      const shown = setDisplayConfiguration(deps, { providerId, service, configurations: display });
      if (!shown.ok) return failed(describeExternalAuthProblem(shown.problem));
    }
    renderConfigure(ctx, deps, providerId, { status: 200, notices: [{ kind: 'success', text: T.saved(displayName) }] });
  });
}
