import type { createCsrf } from '@extauth/server-kit/csrf';
import { parseForm, singleQueryValue } from '@extauth/server-kit/forms';
import { describeExternalAuthProblem, MANAGE_EXTERNAL_AUTH as T } from '@extauth/shared/external-auth-texts';
import type Router from '@koa/router';
import { z } from 'zod';
import { mayUseWhm } from '../../accounts/accounts.js';
import { unlinkIdentity } from '../../accounts/authn-links.js';
import { ROOT_USERNAME } from '../../bootstrap/root-password.js';
import type { PanelContext, PanelDeps, PanelState } from '../../deps.js';
import { parseFormBody } from '../../http/form-encoding.js';
import { paths, routes } from '../../http/routes.js';
import { authenticatedSession } from '../../http/session-cookie.js';
import type { PanelUser } from '../../store/users.store.js';
import { adminFrame, requireRoot, sendHtml } from './admin-access.js';
import { renderAdminPage } from './admin-frame.views.js';
import { renderConfirmUnlink, renderUnlinkResult, renderUserLinks, renderUsersList } from './users.views.js';

const formBody = parseFormBody({ limit: '16kb' });
const unlinkSchema = z.object({ provider_id: z.string().max(64), subject_unique_identifier: z.string().max(255) });

/** The services where an account's external logins apply: WHM for root and resellers, cPanel and Webmail for accounts. */
function servicesOf(user: PanelUser): string {
  if (user.username === ROOT_USERNAME) return 'WHM';
  return [mayUseWhm(user) ? 'WHM' : undefined, 'cPanel', 'Webmail'].filter(Boolean).join(', ');
}

const tokenOf = (ctx: PanelContext) => authenticatedSession(ctx)?.securityToken ?? '';
const displayNameOf = (deps: PanelDeps, id: string) => deps.providers.findProvider(id)?.displayName ?? id;

function renderUserPage(ctx: PanelContext, deps: PanelDeps, username: string): void {
  const token = tokenOf(ctx);
  if (!deps.users.findUser(username)) {
    const text = describeExternalAuthProblem({ code: 'no_access_to_user', username });
    const body = renderUnlinkResult(paths.manageUsers(token));
    sendHtml(ctx, 404, renderAdminPage(adminFrame(ctx, deps, 'users', [{ kind: 'error', text }]), T.title, body));
    return;
  }
  const links = deps.links.listLinksOfUser(username).map((l) => ({
    providerDisplayName: displayNameOf(deps, l.providerId),
    preferredUsername: l.preferredUsername,
    subject: l.subject,
    unlinkHref: paths.manageConfirmUnlink(token, username, l.providerId, l.subject),
  }));
  const body = renderUserLinks(username, links, paths.manageUsers(token));
  sendHtml(ctx, 200, renderAdminPage(adminFrame(ctx, deps, 'users'), T.userHeading(username), body));
}

/** Users tab, per-user page, Confirm Unlink and its result (§6.3), on the same use case as the API. */
export function registerManageUsersRoutes(
  router: Router<PanelState>,
  deps: PanelDeps,
  csrf: ReturnType<typeof createCsrf>,
): void {
  const root = requireRoot();
  router.get(routes.manageUsers, root, (ctx) => {
    const token = tokenOf(ctx);
    const rows = deps.users.listUsers().map((u) => ({
      username: u.username,
      services: servicesOf(u),
      manageHref: paths.manageUser(token, u.username),
    }));
    sendHtml(ctx, 200, renderAdminPage(adminFrame(ctx, deps, 'users'), T.title, renderUsersList(rows)));
  });

  router.get(routes.manageUser, root, (ctx) => renderUserPage(ctx, deps, routes.manageUser.exec(ctx.path)?.[1] ?? ''));

  router.get(routes.manageUnlink, root, (ctx) => {
    const username = routes.manageUnlink.exec(ctx.path)?.[1] ?? '';
    const providerId = singleQueryValue(ctx.query.provider_id) ?? '';
    const subject = singleQueryValue(ctx.query.subject) ?? '';
    const link = deps.links.listLinksOfUser(username).find((l) => l.providerId === providerId && l.subject === subject);
    if (!link) return renderUserPage(ctx, deps, username);
    const token = tokenOf(ctx);
    const body = renderConfirmUnlink({
      providerDisplayName: displayNameOf(deps, providerId),
      providerId,
      subject,
      username,
      action: paths.manageUnlink(token, username),
      cancelHref: paths.manageUser(token, username),
      csrfToken: ctx.state.csrfToken,
    });
    sendHtml(ctx, 200, renderAdminPage(adminFrame(ctx, deps, 'users'), T.confirmUnlinkTitle, body));
  });

  router.post(routes.manageUnlink, root, formBody, csrf.require, (ctx) => {
    const username = routes.manageUnlink.exec(ctx.path)?.[1] ?? '';
    const token = tokenOf(ctx);
    const form = parseForm(unlinkSchema, ctx.request.body);
    const providerId = form.ok ? form.data.provider_id : '';
    const subject = form.ok ? form.data.subject_unique_identifier : '';
    const label = deps.links
      .listLinksOfUser(username)
      .find((l) => l.providerId === providerId && l.subject === subject);
    const result = unlinkIdentity(deps, { username, providerId, subject });
    const displayName = displayNameOf(deps, providerId);
    const pref = result.ok ? result.link.preferredUsername : (label?.preferredUsername ?? subject);
    const notice = result.ok
      ? { kind: 'success' as const, text: T.unlinked(displayName, pref, username) }
      : {
          kind: 'error' as const,
          text: T.unlinkFailed(displayName, pref, username, describeExternalAuthProblem(result.problem)),
        };
    if (result.ok) deps.logger.info('external auth: link removed', { provider: providerId, username });
    const body = renderUnlinkResult(paths.manageUser(token, username));
    sendHtml(ctx, result.ok ? 200 : 400, renderAdminPage(adminFrame(ctx, deps, 'users', [notice]), T.title, body));
  });
}
