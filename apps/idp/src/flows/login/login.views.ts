import { html } from '@extauth/server-kit/html';
import { csrfInput, firstInvalid, formAlert, formNotice, textField } from '../../views/components.js';
import { renderPage, type ViewContext } from '../../views/layout.js';

export interface LoginPageModel {
  action: string;
  signupHref: string;
  resetHref: string;
  csrfToken: string;
  /** What the person typed (never the password). */
  email: string;
  notice?: string | undefined;
  formError?: string | undefined;
  fieldErrors?: { email?: string | undefined; password?: string | undefined };
}

const FORM_ERROR_ID = 'login-error';

export function renderLoginPage(view: ViewContext, model: LoginPageModel): string {
  const describedBy = model.formError ? [FORM_ERROR_ID] : [];
  // A refused login keeps the typed address; the password is typed again.
  const focus = firstInvalid(['email', 'password'], model.fieldErrors) ?? (model.formError ? 'password' : undefined);
  return renderPage(view, {
    title: 'Log in',
    body: html`<h1>Log in to your ${view.brand} Account</h1>
      ${formNotice(model.notice)}
      <form method="post" action="${model.action}" novalidate>
        ${csrfInput(model.csrfToken)}
        ${textField({
          id: 'email',
          name: 'email',
          label: 'Email',
          type: 'email',
          value: model.email,
          autocomplete: 'username',
          error: model.fieldErrors?.email,
          describedBy,
          autofocus: focus === 'email',
        })}
        ${textField({
          id: 'password',
          name: 'password',
          label: 'Password',
          type: 'password',
          autocomplete: 'current-password',
          error: model.fieldErrors?.password,
          describedBy,
          autofocus: focus === 'password',
        })}
        <p class="muted"><a href="${model.resetHref}">Forgot password?</a></p>
        <div class="actions"><button type="submit" class="primary">Log in</button></div>
        ${formAlert(FORM_ERROR_ID, model.formError)}
      </form>
      <p>No ${view.brand} account? <a href="${model.signupHref}">Create one</a></p>`,
  });
}
