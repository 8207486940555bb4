import { type Html, html } from '@extauth/server-kit/html';
import { renderPage, type ViewContext } from './layout.js';

/** The end-session confirmation. `providerForm` is oidc-provider's own hidden form (its xsrf token). */
export function renderLogoutPage(
  view: ViewContext,
  model: { providerForm: Html; clientName: string | undefined },
): string {
  return renderPage(view, {
    title: 'Log out',
    body: html`<h1>Log out</h1>
      <p>${model.clientName ? `${model.clientName} asks to end your ${view.brand} Account session.` : `Do you want to end your ${view.brand} Account session?`}</p>
      ${model.providerForm}
      <div class="actions">
        <button type="submit" form="op.logoutForm" name="logout" value="yes" class="primary">Log out</button>
        <button type="submit" form="op.logoutForm" class="secondary">Stay logged in</button>
      </div>`,
  });
}

export function renderLoggedOutPage(view: ViewContext, model: { clientName: string | undefined }): string {
  return renderPage(view, {
    title: 'Logged out',
    body: html`<h1>You have logged out</h1>
      <p>${model.clientName ? `You have logged out of your ${view.brand} Account and ${model.clientName}.` : `You have logged out of your ${view.brand} Account.`}</p>`,
  });
}
