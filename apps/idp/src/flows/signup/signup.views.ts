import { html } from '@extauth/server-kit/html';
import {
  autofocusIf,
  checkboxField,
  csrfInput,
  fieldError,
  firstInvalid,
  formAlert,
  formNotice,
  textField,
} from '../../views/components.js';
import { renderPage, type ViewContext } from '../../views/layout.js';

export interface SignupPageModel {
  action: string;
  loginHref: string;
  csrfToken: string;
  /** What was typed (never a typed password). */
  values: { email: string; firstName: string; lastName: string; terms: boolean; newsletter: boolean };
  /** Only a password this server generated ("Generate" without JavaScript), shown in clear. */
  generatedPassword?: string | undefined;
  notice?: string | undefined;
  formError?: string | undefined;
  fieldErrors?: Partial<Record<'email' | 'password' | 'first_name' | 'last_name' | 'terms' | 'newsletter', string>>;
}

export const termsLabel = (brand: string) =>
  `I agree with the Terms of Use and that ${brand} will process my provided personal data in its internal systems according to the ${brand} Privacy Policy`;
export const newsletterLabel = (brand: string) =>
  `${brand} may provide me with newsletters and individual offers in accordance to the ${brand} Privacy Policy.`;

const FORM_ERROR_ID = 'signup-error';

export function renderSignupPage(view: ViewContext, model: SignupPageModel): string {
  const errors = model.fieldErrors ?? {};
  const passwordErrorId = 'password-error';
  const passwordDescribedBy = ['password-hint', ...(errors.password ? [passwordErrorId] : [])].join(' ');
  const focus = firstInvalid(['email', 'password', 'first_name', 'last_name', 'terms', 'newsletter'], errors);
  return renderPage(view, {
    title: 'Create your account',
    body: html`<h1>Create your ${view.brand} Account</h1>
      ${formNotice(model.notice)}
      <form method="post" action="${model.action}" novalidate>
        ${csrfInput(model.csrfToken)}
        <button type="submit" class="default-submit" tabindex="-1" aria-hidden="true">Create account</button>
        ${textField({ id: 'email', name: 'email', label: 'Email', type: 'email', value: model.values.email, autocomplete: 'email', error: errors.email, autofocus: focus === 'email' })}
        <div class="field">
          <label for="password">Password</label>
          <div class="with-button">
            <input id="password" name="password" type="${model.generatedPassword ? 'text' : 'password'}"${
              model.generatedPassword ? html` value="${model.generatedPassword}"` : ''
            } autocomplete="new-password" required aria-describedby="${passwordDescribedBy}"${
              errors.password ? html` aria-invalid="true"` : ''
            }${autofocusIf(focus === 'password')}>
            <button type="submit" name="generate" value="1" class="secondary" formnovalidate data-generate-password="password">Generate</button>
          </div>
          <p class="muted" id="password-hint">At least 12 characters.</p>
          ${fieldError(passwordErrorId, errors.password)}
        </div>
        ${textField({ id: 'first_name', name: 'first_name', label: 'First name', type: 'text', value: model.values.firstName, autocomplete: 'given-name', error: errors.first_name, autofocus: focus === 'first_name' })}
        ${textField({ id: 'last_name', name: 'last_name', label: 'Last name', type: 'text', value: model.values.lastName, autocomplete: 'family-name', error: errors.last_name, autofocus: focus === 'last_name' })}
        ${checkboxField({ id: 'terms', name: 'terms', label: termsLabel(view.brand), checked: model.values.terms, error: errors.terms, autofocus: focus === 'terms' })}
        ${checkboxField({ id: 'newsletter', name: 'newsletter', label: newsletterLabel(view.brand), checked: model.values.newsletter, error: errors.newsletter, autofocus: focus === 'newsletter' })}
        <div class="actions"><button type="submit" class="primary">Create account</button></div>
        ${formAlert(FORM_ERROR_ID, model.formError)}
      </form>
      <p>Already have an account? <a href="${model.loginHref}">Log in</a></p>`,
  });
}
