import { html } from '@extauth/server-kit/html';
import { renderWhmPage, scrollableTable } from '../../views/whm-frame.js';

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
  securityToken: string;
  /** Root sees Security Center (Manage External Authentications, Two-Factor Authentication). */
  isRoot: boolean;
  /** How this session logged in, e.g. "WebPros" or "password". */
  loggedInWith: string;
  linkedIdentities: readonly LinkedIdentityModel[];
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
  const frame = {
    title: 'WHM Home',
    securityToken: model.securityToken,
    username: model.username,
    csrfToken: model.csrfToken,
    showSecurityCenter: model.isRoot,
    current: 'home' as const,
  };
  return renderWhmPage(
    frame,
    html`<h1>WHM Home</h1>
      <section class="whm-box" aria-labelledby="session-heading">
        <h2 id="session-heading">Your session</h2>
        <p>You are logged in as <strong>${model.username}</strong> (signed in with ${model.loggedInWith}).</p>
      </section>
      <section class="whm-box" aria-labelledby="links-heading">
        <h2 id="links-heading">Linked external accounts</h2>
        ${
          rows.length > 0
            ? scrollableTable(
                // Not the section's own name: two landmarks with one name cannot be told apart.
                'Table of linked external accounts',
                html`<table id="linked-accounts">
          <thead><tr><th scope="col">Provider</th><th scope="col">Preferred username</th><th scope="col">Subject</th><th scope="col">Linked</th></tr></thead>
          <tbody>
          ${rows}
          </tbody>
        </table>`,
              )
            : html`<p id="no-linked-accounts">There are no alternative authentication methods for this user.</p>`
        }
      </section>`,
  );
}
