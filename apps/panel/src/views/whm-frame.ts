import { CSRF_FIELD } from '@extauth/server-kit/csrf';
import { type Html, html } from '@extauth/server-kit/html';
import { MANAGE_EXTERNAL_AUTH } from '@extauth/shared/external-auth-texts';
import { TWO_FACTOR_ADMIN } from '@extauth/shared/two-factor-texts';
import { paths } from '../http/routes.js';
import { renderPage } from './layout.js';

export type WhmSection = 'home' | 'manage-external-auth' | 'two-factor-auth';

export interface WhmFrameModel {
  title: string;
  securityToken: string;
  username: string;
  csrfToken: string;
  /** The Security Center entries are root's only (the pages refuse everyone else). */
  showSecurityCenter: boolean;
  current: WhmSection;
}

function navLink(id: WhmSection, href: string, label: string, current: WhmSection): Html {
  return html`<a id="${id}" href="${href}"${id === current ? html` aria-current="page"` : ''}>${label}</a>`;
}

/**
 * Every signed-in WHM page: the dark top bar (who is logged in, "Log out"), the left navigation
 * (Home, Security Center » Manage External Authentications / Two-Factor Authentication) and the
 * content area. Below 760 px the navigation sits above the content instead of beside it.
 */
export function renderWhmPage(frame: WhmFrameModel, content: Html): string {
  const token = frame.securityToken;
  return renderPage({
    title: frame.title,
    bodyClass: 'whm-page',
    body: html`<a class="skip-link" href="#content">Skip to content</a>
    <header class="topbar">
      <a class="brand-mark" href="${paths.home(token)}" aria-label="WHM Home">WHM</a>
      <span class="spacer"></span>
      <span id="logged-in-user">Logged in as <strong>${frame.username}</strong></span>
      <form id="logout-form" class="logout-form" action="${paths.securedLogout(token)}" method="post">
        <input type="hidden" name="${CSRF_FIELD}" value="${frame.csrfToken}">
        <button id="logout" class="button-link" type="submit">Log out</button>
      </form>
    </header>
    <div class="whm-shell">
      <nav class="whm-nav" aria-label="Main">
        <ul>
          <li>${navLink('home', paths.home(token), 'Home', frame.current)}</li>
          ${
            frame.showSecurityCenter
              ? html`<li>
            <h2 class="nav-group" id="nav-security-center">Security Center</h2>
            <ul aria-labelledby="nav-security-center">
              <li>${navLink('manage-external-auth', paths.manageProviders(token), MANAGE_EXTERNAL_AUTH.title, frame.current)}</li>
              <li>${navLink('two-factor-auth', paths.tfaMyAccount(token), TWO_FACTOR_ADMIN.title, frame.current)}</li>
            </ul>
          </li>`
              : ''
          }
        </ul>
      </nav>
      <main id="content" class="whm-content" tabindex="-1">
${content}
      </main>
    </div>`,
  });
}

export interface WhmNotice {
  kind: 'success' | 'error';
  text: string;
}

/** The result of the last action: errors interrupt (role=alert), successes are announced politely. */
export function renderNotices(notices: readonly WhmNotice[]): Html {
  return html`${notices.map(
    (n) => html`<div class="notice ${n.kind}-notice" role="${n.kind === 'error' ? 'alert' : 'status'}">${n.text}</div>`,
  )}`;
}

/**
 * A wide table in a box that scrolls sideways on a narrow screen (the page itself never does).
 * The box is focusable and named, so keyboard users can scroll it too.
 */
export function scrollableTable(label: string, table: Html): Html {
  return html`<div class="table-scroll" role="region" aria-label="${label}" tabindex="0">${table}</div>`;
}

/**
 * A field's error line, there even when empty (the stylesheet keeps room for it), so a refused
 * submit does not move the form. `lines` is the room its longest message takes at desktop width.
 * `announce` makes it an alert, for a form where it is the only message; where an error notice
 * already says what went wrong, the line is tied to its field only.
 */
export function fieldError(
  id: string,
  message: string | undefined,
  options: { announce: boolean; lines?: 1 | 2 },
): Html {
  const className = options.lines === 2 ? 'field-error two-lines' : 'field-error';
  if (!message) return html`<p class="${className}"></p>`;
  return html`<p id="${id}" class="${className}"${options.announce ? html` role="alert"` : ''}>${message}</p>`;
}
