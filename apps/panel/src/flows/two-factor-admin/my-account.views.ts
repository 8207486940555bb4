import { type Html, html } from '@extauth/server-kit/html';
import { TWO_FACTOR_ADMIN as T } from '@extauth/shared/two-factor-texts';
import { csrfField } from './tfa-admin.views.js';

export interface MyAccountModel {
  configured: boolean;
  csrfToken: string;
  setUpAction: string;
  removeAction: string;
}

/** Manage My Account: "Set Up Two-Factor Authentication", or "Remove Two-Factor Authentication" and "Reconfigure". */
export function renderMyAccount(m: MyAccountModel): Html {
  if (!m.configured) {
    return html`<section aria-labelledby="tfa-account-heading">
        <h2 id="tfa-account-heading">${T.myAccountTab}</h2>
        <p id="tfa-account-state">${T.notConfigured}</p>
        <form id="tfa-setup-start" action="${m.setUpAction}" method="post">
          ${csrfField(m.csrfToken)}
          <button type="submit" class="button-primary inline-button">${T.setUp}</button>
        </form>
      </section>`;
  }
  return html`<section aria-labelledby="tfa-account-heading">
        <h2 id="tfa-account-heading">${T.myAccountTab}</h2>
        <p id="tfa-account-state">${T.configuredText}</p>
        <div class="button-row">
          <form id="tfa-remove" action="${m.removeAction}" method="post">
            ${csrfField(m.csrfToken)}
            <button type="submit" class="button-secondary">${T.remove}</button>
          </form>
          <form id="tfa-reconfigure" action="${m.setUpAction}" method="post">
            ${csrfField(m.csrfToken)}
            <button type="submit" class="button-secondary">${T.reconfigure}</button>
          </form>
        </div>
      </section>`;
}

export interface SetUpModel {
  /** A `data:image/png;base64,…` URI made by the qrcode package from the otpauth URI. */
  qrDataUri: string;
  account: string;
  secret: string;
  csrfToken: string;
  configureAction: string;
  cancelHref: string;
  error: string | undefined;
}

/** "Set Up Two-Factor Authentication": QR code, *Account*, *Key*, "Security Code", "Configure Two-Factor Authentication". */
export function renderSetUp(m: SetUpModel): Html {
  const describedBy = m.error ? html` aria-describedby="tfa-setup-error" aria-invalid="true" autofocus` : '';
  return html`<section aria-labelledby="tfa-setup-heading">
        <h2 id="tfa-setup-heading">${T.setUp}</h2>
        <p>${T.scanHint}</p>
        <img id="tfa-qr" class="tfa-qr" src="${m.qrDataUri}" alt="${T.qrAlt}" width="220" height="220">
        <dl class="tfa-details">
          <dt>${T.account}</dt><dd id="tfa-account">${m.account}</dd>
          <dt>${T.key}</dt><dd><code id="tfa-key">${m.secret}</code></dd>
        </dl>
        <form id="tfa-configure" class="admin-form" action="${m.configureAction}" method="post">
          ${csrfField(m.csrfToken)}
          <label for="tfa_token">${T.securityCode}</label>
          <input id="tfa_token" name="tfa_token" type="text" inputmode="numeric" autocomplete="one-time-code" maxlength="16" required${describedBy}>
          <button type="submit" class="button-primary">${T.configure}</button>
          <a class="button-secondary" href="${m.cancelHref}">${T.cancel}</a>
          ${m.error ? html`<div id="tfa-setup-error" class="notice error-notice" role="alert">${m.error}</div>` : ''}
        </form>
      </section>`;
}
