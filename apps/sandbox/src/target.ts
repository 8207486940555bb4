import fs from 'node:fs';
import path from 'node:path';
import { loadIdpConfig } from '@extauth/idp/config';
import { loadPanelConfig } from '@extauth/panel/config';
import { adminTokenFile } from './admin-token.js';
import { loadLauncherConfig } from './config.js';

/**
 * Where a sandbox started with these settings answers, and where its secrets are: what the CLI
 * needs to talk to a running sandbox. Read from the same environment variables as `pnpm start`.
 */
export interface SandboxTarget {
  dataDir: string;
  tlsDir: string;
  caFile: string;
  issuer: string;
  panelUrl: string;
  /** The port of each listener, by its variable name. */
  ports: { name: string; host: string; port: number }[];
  hostnames: string[];
  adminToken: string | undefined;
  /** WHM root's password: PANEL_ROOT_PASSWORD, else `<data>/panel/root-password.txt`. */
  rootPassword: string | undefined;
  /**
   * Where `rootPassword` came from. A start with a seed's `panel.rootPassword` uses that instead of
   * the file, which the target cannot know: the CLI tries the seed's first when it is not `env`.
   */
  rootPasswordSource: 'env' | 'file' | undefined;
  mailUrl: string | undefined;
  seedFile: string | undefined;
  panelIniPath: string | undefined;
}

const readTrimmed = (file: string) =>
  fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() || undefined : undefined;

export function resolveSandboxTarget(env: Record<string, string | undefined>, cwd = process.cwd()): SandboxTarget {
  const launcher = loadLauncherConfig(env, cwd);
  const appEnv = { ...env, SANDBOX_DATA_DIR: launcher.dataDir };
  const idp = loadIdpConfig(appEnv, { cwd });
  const panel = loadPanelConfig(appEnv, { cwd });
  const mail = launcher.mailCatcher;
  const rootPassword = panel.rootPassword ?? readTrimmed(path.join(launcher.dataDir, 'panel', 'root-password.txt'));
  return {
    dataDir: launcher.dataDir,
    tlsDir: launcher.tlsDir,
    caFile: path.join(launcher.tlsDir, 'ca.pem'),
    issuer: idp.issuer,
    panelUrl: panel.publicUrl,
    ports: [
      { name: 'IDP_PORT', host: idp.listen.host, port: idp.listen.port },
      { name: 'PANEL_PORT', host: panel.listenHost, port: panel.port },
      ...(mail.enabled
        ? [
            { name: 'SMTP_PORT', host: mail.host, port: mail.smtpPort },
            { name: 'MAILDEV_WEB_PORT', host: mail.host, port: mail.webPort },
          ]
        : []),
    ],
    hostnames: [
      ...new Set(['localhost', new URL(idp.issuer).hostname, panel.publicHostname, ...launcher.extraHostnames]),
    ],
    adminToken:
      launcher.adminApi === 'off' ? undefined : (launcher.adminToken ?? readTrimmed(adminTokenFile(launcher.dataDir))),
    rootPassword,
    rootPasswordSource: panel.rootPassword ? 'env' : rootPassword ? 'file' : undefined,
    mailUrl: mail.enabled ? `http://localhost:${mail.webPort}` : undefined,
    seedFile: launcher.seedFile,
    panelIniPath: panel.panelIniPath,
  };
}
