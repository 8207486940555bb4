import { html } from '@extauth/server-kit/html';
import { renderPage, type ViewContext } from './layout.js';

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
      ${model.detail ? html`<p class="muted">Details: ${model.detail}</p>` : ''}
      <p class="muted">Error code: <code>${model.code}</code></p>`,
  });
}
