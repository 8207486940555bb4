import { CSRF_FIELD } from '@extauth/server-kit/csrf';
import { type Html, html } from '@extauth/server-kit/html';
import { MANAGE_EXTERNAL_AUTH as T } from '@extauth/shared/external-auth-texts';
import { paths } from '../../http/routes.js';
import { renderPage } from '../../views/layout.js';

export interface AdminFrameModel {
  securityToken: string;
  username: string;
  csrfToken: string;
  tab: 'providers' | 'users';
  /** A result of the last action, or a problem to report (a malformed panel.ini). */
  notices: readonly { kind: 'success' | 'error'; text: string }[];
}

/** WHM's frame for Manage External Authentications: top bar, breadcrumb, intro, the two tabs. */
export function renderAdminPage(frame: AdminFrameModel, title: string, body: Html): string {
  const tab = (id: AdminFrameModel['tab'], label: string, href: string) =>
    html`<a class="tab${frame.tab === id ? ' active' : ''}" href="${href}"${frame.tab === id ? html` aria-current="page"` : ''}>${label}</a>`;
  return renderPage({
    title,
    bodyClass: 'admin-page',
    body: html`<header class="topbar">
      <a class="brand-mark" href="${paths.home(frame.securityToken)}">WHM</a>
      <span class="spacer"></span>
      <span id="logged-in-user">Logged in as <strong>${frame.username}</strong></span>
      <form id="logout-form" class="logout-form" action="${paths.securedLogout(frame.securityToken)}" method="post">
        <input type="hidden" name="${CSRF_FIELD}" value="${frame.csrfToken}">
        <button id="logout" class="button-link" type="submit">Log out</button>
      </form>
    </header>
    <main class="home-main">
      <nav class="breadcrumb" aria-label="Breadcrumb"><a href="${paths.home(frame.securityToken)}">Home</a> » Security Center » ${T.title}</nav>
      <h1>${T.title}</h1>
      <p>${T.intro}</p>
      <nav class="tabs">${tab('users', T.usersTab, paths.manageUsers(frame.securityToken))}${tab('providers', T.providersTab, paths.manageProviders(frame.securityToken))}</nav>
      ${frame.notices.map(
        (n) =>
          html`<div class="notice ${n.kind}-notice" role="${n.kind === 'error' ? 'alert' : 'status'}">${n.text}</div>`,
      )}
      ${body}
    </main>`,
  });
}
