import type { WHM_SERVICES } from '@extauth/shared/contract';
import { panelIniMalformedText } from '@extauth/shared/external-auth-texts';
import {
  describePanelNotice,
  LOGGED_OUT_TEXT,
  linkAccountBannerText,
  logInAgainText,
  PANEL_APP_NAMES,
  PANEL_LOGIN_MESSAGES,
  type PanelLoginMessageCode,
  type PanelNoticeCode,
  PERSISTS_TEXT,
  tooManyLoginFailuresText,
} from '@extauth/shared/panel-notices';
import type { PanelContext, PanelDeps } from '../../deps.js';
import { paths } from '../../http/routes.js';
import { currentSession } from '../../http/session-cookie.js';
import { isOfferedForLogin } from '../../providers/provider-state.js';
import { selectionModel } from '../user-selection/user-selection.views.js';
import { type LoginButtonModel, type LoginNoticeModel, renderLoginPage } from './sign-in.views.js';

export type LoginPageNotice =
  | { type: 'msg_code'; code: PanelNoticeCode; providerId: string; username?: string; error?: string; minutes?: number }
  | { type: 'login_message'; code: PanelLoginMessageCode }
  | { type: 'too_many_failures'; retryAfterSeconds: number }
  | { type: 'logged_out' };

const SERVICE = 'whostmgrd' satisfies keyof typeof WHM_SERVICES;
const APP_NAME = PANEL_APP_NAMES[SERVICE];

function noticeModel(deps: PanelDeps, notice: LoginPageNotice): LoginNoticeModel {
  if (notice.type === 'logged_out') {
    return {
      msgCode: undefined,
      kind: 'success',
      text: LOGGED_OUT_TEXT,
      logInAgain: undefined,
      persistsText: undefined,
    };
  }
  if (notice.type === 'too_many_failures') {
    return {
      msgCode: 'too_many_failures',
      kind: 'error',
      text: tooManyLoginFailuresText(notice.retryAfterSeconds),
      logInAgain: undefined,
      persistsText: undefined,
    };
  }
  if (notice.type === 'login_message') {
    return {
      msgCode: notice.code === 'invalid_login' ? 'invalid_login' : undefined,
      kind: 'error',
      text: PANEL_LOGIN_MESSAGES[notice.code],
      logInAgain: undefined,
      persistsText: undefined,
    };
  }
  const provider = deps.providers.findProvider(notice.providerId);
  const displayName = provider?.displayName ?? notice.providerId;
  const described = describePanelNotice(notice.code, {
    provider: displayName,
    app: APP_NAME,
    ...(notice.username !== undefined ? { username: notice.username } : {}),
    ...(notice.error !== undefined ? { error: notice.error } : {}),
    ...(notice.minutes !== undefined ? { minutes: notice.minutes } : {}),
  });
  return {
    msgCode: described.code,
    kind: described.kind,
    text: described.text,
    logInAgain:
      described.logInAgain && provider
        ? { href: paths.oidcLogInAgain(provider.id), text: logInAgainText(displayName) }
        : undefined,
    persistsText: described.persists ? PERSISTS_TEXT : undefined,
  };
}

function loginButtons(deps: PanelDeps, ctx: PanelContext): LoginButtonModel[] {
  // External authentication works only over SSL; without it the buttons are not shown (§3).
  if (!ctx.secure) return [];
  return deps.providers
    .listProviders()
    .filter((p) => isOfferedForLogin(p, SERVICE))
    .map((p) => ({
      providerId: p.id,
      label: p.display.label,
      href: paths.oidcLoginButton(p.id),
      iconDataUri: p.display.icon ? `data:${p.display.icon_type};base64,${p.display.icon}` : undefined,
    }));
}

/**
 * Renders the login page in place (as cpsrvd does, keeping the URL), with an optional notice, and
 * what the session waits for: the user-selection screen (SELECT_USER, with its info notice) or the
 * link banner (NEED_LINK). A malformed panel.ini is reported above the form.
 */
export function respondWithLoginPage(
  ctx: PanelContext,
  deps: PanelDeps,
  options: { status: number; notice?: LoginPageNotice; username?: string },
): void {
  const session = currentSession(ctx);
  const selection = session?.data.pendingSelection;
  const pending = selection ? undefined : session?.data.pendingLink;
  const notice: LoginPageNotice | undefined =
    options.notice ??
    (selection && {
      type: 'msg_code',
      code: 'user_selection',
      providerId: selection.providerId,
      username: selection.preferredUsername,
    });
  const ini = deps.providers.readPanelIni();
  ctx.status = options.status;
  ctx.type = 'text/html; charset=utf-8';
  ctx.body = renderLoginPage({
    csrfToken: ctx.state.csrfToken,
    username: options.username ?? '',
    notice: notice && noticeModel(deps, notice),
    configWarning: ini.state === 'malformed' ? panelIniMalformedText(ini.problem) : undefined,
    linkBanner: pending
      ? linkAccountBannerText({
          username: pending.preferredUsername,
          app: APP_NAME,
          alreadyLinked: pending.alreadyLinked,
        })
      : undefined,
    selection: selection && selectionModel(selection),
    buttons: selection ? [] : loginButtons(deps, ctx),
  });
}

/** HTTP status of a login page that shows a msg_code notice. */
export function statusForNotice(code: PanelNoticeCode): number {
  switch (code) {
    case 'missing_openid_code':
    case 'missing_openid_state':
    case 'invalid_openid_external_validation_token':
      return 400;
    case 'openid_communication':
    case 'openid_communication_no_login':
    case 'openid_unable_to_get_access_token':
    case 'openid_missing_id_token':
    case 'openid_provider_misconfigured':
    case 'oidc_received_error':
      return 502;
    case 'user_selection':
      return 200;
    default:
      return 401;
  }
}
