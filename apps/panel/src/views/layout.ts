import { type Html, html, renderDocument } from '@extauth/server-kit/html';
import { paths } from '../http/routes.js';

/** The document skeleton of every panel page; styles come from files only (the CSP has no inline styles). */
export function renderPage(page: {
  title: string;
  bodyClass: string;
  body: Html;
  extraStylesheets?: readonly string[];
}): string {
  return renderDocument(html`<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>${page.title}</title>
    <link rel="stylesheet" href="${paths.stylesheet()}">
    ${(page.extraStylesheets ?? []).map((href) => html`<link rel="stylesheet" href="${href}">`)}
  </head>
  <body class="${page.bodyClass}">
${page.body}
  </body>
</html>
`);
}
