import type { ProviderState } from '../providers/provider-state.js';

/** The panel's stylesheet, served from `/styles/whm.css` (the CSP allows styles from files only). */
export const PANEL_CSS = `
:root { --whm-blue: #0e3b66; --whm-orange: #ff6c2c; --text: #1f2933; --muted: #52606d; --border: #cbd2d9; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 "Open Sans", "Helvetica Neue", Arial, sans-serif; color: var(--text); background: #f0f3f6; }
a { color: #0b62a4; }
.brand-mark { display: inline-block; font-weight: 700; font-size: 28px; letter-spacing: 2px; color: var(--whm-blue); }
.login-page, .error-page { display: flex; justify-content: center; padding: 48px 16px; }
.panel-card, .login-container { width: 100%; max-width: 420px; background: #fff; border: 1px solid var(--border);
  border-radius: 6px; padding: 28px 32px; box-shadow: 0 2px 6px rgba(0, 0, 0, .06); }
.login-brand { text-align: center; margin-bottom: 18px; }
.notice { border-radius: 4px; padding: 10px 12px; margin: 0 0 16px; border: 1px solid; }
.error-notice { background: #fdecea; border-color: #f5c2bd; color: #8a1c12; }
.success-notice { background: #e8f5e9; border-color: #b7dfb9; color: #1e5b22; }
.info-notice { background: #e8f1fb; border-color: #b9d3f0; color: #123f6e; }
.link-account-banner { background: #fff8e1; border: 1px solid #f3d98b; border-radius: 4px; padding: 10px 12px; margin: 0 0 16px; }
#login_form label { display: block; font-weight: 600; margin: 12px 0 4px; }
#login_form input[type="text"], #login_form input[type="password"] { width: 100%; padding: 8px 10px;
  border: 1px solid var(--border); border-radius: 4px; font-size: 15px; }
.button-primary { display: block; width: 100%; margin-top: 18px; padding: 10px; border: 0; border-radius: 4px;
  background: var(--whm-orange); color: #fff; font-size: 16px; font-weight: 600; cursor: pointer; }
.or-separator { display: flex; align-items: center; gap: 10px; margin: 22px 0 8px; color: var(--muted); }
.or-separator::before, .or-separator::after { content: ""; flex: 1; border-top: 1px solid var(--border); }
.external-auth-label { text-align: center; color: var(--muted); margin-bottom: 8px; }
.external-auth-button { display: flex; align-items: center; justify-content: center; gap: 8px; padding: 9px;
  border-radius: 4px; text-decoration: none; font-weight: 600; margin-top: 8px; }
.external-auth-icon { width: 20px; height: 20px; }
.topbar { display: flex; align-items: center; gap: 24px; padding: 10px 24px; background: var(--whm-blue); color: #fff; }
.topbar .brand-mark { color: #fff; font-size: 22px; }
.topbar .spacer { flex: 1; }
.topbar a { color: #fff; }
.logout-form { margin: 0; }
.button-link { background: none; border: 1px solid rgba(255, 255, 255, .6); border-radius: 4px; color: #fff;
  padding: 4px 12px; font: inherit; cursor: pointer; }
.home-main { max-width: 960px; margin: 24px auto; padding: 0 16px; }
.home-main section { background: #fff; border: 1px solid var(--border); border-radius: 6px; padding: 16px 20px; margin-bottom: 16px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--border); }
.breadcrumb { color: var(--muted); margin-bottom: 8px; }
.tabs { display: flex; gap: 4px; border-bottom: 1px solid var(--border); margin: 16px 0; }
.tab { padding: 8px 14px; text-decoration: none; border: 1px solid transparent; border-bottom: 0; border-radius: 4px 4px 0 0; }
.tab.active { border-color: var(--border); background: #fff; font-weight: 600; }
.button-secondary { display: inline-block; padding: 5px 12px; border: 1px solid var(--border); border-radius: 4px;
  background: #fff; color: var(--text); text-decoration: none; font: inherit; cursor: pointer; }
.button-secondary[disabled] { opacity: .5; cursor: not-allowed; }
.toggle-form { display: flex; align-items: center; gap: 8px; margin: 0; }
.status.enabled { color: #1e5b22; font-weight: 600; }
.status.disabled { color: var(--muted); }
.muted { color: var(--muted); font-size: 13px; font-weight: 400; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
.admin-form fieldset { border: 1px solid var(--border); border-radius: 6px; margin: 0 0 16px; padding: 12px 16px; background: #fff; }
.admin-form label { display: block; font-weight: 600; margin: 10px 0 4px; }
.admin-form label.inline { display: inline; font-weight: 400; }
.admin-form input[type="text"], .admin-form input[type="password"], .admin-form textarea { width: 100%; padding: 6px 8px;
  border: 1px solid var(--border); border-radius: 4px; font: inherit; }
.admin-form .button-primary { display: inline-block; width: auto; padding: 8px 20px; margin-right: 8px; }
.field-error { color: #8a1c12; margin: 4px 0 0; }
.dialog { background: #fff; border: 1px solid var(--border); border-radius: 6px; padding: 16px 20px; max-width: 560px; }
.dialog .button-primary { display: inline-block; width: auto; padding: 8px 20px; margin-right: 8px; }
.user-tile { display: flex; align-items: center; gap: 10px; width: 100%; margin-top: 8px; padding: 9px 12px;
  border: 1px solid var(--border); border-radius: 4px; background: #fff; font: inherit; cursor: pointer; text-align: left; }
.user-avatar { display: inline-flex; align-items: center; justify-content: center; width: 28px; height: 28px;
  border-radius: 50%; background: var(--whm-blue); color: #fff; font-weight: 700; }
.link-another { justify-content: center; font-weight: 600; }
.selection-heading { font-size: 16px; margin: 0 0 8px; }
.tfa-heading { font-size: 18px; margin: 0 0 16px; text-align: center; }
.tfa-form label { display: block; font-weight: 600; margin: 12px 0 4px; }
.tfa-form input[type="text"] { width: 100%; padding: 8px 10px; border: 1px solid var(--border); border-radius: 4px;
  font-size: 18px; letter-spacing: 2px; }
.tfa-logout { text-align: center; margin: 16px 0 0; }
.tfa-policy { display: flex; align-items: center; gap: 16px; flex-wrap: wrap; }
.tfa-policy p { margin: 0; }
.tfa-qr { display: block; margin: 12px 0; image-rendering: pixelated; }
.tfa-details { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; }
.tfa-details dt { font-weight: 600; }
.tfa-details dd { margin: 0; }
.button-row { display: flex; gap: 8px; }
.button-row form { margin: 0; }
.inline-button { display: inline-block; width: auto; padding: 8px 20px; }
.tfa-bulk { display: flex; gap: 8px; margin-top: 12px; }
`;

/**
 * Each provider's button colours from its display configuration (§6.2), as a stylesheet: WHM puts
 * them in a style attribute, which our CSP forbids. Colours and ids are validated before use.
 */
export function renderProviderButtonStyles(providers: readonly ProviderState[]): string {
  return providers
    .filter((p) => /^[a-z0-9_-]+$/.test(p.id))
    .map((p) => {
      const { color, textcolor } = p.display;
      if (!/^[0-9a-fA-F]{3,6}$/.test(color) || !/^[0-9a-fA-F]{3,6}$/.test(textcolor)) return '';
      return `.external-auth-button.provider-${p.id} { background-color: #${color}; color: #${textcolor}; }\n`;
    })
    .join('');
}
