import { CSRF_FIELD } from '@extauth/server-kit/csrf';
import { type Html, html } from '@extauth/server-kit/html';
import { paths } from '../../http/routes.js';
import type { PendingSelection } from '../../sessions/session-data.js';

export interface SelectionModel {
  formAction: string;
  usernames: readonly string[];
}

export function selectionModel(selection: PendingSelection): SelectionModel {
  return { formAction: paths.oidcCallback(selection.providerId), usernames: selection.usernames };
}

/**
 * WHM's user-selection screen (§4.2), in place of the login form: one button per linked account
 * (`name=openid_user_selection value=<username>`), then "Link Another Account", which turns the
 * page into the password form with the "connect a new account" banner. No Gravatar: the page
 * loads nothing from other origins.
 */
export function renderSelection(model: SelectionModel, csrfToken: string): Html {
  return html`<section id="user-selection" aria-labelledby="user-selection-heading">
        <h2 id="user-selection-heading" class="selection-heading">Select user from list of linked accounts</h2>
        <form id="user_selection_form" action="${model.formAction}" method="post">
          <input type="hidden" name="${CSRF_FIELD}" value="${csrfToken}">
          ${model.usernames.map(
            (username) =>
              html`<button class="user-tile" type="submit" name="openid_user_selection" value="${username}"><span class="user-avatar" aria-hidden="true">${username.slice(0, 1).toUpperCase()}</span><span>${username}</span></button>`,
          )}
          <button class="user-tile link-another" type="submit" name="link_another_account" value="1">Link Another Account</button>
        </form>
      </section>`;
}
