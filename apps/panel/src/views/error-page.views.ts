import type { ErrorPage } from '@extauth/server-kit/error-handler';
import { html } from '@extauth/server-kit/html';
import { paths } from '../http/routes.js';
import { renderPage } from './layout.js';

export function renderErrorPage(page: ErrorPage): string {
  return renderPage({
    title: 'WHM',
    bodyClass: 'error-page',
    body: html`<main class="panel-card" aria-labelledby="error-heading">
      <span class="brand-mark">WHM</span>
      <h1 id="error-heading">${page.status === 404 ? 'Page not found' : 'The request could not be completed'}</h1>
      <p class="notice error-notice" role="alert">${page.message}</p>
      <p><a href="${paths.loginPage()}">Go to the login page</a></p>
    </main>`,
  });
}
