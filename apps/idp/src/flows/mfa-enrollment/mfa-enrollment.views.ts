import { html } from '@extauth/server-kit/html';
import { autofocusIf, csrfInput, formAlert, textField } from '../../views/components.js';
import { renderPage, type ViewContext } from '../../views/layout.js';

export interface SecureYourAccountModel {
  action: string;
  csrfToken: string;
  /** A `data:image/png;base64,…` URI (the CSP allows img-src data:). */
  qrDataUri: string;
  secretForDisplay: string;
  codeError?: string | undefined;
}

/** One-time code field shared by enrolment and the challenge; its error is the form's only message. */
export function oneTimeCodeField(error: string | undefined) {
  return textField({
    id: 'code',
    name: 'code',
    label: 'One-time code',
    type: 'text',
    autocomplete: 'one-time-code',
    error,
    autofocus: error !== undefined,
    announceError: true,
  });
}

export function renderSecureYourAccountPage(view: ViewContext, model: SecureYourAccountModel): string {
  return renderPage(view, {
    title: 'Secure Your Account',
    body: html`<h1>Secure Your Account</h1>
      <p>Scan this QR code with an authenticator app (such as Google Authenticator, Microsoft Authenticator or 1Password), then enter the 6-digit code it shows.</p>
      <p class="qr"><img src="${model.qrDataUri}" alt="QR code" width="220" height="220"></p>
      <p>Can’t scan it? Enter this key in the app instead:</p>
      <p><code class="secret" id="totp-secret">${model.secretForDisplay}</code></p>
      <form method="post" action="${model.action}" novalidate>
        ${csrfInput(model.csrfToken)}
        ${oneTimeCodeField(model.codeError)}
        <div class="actions"><button type="submit" class="primary">Continue</button></div>
      </form>`,
  });
}

export interface AlmostThereModel {
  action: string;
  csrfToken: string;
  recoveryCode: string;
  /** Why this page is shown (enrolment, a used recovery code, a regenerated one). */
  intro: string;
  error?: string | undefined;
}

/** "Almost There!": the recovery code, shown once; Continue is refused until the box is ticked. */
export function renderAlmostTherePage(view: ViewContext, model: AlmostThereModel): string {
  return renderPage(view, {
    title: 'Almost There!',
    body: html`<h1>Almost There!</h1>
      <p>${model.intro}</p>
      <p>Your recovery code:</p>
      <p><code class="recovery-code" id="recovery-code">${model.recoveryCode}</code></p>
      <p><button type="button" class="secondary" data-copy-code="recovery-code" data-copy-status="copy-status" hidden>Copy code</button>
        <span class="copy-status" id="copy-status" aria-live="polite"></span></p>
      <p class="muted">Store it somewhere safe, such as a password manager. It is shown only now, and works once: using it issues a new one.</p>
      <form method="post" action="${model.action}" novalidate>
        ${csrfInput(model.csrfToken)}
        <div class="checkbox">
          <input type="checkbox" id="recorded" name="recorded" value="on" required${
            model.error ? html` aria-invalid="true" aria-describedby="recorded-error"` : ''
          }${autofocusIf(model.error !== undefined)}>
          <label for="recorded">I have safely recorded this code</label>
        </div>
        <div class="actions"><button type="submit" class="primary">Continue</button></div>
        ${formAlert('recorded-error', model.error)}
      </form>`,
  });
}
