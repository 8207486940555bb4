import { html } from '@extauth/server-kit/html';
import { csrfInput } from '../../views/components.js';
import { renderPage, type ViewContext } from '../../views/layout.js';

export interface ConsentPageModel {
  action: string;
  cancelAction: string;
  csrfToken: string;
  clientName: string;
  /** The exact redirect_uri of this request, and its host name. */
  redirectUri: string;
  hostname: string;
  /** What will be sent, e.g. [{ label: 'Email', value: 'demo@example.com' }]. */
  data: { label: string; value: string }[];
  formError?: string | undefined;
}

export function renderConsentPage(view: ViewContext, model: ConsentPageModel): string {
  return renderPage(view, {
    title: 'Confirm Sending Data',
    body: html`<h1>Confirm Sending Data</h1>
      ${model.formError ? html`<p class="alert" role="alert">${model.formError}</p>` : ''}
      <p><strong>${model.clientName}</strong> at <strong>${model.hostname}</strong> asks for the following data from your ${view.brand} Account:</p>
      <ul class="data-list">
        ${model.data.map((item) => html`<li>${item.label}: ${item.value}</li>`)}
      </ul>
      <form method="post" action="${model.action}">
        ${csrfInput(model.csrfToken)}
        <div class="checkbox">
          <input type="checkbox" id="trust" name="trust" value="on">
          <label for="trust">Trust ${model.hostname} for 365 days and do not show this dialog (we will use cookies to store the data in your browser).</label>
        </div>
        <p>You will be sent back to
          <button type="submit" class="link">${model.redirectUri}</button>
        </p>
        <div class="actions"><button type="submit" class="primary">Continue</button></div>
      </form>
      <form method="post" action="${model.cancelAction}">
        ${csrfInput(model.csrfToken)}
        <div class="actions"><button type="submit" class="secondary">Cancel</button></div>
      </form>`,
  });
}
