import { type Html, html, renderDocument } from '@extauth/server-kit/html';

/** What every page needs from the app, independent of the request. */
export interface ViewContext {
  brand: string;
  stylesheetHref: string;
  /** The one static script (no inline script: CSP); pages work without it. */
  scriptHref: string;
  /**
   * Where a person whose sign-in request is gone (expired, finished in another tab, lost in a
   * crash) can start again: the panel's login page, the one application known without a request.
   */
  startAgain?: { href: string; appName: string };
}

export function renderPage(view: ViewContext, page: { title: string; body: Html }): string {
  return renderDocument(html`<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>${page.title} · ${view.brand} Account</title>
    <link rel="stylesheet" href="${view.stylesheetHref}">
    <script src="${view.scriptHref}" defer></script>
  </head>
  <body>
    <main class="card">
      <p class="brand"><span class="brand-mark" aria-hidden="true">${[...view.brand][0] ?? ''}</span>${view.brand} Account</p>
      ${page.body}
    </main>
  </body>
</html>
`);
}
