import { html } from '@extauth/server-kit/html';
import { checkboxField, csrfInput, firstInvalid, formAlert, formNotice, textField } from '../../views/components.js';
import { renderPage, type ViewContext } from '../../views/layout.js';
import { newsletterLabel } from '../signup/signup.views.js';
import type { MfaState } from './account.js';

export interface TrustedSite {
  id: string;
  clientName: string;
  hostname: string;
  revokeAction: string;
}

export interface AccountPageModel {
  csrfToken: string;
  account: {
    name: string;
    email: string;
    emailVerified: boolean;
    newsletter: boolean;
    termsAcceptedAt: Date | undefined;
    termsVersion: string | undefined;
    mfa: MfaState;
  };
  /** Values typed into the name form (after an error) or the current ones. */
  nameValues: { firstName: string; lastName: string };
  trustedSites: readonly TrustedSite[];
  actions: { enrollmentEmail: string; mfa: string; logout: string; name: string; password: string; newsletter: string };
  notice?: string | undefined;
  errors?: {
    name?: { first_name?: string | undefined; last_name?: string | undefined; form?: string | undefined };
    password?: { current_password?: string | undefined; new_password?: string | undefined; form?: string | undefined };
    newsletter?: string | undefined;
    mfa?: string | undefined;
    trust?: string | undefined;
  };
}

const formatTime = (date: Date) => `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

export function renderAccountPage(view: ViewContext, model: AccountPageModel): string {
  const { account, errors = {} } = model;
  const nameFocus = firstInvalid(['first_name', 'last_name'], errors.name);
  const passwordFocus = firstInvalid(['current_password', 'new_password'], errors.password);
  return renderPage(view, {
    title: 'Your account',
    body: html`<h1>Welcome to your ${view.brand} Account!</h1>
      ${formNotice(model.notice)}
      <dl class="facts">
        <dt>Name</dt><dd>${account.name}</dd>
        <dt>Email</dt><dd>${account.email}</dd>
        <dt>Email verified</dt><dd>${account.emailVerified ? 'Yes' : 'No'}</dd>
        <dt>Newsletter</dt><dd>${account.newsletter ? 'Subscribed' : 'Not subscribed'}</dd>
        <dt>Terms of Use</dt><dd>${
          account.termsAcceptedAt
            ? `Accepted on ${formatTime(account.termsAcceptedAt)} (version ${account.termsVersion ?? 'unknown'})`
            : 'Not recorded (account created by the sandbox)'
        }</dd>
      </dl>
      <section class="row" aria-labelledby="mfa-heading">
        <h2 id="mfa-heading">Multi-factor authentication</h2>
        ${account.mfa === 'enabled' ? renderMfaOn(model) : renderMfaOff(model)}
      </section>
      <form method="post" action="${model.actions.logout}">
        ${csrfInput(model.csrfToken)}
        <div class="actions"><button type="submit" class="secondary">Log out</button></div>
      </form>

      <h2>Account settings</h2>
      <section aria-labelledby="name-heading">
        <h3 id="name-heading">Name</h3>
        <form method="post" action="${model.actions.name}" novalidate>
          ${csrfInput(model.csrfToken)}
          ${textField({ id: 'first_name', name: 'first_name', label: 'First name', type: 'text', value: model.nameValues.firstName, autocomplete: 'given-name', error: errors.name?.first_name, autofocus: nameFocus === 'first_name' })}
          ${textField({ id: 'last_name', name: 'last_name', label: 'Last name', type: 'text', value: model.nameValues.lastName, autocomplete: 'family-name', error: errors.name?.last_name, autofocus: nameFocus === 'last_name' })}
          <div class="actions"><button type="submit" class="primary">Save</button></div>
          ${formAlert('name-error', errors.name?.form)}
        </form>
      </section>
      <section aria-labelledby="password-heading">
        <h3 id="password-heading">Password</h3>
        <form method="post" action="${model.actions.password}" novalidate>
          ${csrfInput(model.csrfToken)}
          <input type="text" value="${account.email}" autocomplete="username" hidden>
          ${textField({ id: 'current_password', name: 'current_password', label: 'Current password', type: 'password', autocomplete: 'current-password', error: errors.password?.current_password, autofocus: passwordFocus === 'current_password' })}
          ${textField({ id: 'new_password', name: 'new_password', label: 'New password', type: 'password', autocomplete: 'new-password', error: errors.password?.new_password, autofocus: passwordFocus === 'new_password' })}
          <p class="muted">Changing it logs out every other session and forgets every trusted site.</p>
          <div class="actions"><button type="submit" class="primary">Change password</button></div>
          ${formAlert('password-form-error', errors.password?.form)}
        </form>
      </section>
      <section aria-labelledby="newsletter-heading">
        <h3 id="newsletter-heading">Newsletter</h3>
        <form method="post" action="${model.actions.newsletter}" novalidate>
          ${csrfInput(model.csrfToken)}
          ${checkboxField({ id: 'newsletter', name: 'newsletter', label: newsletterLabel(view.brand), checked: account.newsletter, error: errors.newsletter, autofocus: errors.newsletter !== undefined })}
          <div class="actions"><button type="submit" class="secondary">Save newsletter choice</button></div>
        </form>
      </section>
      <section aria-labelledby="trust-heading">
        <h3 id="trust-heading">Trusted sites</h3>
        ${formAlert('trust-error', errors.trust)}
        ${
          model.trustedSites.length === 0
            ? html`<p class="muted">No trusted sites. Ticking “Trust … for 365 days” on “Confirm Sending Data” adds one here.</p>`
            : html`<ul class="trusted-sites">${model.trustedSites.map(
                (site) => html`<li>${site.clientName} at ${site.hostname}
                  <form method="post" action="${site.revokeAction}">${csrfInput(model.csrfToken)}<button type="submit" class="secondary">Revoke</button></form></li>`,
              )}</ul>`
        }
      </section>`,
  });
}

function renderMfaOff(model: AccountPageModel) {
  return html`<p>Not enabled.</p>
        <form method="post" action="${model.actions.enrollmentEmail}">
          ${csrfInput(model.csrfToken)}
          <button type="submit" class="secondary">Send an enrollment email</button>
        </form>`;
}

/** MFA on: one proof field (password or a current code) for both actions. */
function renderMfaOn(model: AccountPageModel) {
  return html`<p>Enabled. Logins ask for a one-time code from your authenticator app.</p>
        <form method="post" action="${model.actions.mfa}" novalidate>
          ${csrfInput(model.csrfToken)}
          ${textField({ id: 'proof', name: 'proof', label: 'Password or one-time code', type: 'password', autocomplete: 'current-password', error: model.errors?.mfa, autofocus: model.errors?.mfa !== undefined })}
          <p class="muted">Both actions forget every trusted site.</p>
          <div class="actions">
            <button type="submit" class="secondary" name="action" value="regenerate">Regenerate recovery code</button>
            <button type="submit" class="secondary" name="action" value="disable">Turn off multi-factor authentication</button>
          </div>
        </form>`;
}
