import { CSRF_FIELD } from '@extauth/server-kit/csrf';
import { html } from '@extauth/server-kit/html';
import { renderPage } from '../../views/layout.js';

export interface LinkedIdentityModel {
  providerDisplayName: string;
  preferredUsername: string;
  subject: string;
  /** ISO 8601, UTC. */
  linkedAt: string;
}

export interface HomePageModel {
  username: string;
  csrfToken: string;
  logoutAction: string;
  /** How this session logged in, e.g. "WebPros" or "password". */
  loggedInWith: string;
  linkedIdentities: readonly LinkedIdentityModel[];
  /** Security Center » Manage External Authentications, for root only. */
  manageExternalAuthHref: string | undefined;
  /** Security Center » Two-Factor Authentication, for root only. */
  twoFactorAuthHref: string | undefined;
}

function readableUtc(iso: string): string {
  return `${iso.slice(0, 19).replace('T', ' ')} UTC`;
}

/** WHM Home: who is logged in, the external identities linked to the account, and "Log out". */
export function renderHomePage(model: HomePageModel): string {
  const rows = model.linkedIdentities.map(
    (link) => html`<tr>
            <td>${link.providerDisplayName}</td>
            <td class="preferred-username">${link.preferredUsername}</td>
            <td><code class="subject">${link.subject}</code></td>
            <td><time datetime="${link.linkedAt}">${readableUtc(link.linkedAt)}</time></td>
          </tr>`,
  );
  return renderPage({
    title: 'WHM Home',
    bodyClass: 'home-page',
    body: html`<header class="topbar">
      <span class="brand-mark">WHM</span>
      <span class="spacer"></span>
      <span id="logged-in-user">Logged in as <strong>${model.username}</strong></span>
      <form id="logout-form" class="logout-form" action="${model.logoutAction}" method="post">
        <input type="hidden" name="${CSRF_FIELD}" value="${model.csrfToken}">
        <button id="logout" class="button-link" type="submit">Log out</button>
      </form>
    </header>
    <main class="home-main">
      <h1>WHM Home</h1>
      <section aria-labelledby="session-heading">
        <h2 id="session-heading">Your session</h2>
        <p>You are logged in as <strong>${model.username}</strong> (signed in with ${model.loggedInWith}).</p>
      </section>
      ${
        model.manageExternalAuthHref
          ? html`<section aria-labelledby="security-heading">
        <h2 id="security-heading">Security Center</h2>
        <p><a id="manage-external-auth" href="${model.manageExternalAuthHref}">Manage External Authentications</a></p>
        ${model.twoFactorAuthHref ? html`<p><a id="two-factor-auth" href="${model.twoFactorAuthHref}">Two-Factor Authentication</a></p>` : ''}
      </section>`
          : ''
      }
      <section aria-labelledby="links-heading">
        <h2 id="links-heading">Linked external accounts</h2>
        ${
          rows.length > 0
            ? html`<table id="linked-accounts">
          <thead><tr><th scope="col">Provider</th><th scope="col">Preferred username</th><th scope="col">Subject</th><th scope="col">Linked</th></tr></thead>
          <tbody>
          ${rows}
          </tbody>
        </table>`
            : html`<p id="no-linked-accounts">There are no alternative authentication methods for this user.</p>`
        }
      </section>
    </main>`,
  });
}
