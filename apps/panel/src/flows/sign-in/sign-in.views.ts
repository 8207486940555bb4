import { CSRF_FIELD } from '@extauth/server-kit/csrf';
import { type Html, html } from '@extauth/server-kit/html';
import type { NoticeKind } from '@extauth/shared/panel-notices';
import { paths } from '../../http/routes.js';
import { renderPage } from '../../views/layout.js';
import { renderSelection, type SelectionModel } from '../user-selection/user-selection.views.js';

export interface LoginNoticeModel {
  /** The msg_code, emitted as the `<!-- msg_code:[CODE] -->` comment WHM keeps for automated tests. */
  msgCode: string | undefined;
  kind: NoticeKind;
  text: string;
  logInAgain: { href: string; text: string } | undefined;
  persistsText: string | undefined;
}

export interface LoginButtonModel {
  providerId: string;
  label: string;
  href: string;
  /** A `data:` URI built from the validated display configuration, or undefined. */
  iconDataUri: string | undefined;
}

export interface LoginPageModel {
  csrfToken: string;
  username: string;
  notice: LoginNoticeModel | undefined;
  /** The `link_account` banner text (§4.1), above the form. */
  linkBanner: string | undefined;
  /** A problem with panel.ini, reported to whoever looks (spec §13.1; the log has it too). */
  configWarning: string | undefined;
  /** SELECT_USER: replaces the login form (§4.2). */
  selection: SelectionModel | undefined;
  buttons: readonly LoginButtonModel[];
}

const NOTICE_ID = 'login-status';

function renderNotice(notice: LoginNoticeModel): Html {
  const role = notice.kind === 'error' ? 'alert' : 'status';
  return html`${notice.msgCode ? html`<!-- msg_code:[${notice.msgCode}] -->` : ''}
      <div id="${NOTICE_ID}" class="notice ${notice.kind}-notice" role="${role}">
        <span class="notice-text">${notice.text}</span>${
          notice.logInAgain
            ? html` <a class="log-in-again" href="${notice.logInAgain.href}">${notice.logInAgain.text}</a>`
            : ''
        }${notice.persistsText ? html` <span class="notice-persists">${notice.persistsText}</span>` : ''}
      </div>`;
}

function renderButtons(buttons: readonly LoginButtonModel[]): Html {
  if (buttons.length === 0) return html``;
  return html`<div class="external-auth">
        <div class="or-separator"><span>OR</span></div>
        <div class="external-auth-label">Log in via</div>
        ${buttons.map(
          (b) =>
            html`<a class="external-auth-button provider-${b.providerId}" id="external-auth-${b.providerId}" href="${b.href}">${
              b.iconDataUri ? html`<img class="external-auth-icon" src="${b.iconDataUri}" alt="">` : ''
            }<span>${b.label}</span></a>`,
        )}
      </div>`;
}

/** WHM's login page (spec §4): title "WHM Login", form `login_form` posting to `/login/`. */
export function renderLoginPage(model: LoginPageModel): string {
  const describedBy = model.notice ? html` aria-describedby="${NOTICE_ID}"` : '';
  // After a refused login the cursor waits where the person types next (no script needed).
  const refused = model.notice?.kind === 'error';
  const focusUser = refused && model.username === '' ? html` autofocus` : '';
  const focusPass = refused && model.username !== '' ? html` autofocus` : '';
  return renderPage({
    title: 'WHM Login',
    bodyClass: 'login-page',
    extraStylesheets: model.buttons.length > 0 ? [paths.providerButtonStyles()] : [],
    body: html`<main class="login-container">
      <header class="login-brand"><h1 class="login-title"><span class="brand-mark">WHM</span> <span class="login-word">Login</span></h1></header>
      <div class="login-status">
      ${model.notice ? renderNotice(model.notice) : ''}
      ${
        model.linkBanner
          ? html`<!-- msg_code:[link_account] -->
      <div id="link-account-banner" class="link-account-banner" role="status">${model.linkBanner}</div>`
          : ''
      }
      ${
        model.configWarning
          ? html`<div id="panel-ini-warning" class="notice error-notice" role="alert">${model.configWarning}</div>`
          : ''
      }
      </div>
      ${
        model.selection
          ? renderSelection(model.selection, model.csrfToken)
          : html`<form id="login_form" action="${paths.loginSubmit()}" method="post">
        <input type="hidden" name="${CSRF_FIELD}" value="${model.csrfToken}">
        <label for="user">Username</label>
        <input id="user" name="user" type="text" value="${model.username}" placeholder="Enter your username." autocomplete="username" autocapitalize="none" spellcheck="false" required${describedBy}${focusUser}>
        <label for="pass">Password</label>
        <input id="pass" name="pass" type="password" placeholder="Enter your account password." autocomplete="current-password" required${describedBy}${focusPass}>
        <button id="login_submit" class="button-primary" type="submit">Log in</button>
      </form>`
      }
      ${renderButtons(model.buttons)}
    </main>`,
  });
}
