import { html } from '@extauth/server-kit/html';
import { csrfInput, formAlert, textField } from '../../views/components.js';
import { renderPage, type ViewContext } from '../../views/layout.js';

export interface ResetRequestPageModel {
  action: string;
  loginHref: string;
  csrfToken: string;
  email: string;
  formError?: string | undefined;
  fieldErrors?: { email?: string | undefined };
}

export function renderResetRequestPage(view: ViewContext, model: ResetRequestPageModel): string {
  return renderPage(view, {
    title: 'Reset your password',
    body: html`<h1>Reset your password</h1>
      <p>Enter the email address of your ${view.brand} Account. We will send you a 6-digit code.</p>
      <form method="post" action="${model.action}" novalidate>
        ${csrfInput(model.csrfToken)}
        ${textField({ id: 'email', name: 'email', label: 'Email', type: 'email', value: model.email, autocomplete: 'email', error: model.fieldErrors?.email, describedBy: model.formError ? ['reset-error'] : [], autofocus: Boolean(model.fieldErrors?.email ?? model.formError), announceError: !model.formError })}
        <div class="actions"><button type="submit" class="primary">Send code</button></div>
        ${formAlert('reset-error', model.formError)}
      </form>
      <p><a href="${model.loginHref}">Back to log in</a></p>`,
  });
}

export interface NewPasswordPageModel {
  action: string;
  csrfToken: string;
  email: string;
  formError?: string | undefined;
  fieldErrors?: { password?: string | undefined };
}

export function renderNewPasswordPage(view: ViewContext, model: NewPasswordPageModel): string {
  return renderPage(view, {
    title: 'Choose a new password',
    body: html`<h1>Choose a new password</h1>
      <p>For <strong>${model.email}</strong>. Use at least 12 characters. Every session of this account will be logged out.</p>
      <form method="post" action="${model.action}" novalidate>
        ${csrfInput(model.csrfToken)}
        <input type="text" value="${model.email}" autocomplete="username" hidden>
        ${textField({ id: 'password', name: 'password', label: 'New password', type: 'password', autocomplete: 'new-password', error: model.fieldErrors?.password, describedBy: model.formError ? ['new-password-error'] : [], autofocus: Boolean(model.fieldErrors?.password ?? model.formError), announceError: !model.formError })}
        <div class="actions"><button type="submit" class="primary">Reset password</button></div>
        ${formAlert('new-password-error', model.formError)}
      </form>`,
  });
}
