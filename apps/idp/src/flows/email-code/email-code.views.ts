import { html } from '@extauth/server-kit/html';
import { autofocusIf, csrfInput, formAlert, formNotice } from '../../views/components.js';
import { renderPage, type ViewContext } from '../../views/layout.js';

export interface EmailCodePageModel {
  action: string;
  resendHref: string;
  csrfToken: string;
  purpose: 'verify_email' | 'reset_password';
  email: string;
  notice?: string | undefined;
  formError?: string | undefined;
}

const ERROR_ID = 'code-error';
const DIGITS = [1, 2, 3, 4, 5, 6] as const;

/**
 * Six single-digit boxes in one group named "Verification code" (the script moves the focus,
 * spreads a pasted code over them and hides the plain field), and a plain `code` field so the
 * page works without JavaScript; the server accepts either.
 */
export function renderEmailCodePage(view: ViewContext, model: EmailCodePageModel): string {
  const invalid = model.formError ? html` aria-invalid="true" aria-describedby="${ERROR_ID}"` : '';
  const intro =
    model.purpose === 'verify_email'
      ? html`We sent a 6-digit code to <strong>${model.email}</strong>. Enter it to confirm your email address.`
      : html`If an account uses <strong>${model.email}</strong>, we sent a 6-digit code to it. Enter it to choose a new password.`;
  return renderPage(view, {
    title: 'Check your email',
    body: html`<h1>Check your email</h1>
      <p>${intro}</p>
      ${formNotice(model.notice)}
      <form method="post" action="${model.action}" novalidate data-code-form>
        ${csrfInput(model.csrfToken)}
        <fieldset class="code-boxes" data-code-boxes>
          <legend>Verification code</legend>
          ${DIGITS.map(
            (n) =>
              html`<input id="d${n}" name="d${n}" type="text" inputmode="numeric" maxlength="1" pattern="[0-9]" aria-label="Digit ${n} of 6"${
                n === 1 ? html` autocomplete="one-time-code"` : html` autocomplete="off"`
              }${invalid}${autofocusIf(n === 1 && model.formError !== undefined)}>`,
          )}
        </fieldset>
        <div class="field" data-code-fallback>
          <label for="code">Or type the whole code</label>
          <input id="code" name="code" type="text" inputmode="numeric" autocomplete="off" maxlength="12"${invalid}>
        </div>
        <div class="actions"><button type="submit" class="primary">Next</button></div>
        ${formAlert(ERROR_ID, model.formError)}
      </form>
      <p class="muted">No email? Check the spam folder, or <a href="${model.resendHref}">Resend code</a></p>`,
  });
}

export function renderResendPage(
  view: ViewContext,
  model: { action: string; backHref: string; csrfToken: string; email: string },
): string {
  return renderPage(view, {
    title: 'Resend code',
    body: html`<h1>Resend code</h1>
      <p>We will send a new code to <strong>${model.email}</strong>. The previous code will stop working.</p>
      <form method="post" action="${model.action}">
        ${csrfInput(model.csrfToken)}
        <div class="actions"><button type="submit" class="primary">Send a new code</button></div>
      </form>
      <p><a href="${model.backHref}">Back to the code</a></p>`,
  });
}
