import { type Html, html } from '@extauth/server-kit/html';
import { MANAGE_EXTERNAL_AUTH as T } from '@extauth/shared/external-auth-texts';
import { paths } from '../../http/routes.js';
import { renderNotices, renderWhmPage } from '../../views/whm-frame.js';

export interface AdminFrameModel {
  securityToken: string;
  username: string;
  csrfToken: string;
  tab: 'providers' | 'users';
  /** A result of the last action, or a problem to report (a malformed panel.ini). */
  notices: readonly { kind: 'success' | 'error'; text: string }[];
}

/** WHM's frame for Manage External Authentications: breadcrumb, intro, the two tabs, notices. */
export function renderAdminPage(frame: AdminFrameModel, title: string, body: Html): string {
  const tab = (id: AdminFrameModel['tab'], label: string, href: string) =>
    html`<a class="tab${frame.tab === id ? ' active' : ''}" href="${href}"${frame.tab === id ? html` aria-current="page"` : ''}>${label}</a>`;
  return renderWhmPage(
    {
      title,
      securityToken: frame.securityToken,
      username: frame.username,
      csrfToken: frame.csrfToken,
      showSecurityCenter: true,
      current: 'manage-external-auth',
    },
    html`<nav class="breadcrumb" aria-label="Breadcrumb"><a href="${paths.home(frame.securityToken)}">Home</a> » Security Center » ${T.title}</nav>
      <h1>${T.title}</h1>
      <p>${T.intro}</p>
      <nav class="tabs" aria-label="${T.title}">${tab('users', T.usersTab, paths.manageUsers(frame.securityToken))}${tab('providers', T.providersTab, paths.manageProviders(frame.securityToken))}</nav>
      ${renderNotices(frame.notices)}
      ${body}`,
  );
}
