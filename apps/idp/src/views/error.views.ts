import { html } from '@extauth/server-kit/html';
import { startAgainLinkText } from '@extauth/shared/idp-messages';
import { renderPage, type ViewContext } from './layout.js';

/** The errors whose sentence tells the person to start again: their page links to where to. */
const START_AGAIN_CODES: ReadonlySet<string> = new Set([
  'interaction_expired',
  'interaction_wrong_step',
  'code_flow_expired',
  'mfa_flow_expired',
  'reset_expired',
  'server_error',
]);

export interface ErrorPageModel {
  status: number;
  /** A stable code (our catalogue's or OAuth's), shown small for support requests. */
  code: string;
  message: string;
  /** A technical detail for developers, e.g. oidc-provider's error_description. */
  detail?: string | undefined;
}

export function renderErrorPage(view: ViewContext, model: ErrorPageModel): string {
  const title = model.status >= 500 ? 'Something went wrong' : 'This request cannot be completed';
  return renderPage(view, {
    title,
    body: html`<h1>${title}</h1>
      <p class="alert" role="alert">${model.message}</p>
      ${
        view.startAgain && START_AGAIN_CODES.has(model.code)
          ? html`<p><a href="${view.startAgain.href}">${startAgainLinkText(view.startAgain.appName)}</a></p>`
          : ''
      }
      ${model.detail ? html`<p class="muted">Details: ${model.detail}</p>` : ''}
      <p class="muted">Error code: <code>${model.code}</code></p>`,
  });
}
