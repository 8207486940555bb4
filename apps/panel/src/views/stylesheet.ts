import type { ProviderState } from '../providers/provider-state.js';

/** The panel's stylesheet, served from `/styles/whm.css` (the CSP allows styles from files only). */
export const PANEL_CSS = `
/* extauth-sandbox panel: WHM's arrangement (dark top bar, left navigation, content area), drawn
   for this project. Colours meet WCAG AA contrast; nothing is wider than a 360 px screen. */
:root { --bar: #17232f; --nav: #22313f; --nav-text: #dbe4ec; --nav-active: #0f5f9c; --accent: #ff8a4c;
  --primary: #0a5a99; --primary-dark: #084a7e; --text: #1f2933; --muted: #4f5d6b; --border: #c3ccd5;
  --input-border: #7b8794; --page: #eef2f5; --danger: #a1231a; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: var(--text); background: var(--page); }
a { color: #0b5c99; }
h1 { font-size: 24px; margin: 0 0 12px; font-weight: 600; }
h2 { font-size: 18px; margin: 0 0 10px; font-weight: 600; }
code { overflow-wrap: anywhere; }
:focus-visible { outline: 3px solid #1a73c8; outline-offset: 2px; }
.skip-link { position: absolute; left: 8px; top: -48px; z-index: 10; padding: 8px 12px; background: #fff; color: var(--primary);
  border-radius: 4px; }
.skip-link:focus { top: 8px; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }

/* The WHM mark: a word mark in the accent colour, no copied artwork. */
.brand-mark { display: inline-block; font-weight: 800; font-size: 28px; letter-spacing: 3px; color: var(--bar);
  text-decoration: none; }

/* Pages before login: one centred card (login, user selection, 2FA prompt, errors). */
.login-page, .error-page { display: flex; justify-content: center; align-items: flex-start; min-height: 100vh;
  padding: 48px 16px; background: linear-gradient(180deg, var(--bar) 0, var(--bar) 180px, var(--page) 180px); }
.panel-card, .login-container { width: 100%; max-width: 420px; background: #fff; border: 1px solid var(--border);
  border-radius: 8px; padding: 28px 32px; box-shadow: 0 8px 24px rgba(15, 30, 45, .12); }
.login-brand { text-align: center; margin-bottom: 18px; }
.login-brand .brand-mark::after { content: ""; display: block; height: 3px; margin-top: 2px; background: var(--accent); border-radius: 2px; }
/* The login page's heading is the brand header itself: "WHM" as the word mark, then "Login". */
.login-title { margin: 0; font-size: 28px; line-height: 1.2; font-weight: 400; }
.login-title .login-word { color: var(--muted); font-weight: 300; letter-spacing: 1px; }
.notice { border-radius: 4px; padding: 10px 12px; margin: 0 0 16px; border: 1px solid; overflow-wrap: anywhere; }
.error-notice { background: #fdecea; border-color: #e8a39c; color: #8a1c12; }
.success-notice { background: #e8f5e9; border-color: #9ccfa0; color: #1e5b22; }
.info-notice { background: #e8f1fb; border-color: #9cbfe6; color: #123f6e; }
.link-account-banner { background: #fff8e1; border: 1px solid #e6c463; border-radius: 4px; padding: 10px 12px; margin: 0 0 16px;
  color: #5c4300; overflow-wrap: anywhere; }
#login_form label, .tfa-form label { display: block; font-weight: 600; margin: 12px 0 4px; }
#login_form input[type="text"], #login_form input[type="password"], .tfa-form input[type="text"] { width: 100%; padding: 9px 10px;
  border: 1px solid var(--input-border); border-radius: 4px; font: inherit; }
.tfa-form input[type="text"] { font-size: 18px; letter-spacing: 2px; }
input[aria-invalid="true"] { border-color: var(--danger); box-shadow: 0 0 0 1px var(--danger); }
.button-primary { display: block; width: 100%; margin-top: 18px; padding: 10px; border: 1px solid var(--primary); border-radius: 4px;
  background: var(--primary); color: #fff; font: inherit; font-size: 16px; font-weight: 600; cursor: pointer; text-decoration: none;
  text-align: center; }
.button-primary:hover { background: var(--primary-dark); }
.or-separator { display: flex; align-items: center; gap: 10px; margin: 22px 0 8px; color: var(--muted); }
.or-separator::before, .or-separator::after { content: ""; flex: 1; border-top: 1px solid var(--border); }
.external-auth-label { text-align: center; color: var(--muted); margin-bottom: 8px; }
.external-auth-button { display: flex; align-items: center; justify-content: center; gap: 8px; padding: 9px;
  border-radius: 4px; text-decoration: none; font-weight: 600; margin-top: 8px; border: 1px solid rgba(0, 0, 0, .25); }
.external-auth-icon { width: 20px; height: 20px; }
.user-tile { display: flex; align-items: center; gap: 10px; width: 100%; margin-top: 8px; padding: 9px 12px;
  border: 1px solid var(--border); border-radius: 4px; background: #fff; color: var(--text); font: inherit; cursor: pointer;
  text-align: left; overflow-wrap: anywhere; }
.user-tile:hover { border-color: var(--primary); }
.user-avatar { display: inline-flex; align-items: center; justify-content: center; flex: none; width: 28px; height: 28px;
  border-radius: 50%; background: var(--nav); color: #fff; font-weight: 700; }
.link-another { justify-content: center; font-weight: 600; }
.selection-heading { font-size: 16px; margin: 0 0 8px; }
.tfa-heading { font-size: 18px; margin: 0 0 16px; text-align: center; overflow-wrap: anywhere; }
.tfa-logout { text-align: center; margin: 16px 0 0; }
/* The messages above the login form keep a line's place, so a refused login does not move the fields. */
.login-status { display: flex; flex-direction: column; gap: 8px; min-height: 46px; margin-bottom: 16px; }
.login-status > * { margin: 0; }
.admin-form .notice { margin-top: 8px; }

/* Signed-in pages: top bar, left navigation, content. */
.topbar { display: flex; flex-wrap: wrap; align-items: center; gap: 8px 20px; min-height: 52px; padding: 8px 20px;
  background: var(--bar); color: #fff; }
.topbar .brand-mark { color: #fff; font-size: 22px; border-bottom: 3px solid var(--accent); line-height: 1.2; }
.topbar .spacer { flex: 1; }
.topbar a { color: #fff; }
.logout-form { margin: 0; }
.button-link { background: none; border: 1px solid rgba(255, 255, 255, .7); border-radius: 4px; color: #fff;
  padding: 4px 12px; font: inherit; cursor: pointer; }
.button-link:hover { background: rgba(255, 255, 255, .12); }
.whm-shell { display: grid; grid-template-columns: 240px minmax(0, 1fr); min-height: calc(100vh - 52px); }
.whm-nav { background: var(--nav); color: var(--nav-text); padding: 16px 0; }
.whm-nav ul { list-style: none; margin: 0; padding: 0; }
.whm-nav a { display: block; padding: 8px 20px; color: var(--nav-text); text-decoration: none; border-left: 4px solid transparent; }
.whm-nav a:hover { background: rgba(255, 255, 255, .08); color: #fff; }
.whm-nav a[aria-current="page"] { background: var(--nav-active); color: #fff; border-left-color: var(--accent); font-weight: 600; }
.whm-nav .nav-group { margin: 16px 0 4px; padding: 0 20px; font-size: 12px; font-weight: 700; letter-spacing: .08em;
  text-transform: uppercase; color: #b7c4d1; }
.whm-nav .nav-group + ul a { padding-left: 32px; }
.whm-content { padding: 20px 28px 40px; max-width: 1100px; min-width: 0; }
.whm-content:focus { outline: none; }
.whm-box, .whm-content > section { background: #fff; border: 1px solid var(--border); border-radius: 6px; padding: 16px 20px;
  margin-bottom: 16px; }
table { border-collapse: collapse; width: 100%; background: #fff; }
th, td { text-align: left; padding: 8px; border-bottom: 1px solid var(--border); vertical-align: top; }
/* Positioned, so that visually hidden cells inside are clipped with the table, not left outside. */
.table-scroll { position: relative; max-width: 100%; overflow-x: auto; }
td code { overflow-wrap: anywhere; }
thead th { background: #f5f7f9; }
.breadcrumb { color: var(--muted); margin-bottom: 8px; font-size: 14px; }
.tabs { display: flex; flex-wrap: wrap; gap: 4px; border-bottom: 1px solid var(--border); margin: 16px 0; }
.tab { padding: 8px 14px; text-decoration: none; border: 1px solid transparent; border-bottom: 0; border-radius: 4px 4px 0 0;
  margin-bottom: -1px; }
.tab.active { border-color: var(--border); background: #fff; font-weight: 600; color: var(--text); }
.button-secondary { display: inline-block; padding: 5px 12px; border: 1px solid var(--input-border); border-radius: 4px;
  background: #fff; color: var(--text); text-decoration: none; font: inherit; cursor: pointer; }
.button-secondary:hover { background: #f0f4f8; }
.button-secondary[disabled] { color: #5f6b76; background: #f1f3f5; cursor: not-allowed; }
.toggle-form { display: flex; flex-wrap: wrap; align-items: center; gap: 8px; margin: 0; }
.status.enabled { color: #1e5b22; font-weight: 600; }
.status.disabled { color: var(--muted); }
.muted { color: var(--muted); font-size: 13px; font-weight: 400; }
.admin-form fieldset { border: 1px solid var(--border); border-radius: 6px; margin: 0 0 16px; padding: 12px 16px; background: #fff;
  min-width: 0; }
.admin-form legend { font-weight: 600; padding: 0 4px; }
.admin-form label { display: block; font-weight: 600; margin: 10px 0 4px; }
.admin-form label.inline { display: inline; font-weight: 400; }
.admin-form input[type="text"], .admin-form input[type="password"], .admin-form textarea { width: 100%; padding: 6px 8px;
  border: 1px solid var(--input-border); border-radius: 4px; font: inherit; }
.admin-form .button-primary, .dialog .button-primary { display: inline-block; width: auto; padding: 8px 20px; margin: 0 8px 8px 0; }
.admin-form > .button-secondary, .dialog .button-secondary { padding: 8px 20px; }
/* Always present under its field: one line kept free, so an error does not push the form down. */
.field-error { color: var(--danger); margin: 4px 0 0; min-height: 1.5em; }
.field-error.two-lines { min-height: 3em; }
.dialog { background: #fff; border: 1px solid var(--border); border-radius: 6px; padding: 16px 20px; max-width: 560px; }
.tfa-policy { display: flex; align-items: center; gap: 8px 16px; flex-wrap: wrap; }
.tfa-policy p { margin: 0; }
.tfa-qr { display: block; margin: 12px 0; max-width: 100%; height: auto; image-rendering: pixelated; border: 1px solid var(--border); }
.tfa-details { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 4px 16px; }
.tfa-details dt { font-weight: 600; }
.tfa-details dd { margin: 0; overflow-wrap: anywhere; }
#tfa-key { font-size: 16px; letter-spacing: .1em; }
.button-row { display: flex; flex-wrap: wrap; gap: 8px; }
.button-row form { margin: 0; }
.inline-button { display: inline-block; width: auto; padding: 8px 20px; }
.tfa-bulk { display: flex; flex-wrap: wrap; gap: 8px; margin-top: 12px; }

@media (max-width: 760px) {
  .whm-shell { grid-template-columns: minmax(0, 1fr); min-height: 0; }
  .whm-nav { padding: 4px 0; }
  .whm-nav .nav-group { margin: 6px 0 0; padding: 0 12px; }
  .whm-nav ul ul { display: flex; flex-wrap: wrap; }
  .whm-nav a, .whm-nav .nav-group + ul a { padding: 6px 12px; border-left: 0; border-bottom: 3px solid transparent; }
  .whm-nav a[aria-current="page"] { border-bottom-color: var(--accent); }
  .whm-content { padding: 16px 12px 32px; }
  .whm-box, .whm-content > section { padding: 12px; }
  .topbar { padding: 8px 12px; gap: 8px 12px; }
  .topbar .brand-mark { font-size: 18px; letter-spacing: 2px; }
  .login-page, .error-page { padding: 24px 8px; }
  .panel-card, .login-container { padding: 20px 16px; }
}
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
