import type { AppReadiness } from './readiness.js';
import type { RunningSandbox } from './sandbox.js';

function adminLine(sandbox: RunningSandbox): string {
  const admin = sandbox.admin;
  if (!admin) return 'off (set IDP_ADMIN_TOKEN to turn it on)';
  const where =
    admin.source === 'env'
      ? 'token from IDP_ADMIN_TOKEN'
      : admin.source === 'file'
        ? `token in ${admin.file}`
        : `token ${admin.token} (in memory only)`;
  return `${sandbox.idp.issuer}/admin (${where})`;
}

/**
 * The first line: "is ready" only when both apps' /readyz answered 200, since scripts and people
 * wait for exactly that; otherwise it says which app is not ready (the warnings after the banner say why).
 */
function headline(elapsedMs: number, readiness: readonly AppReadiness[]): string {
  const ms = `${Math.round(elapsedMs)} ms`;
  const notReady = readiness.filter((r) => !r.ready).map((r) => `the ${r.app}`);
  if (notReady.length === 0) return `extauth-sandbox is ready (${ms})`;
  return `extauth-sandbox is running but not ready (${ms}): ${notReady.join(' and ')} ${notReady.length > 1 ? 'are' : 'is'} not ready (see below)`;
}

/**
 * The message a person sees once both apps have answered /readyz (`readiness`, what they said):
 * where to go and how to log in.
 */
export function formatReadyBanner(
  sandbox: RunningSandbox,
  elapsedMs: number,
  readiness: readonly AppReadiness[] = [],
): string {
  const { idp, panel, mail, config } = sandbox;
  const root =
    panel.rootPassword.source === 'env'
      ? sandbox.rootPasswordFromSeed
        ? 'from the seed file (panel.rootPassword), for this start'
        : 'from PANEL_ROOT_PASSWORD'
      : panel.rootPassword.source === 'file'
        ? `in ${panel.rootPassword.file}`
        : `${panel.rootPassword.value} (in memory only)`;
  const lines = [
    '',
    headline(elapsedMs, readiness),
    '',
    `  WHM panel     ${panel.url}/`,
    `  WebPros IdP   ${idp.issuer}   (discovery: ${idp.issuer}/.well-known/openid-configuration)`,
    mail
      ? `  Mail catcher  ${mail.webUrl}   (SMTP localhost:${mail.smtpPort}, REST ${mail.webUrl}/api/email)`
      : '  Mail catcher  disabled (MAILDEV_ENABLED=false)',
    `  Health        ${new URL('/readyz', panel.url).href}   ${new URL('/readyz', idp.issuer).href}   (/healthz: process up)`,
    '',
    `  IdP demo account   ${idp.demo.email} / ${idp.demo.password}`,
    `  WHM user root      password ${root}`,
    `  Data folder        ${config.storage === 'memory' ? `${config.dataDir} (certificates only; storage in memory)` : config.dataDir}`,
    `  Local CA           ${sandbox.caFile} (run pnpm sandbox trust to trust it in your browsers and avoid certificate warnings)`,
    `  IdP admin API      ${adminLine(sandbox)}`,
    ...(sandbox.seedFile ? [`  Seed file          ${sandbox.seedFile}`] : []),
    '',
    'Press Ctrl-C to stop.',
  ];
  return lines.join('\n');
}
