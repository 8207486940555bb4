import { CSRF_FIELD } from '@extauth/server-kit/csrf';
import { html } from '@extauth/server-kit/html';
import { TWO_FACTOR_LOGIN as T } from '@extauth/shared/two-factor-texts';
import { renderPage } from '../../views/layout.js';

export interface TfaPromptModel {
  username: string;
  /** `/cpsessNNNNNNNNNN/`: the form posts to the session's own prefix (§10). */
  action: string;
  logoutHref: string;
  csrfToken: string;
  error: string | undefined;
}

const ERROR_ID = 'tfa-error';

/** cpsrvd's 2FA security policy page (§10): title "WHM Login Security", one "Security code" box. */
export function renderTfaPrompt(model: TfaPromptModel): string {
  const describedBy = model.error ? html` aria-describedby="${ERROR_ID}" aria-invalid="true"` : '';
  return renderPage({
    title: T.title,
    bodyClass: 'login-page',
    body: html`<main class="login-container">
      <header class="login-brand"><span class="brand-mark">WHM</span></header>
      <h1 class="tfa-heading">${T.heading(model.username)}</h1>
      <div class="login-status">${model.error ? html`<div id="${ERROR_ID}" class="notice error-notice" role="alert">${model.error}</div>` : ''}</div>
      <form id="tfa_form" class="tfa-form" action="${model.action}" method="post">
        <input type="hidden" name="${CSRF_FIELD}" value="${model.csrfToken}">
        <label for="tfatoken">${T.codeLabel}</label>
        <input id="tfatoken" name="tfatoken" type="text" inputmode="numeric" autocomplete="one-time-code" maxlength="16" placeholder="${T.codePlaceholder}" autofocus required${describedBy}>
        <button id="tfa_submit" class="button-primary" type="submit">${T.continue}</button>
      </form>
      <p class="tfa-logout"><a href="${model.logoutHref}">${T.logOut}</a></p>
    </main>`,
  });
}
