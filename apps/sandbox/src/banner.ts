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

/** The message a person sees once everything answers: where to go and how to log in. */
export function formatReadyBanner(sandbox: RunningSandbox, elapsedMs: number): string {
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
    `extauth-sandbox is ready (${Math.round(elapsedMs)} ms)`,
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
    `  Local CA           ${sandbox.caFile} (trust it in your browser to avoid certificate warnings)`,
    `  IdP admin API      ${adminLine(sandbox)}`,
    ...(sandbox.seedFile ? [`  Seed file          ${sandbox.seedFile}`] : []),
    '',
    'Press Ctrl-C to stop.',
  ];
  return lines.join('\n');
}
