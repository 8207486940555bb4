import { CSRF_FIELD } from '@extauth/server-kit/csrf';
import { type Html, html } from '@extauth/server-kit/html';
import { TWO_FACTOR_ADMIN as T } from '@extauth/shared/two-factor-texts';
import { paths } from '../../http/routes.js';
import { fieldError, renderNotices, renderWhmPage, scrollableTable } from '../../views/whm-frame.js';

export type TfaTab = 'myaccount' | 'users' | 'settings';

export interface TfaFrameModel {
  securityToken: string;
  username: string;
  csrfToken: string;
  tab: TfaTab;
  policyEnabled: boolean;
  notices: readonly { kind: 'success' | 'error'; text: string }[];
}

export const csrfField = (token: string) => html`<input type="hidden" name="${CSRF_FIELD}" value="${token}">`;

function renderPolicy(frame: TfaFrameModel): Html {
  return html`<section class="tfa-policy" aria-labelledby="tfa-policy-status">
        <p id="tfa-policy-status" class="status ${frame.policyEnabled ? 'enabled' : 'disabled'}">${
          frame.policyEnabled ? T.policyEnabled : T.policyDisabled
        }</p>
        ${frame.policyEnabled ? '' : html`<p class="muted">${T.policyOffHint}</p>`}
        <form id="tfa-policy-form" class="toggle-form" action="${paths.tfaPolicy(frame.securityToken)}" method="post">
          ${csrfField(frame.csrfToken)}
          <input type="hidden" name="enabled" value="${frame.policyEnabled ? '0' : '1'}">
          <button type="submit" class="button-secondary">${frame.policyEnabled ? T.disablePolicy : T.enablePolicy}</button>
        </form>
      </section>`;
}

/** WHM's Two-Factor Authentication frame: breadcrumb, the policy switch, the three tabs, notices. */
export function renderTfaAdminPage(frame: TfaFrameModel, body: Html): string {
  const token = frame.securityToken;
  const tab = (id: TfaTab, label: string, href: string) =>
    html`<a class="tab${frame.tab === id ? ' active' : ''}" href="${href}"${frame.tab === id ? html` aria-current="page"` : ''}>${label}</a>`;
  return renderWhmPage(
    {
      title: T.title,
      securityToken: token,
      username: frame.username,
      csrfToken: frame.csrfToken,
      showSecurityCenter: true,
      current: 'two-factor-auth',
    },
    html`<nav class="breadcrumb" aria-label="Breadcrumb"><a href="${paths.home(token)}">Home</a> » Security Center » ${T.title}</nav>
      <h1>${T.title}</h1>
      ${renderPolicy(frame)}
      <nav class="tabs" aria-label="${T.title}">${tab('myaccount', T.myAccountTab, paths.tfaMyAccount(token))}${tab('users', T.usersTab, paths.tfaUsers(token))}${tab('settings', T.settingsTab, paths.tfaSettings(token))}</nav>
      ${renderNotices(frame.notices)}
      ${body}`,
  );
}

export interface TfaUserRowModel {
  username: string;
  primaryDomain: string;
}

/** Manage Users: the users with 2FA, "Disable" per row, "Disable Selected" and "Disable All". */
export function renderTfaUsers(rows: readonly TfaUserRowModel[], action: string, csrfToken: string): Html {
  if (rows.length === 0) return html`<p id="no-tfa-users">${T.noUsers}</p>`;
  return html`<form id="tfa-users-form" action="${action}" method="post">
        ${csrfField(csrfToken)}
        ${scrollableTable(
          T.usersTab,
          html`<table id="tfa-users">
          <thead><tr><th scope="col">${T.selectColumn}</th><th scope="col">${T.usernameColumn}</th><th scope="col">${T.domainColumn}</th><th scope="col"><span class="visually-hidden">${T.disable}</span></th></tr></thead>
          <tbody>
          ${rows.map(
            (r) =>
              html`<tr id="tfa-user-${r.username}">
            <td><input id="select-${r.username}" type="checkbox" name="selected" value="${r.username}"><label class="visually-hidden" for="select-${r.username}">Select ${r.username}</label></td>
            <td>${r.username}</td><td>${r.primaryDomain}</td>
            <td><button type="submit" class="button-secondary" name="disable_user" value="${r.username}">${T.disable}<span class="visually-hidden"> ${r.username}</span></button></td>
          </tr>`,
          )}
          </tbody>
        </table>`,
        )}
        <p class="tfa-bulk">
          <button type="submit" class="button-secondary" name="bulk" value="selected">${T.disableSelected}</button>
          <button type="submit" class="button-secondary" name="bulk" value="all">${T.disableAll}</button>
        </p>
      </form>`;
}

export interface TfaSettingsModel {
  action: string;
  csrfToken: string;
  issuer: string;
  hostname: string;
  error: string | undefined;
}

/** Settings: the "Issuer" authenticator apps show (≤ 32 characters of `[ a-zA-Z0-9._-]`). */
export function renderTfaSettings(m: TfaSettingsModel): Html {
  const describedBy = m.error ? 'issuer-error issuer-hint' : 'issuer-hint';
  return html`<form id="tfa-settings-form" class="admin-form" action="${m.action}" method="post">
        ${csrfField(m.csrfToken)}
        <fieldset>
          <label for="issuer">${T.issuer}</label>
          <input id="issuer" name="issuer" type="text" maxlength="64" value="${m.issuer}" placeholder="${m.hostname}" aria-describedby="${describedBy}"${m.error ? html` aria-invalid="true" autofocus` : ''}>
          <p id="issuer-hint" class="muted">${T.issuerHint}</p>
          ${
            // WHM's sentence for a refused issuer (the rule in full) takes two lines on a desktop.
            fieldError('issuer-error', m.error, { announce: true, lines: 2 })
          }
        </fieldset>
        <button type="submit" class="button-primary">${T.save}</button>
      </form>`;
}
