import { CSRF_FIELD } from '@extauth/server-kit/csrf';
import { type Html, html } from '@extauth/server-kit/html';
import { MANAGE_EXTERNAL_AUTH as T } from '@extauth/shared/external-auth-texts';
import { scrollableTable } from '../../views/whm-frame.js';

export interface UserRowModel {
  username: string;
  services: string;
  manageHref: string;
}

/** §6.3 users list. */
export function renderUsersList(rows: readonly UserRowModel[]): Html {
  if (rows.length === 0) return html`<p id="no-users">${T.noUsers}</p>`;
  return scrollableTable(
    T.usersTab,
    html`<table id="users">
        <thead><tr><th scope="col">${T.usernameColumn}</th><th scope="col">${T.servicesColumn}</th><th scope="col">${T.manageColumn}</th></tr></thead>
        <tbody>
        ${rows.map(
          (r) =>
            html`<tr id="user-${r.username}"><td>${r.username}</td><td>${r.services}</td><td><a href="${r.manageHref}" aria-label="Manage ${r.username}">Manage</a></td></tr>`,
        )}
        </tbody>
      </table>`,
  );
}

export interface UserLinkModel {
  providerDisplayName: string;
  preferredUsername: string;
  subject: string;
  unlinkHref: string;
}

/** §6.3 per-user page: its links, each with "Unlink". */
export function renderUserLinks(username: string, links: readonly UserLinkModel[], backHref: string): Html {
  return html`<h2>${T.userHeading(username)}</h2>
      ${
        links.length === 0
          ? html`<p id="no-links">${T.noLinks}</p>`
          : scrollableTable(
              T.methodColumn,
              html`<table id="user-links">
        <thead><tr><th scope="col">${T.methodColumn}</th><th scope="col"><span class="visually-hidden">${T.unlink}</span></th></tr></thead>
        <tbody>
        ${links.map(
          (l) =>
            html`<tr><td>${l.providerDisplayName} (${l.preferredUsername}) <code class="subject">${l.subject}</code></td><td><a class="button-secondary" href="${l.unlinkHref}">${T.unlink}</a></td></tr>`,
        )}
        </tbody>
      </table>`,
            )
      }
      <p><a href="${backHref}">${T.goBack}</a></p>`;
}

export interface ConfirmUnlinkModel {
  providerDisplayName: string;
  providerId: string;
  subject: string;
  username: string;
  action: string;
  cancelHref: string;
  csrfToken: string;
}

/** The "Confirm Unlink" dialog of §6.3, as a page (no script needed). */
export function renderConfirmUnlink(m: ConfirmUnlinkModel): Html {
  return html`<section role="dialog" aria-labelledby="confirm-unlink-title" class="dialog">
        <h2 id="confirm-unlink-title">${T.confirmUnlinkTitle}</h2>
        <p>${T.confirmUnlinkText(m.providerDisplayName, m.username)}</p>
        <form id="confirm-unlink" action="${m.action}" method="post">
          <input type="hidden" name="${CSRF_FIELD}" value="${m.csrfToken}">
          <input type="hidden" name="provider_id" value="${m.providerId}">
          <input type="hidden" name="subject_unique_identifier" value="${m.subject}">
          <button type="submit" class="button-primary">${T.unlink}</button>
          <a class="button-secondary" href="${m.cancelHref}">${T.cancel}</a>
        </form>
      </section>`;
}

/** The unlink result and "Go Back". */
export function renderUnlinkResult(backHref: string): Html {
  return html`<p><a id="go-back" class="button-secondary" href="${backHref}">${T.goBack}</a></p>`;
}
