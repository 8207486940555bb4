import { CSRF_FIELD } from '@extauth/server-kit/csrf';
import { type Html, html } from '@extauth/server-kit/html';
import type { WhmService } from '@extauth/shared/contract';
import { DISPLAY_FIELD_LABELS, MANAGE_EXTERNAL_AUTH as T } from '@extauth/shared/external-auth-texts';
import { fieldError, scrollableTable } from '../../views/whm-frame.js';

export interface ProviderRowModel {
  id: string;
  displayName: string;
  configured: boolean;
  services: readonly { service: WhmService; enabled: boolean }[];
  toggleAction: string;
  configureHref: string;
}

/** §6.1: one row per available provider, a toggle form per service, "Configure". */
export function renderProvidersList(
  rows: readonly ProviderRowModel[],
  services: readonly WhmService[],
  csrfToken: string,
): Html {
  if (rows.length === 0) return html`<p id="no-providers">${T.noProviders}</p>`;
  return scrollableTable(
    T.providerColumn,
    html`<table id="providers">
        <thead><tr><th scope="col">${T.providerColumn}</th>${services.map((s) => html`<th scope="col">${T.statusColumn(s)}</th>`)}<th scope="col"><span class="visually-hidden">${T.configure}</span></th></tr></thead>
        <tbody>
        ${rows.map(
          (row) => html`<tr id="provider-${row.id}">
            <th scope="row">${row.displayName}${row.configured ? '' : html`<div class="muted">${T.notConfigured}</div>`}</th>
            ${row.services.map(
              (s) => html`<td><form class="toggle-form" action="${row.toggleAction}" method="post">
                <input type="hidden" name="${CSRF_FIELD}" value="${csrfToken}">
                <input type="hidden" name="provider_id" value="${row.id}">
                <input type="hidden" name="service_name" value="${s.service}">
                <input type="hidden" name="enabled" value="${s.enabled ? '0' : '1'}">
                <span class="status ${s.enabled ? 'enabled' : 'disabled'}">${s.enabled ? T.enabled : T.disabled}</span>
                ${
                  row.configured
                    ? html`<button type="submit" class="button-secondary" aria-label="${s.enabled ? 'Disable' : 'Enable'} ${row.displayName} for ${s.service}">${s.enabled ? 'Disable' : 'Enable'}</button>`
                    : html`<button type="button" class="button-secondary" disabled title="You cannot enable this provider until you configure it.">Enable</button>`
                }
              </form></td>`,
            )}
            <td><a class="button-secondary" href="${row.configureHref}">${T.configure}</a></td>
          </tr>`,
        )}
        </tbody>
      </table>`,
  );
}

export interface ConfigureModel {
  displayName: string;
  action: string;
  cancelHref: string;
  csrfToken: string;
  values: Record<string, string>;
  redirectUris: readonly string[];
  confirmError: boolean;
}

const field = (id: string, label: string, value: string, options: { required?: boolean; type?: string } = {}) =>
  html`<label for="${id}">${label}</label>
          <input id="${id}" name="${id}" type="${options.type ?? 'text'}" value="${value}"${options.required ? html` required aria-required="true"` : ''}>`;

/** §6.2: Provider Settings, Configure Login Buttons, the read-only Redirect URIs, the checkbox. */
export function renderConfigureForm(m: ConfigureModel): Html {
  return html`<h2>${T.configureHeading(m.displayName)}</h2>
      <form id="configure-provider" class="admin-form" action="${m.action}" method="post">
        <input type="hidden" name="${CSRF_FIELD}" value="${m.csrfToken}">
        <fieldset><legend>${T.providerSettings}</legend>
          ${field('client_id', 'Client ID', m.values.client_id ?? '', { required: true })}
          ${field('client_secret', 'Client Secret', m.values.client_secret ?? '', { required: true, type: 'password' })}
        </fieldset>
        <fieldset><legend>${T.loginButtons}</legend>
          ${field('label', DISPLAY_FIELD_LABELS.label, m.values.label ?? '')}
          ${field('color', DISPLAY_FIELD_LABELS.color, m.values.color ?? '')}
          ${field('textcolor', DISPLAY_FIELD_LABELS.textcolor, m.values.textcolor ?? '')}
          <label for="icon">${DISPLAY_FIELD_LABELS.icon}</label>
          <textarea id="icon" name="icon" rows="3">${m.values.icon ?? ''}</textarea>
          ${field('icon_type', DISPLAY_FIELD_LABELS.icon_type, m.values.icon_type ?? '')}
        </fieldset>
        <fieldset><legend>${T.redirectUris}</legend>
          <ul id="redirect-uris">${m.redirectUris.map((uri) => html`<li><code>${uri}</code></li>`)}</ul>
          <input id="confirm_redirect_uris" name="confirm_redirect_uris" type="checkbox" value="1" required${m.confirmError ? html` aria-invalid="true" aria-describedby="confirm-error" autofocus` : ''}>
          <label for="confirm_redirect_uris" class="inline">${T.confirmUrls}</label>
          ${
            // The error notice above the form ("could not update … This field is required.") is
            // the alert; this line ties the reason to the checkbox.
            fieldError('confirm-error', m.confirmError ? T.required : undefined, { announce: false })
          }
        </fieldset>
        <button type="submit" class="button-primary">${T.save}</button>
        <a class="button-secondary" href="${m.cancelHref}">${T.cancel}</a>
      </form>`;
}
