import { loadIdpConfig } from '@extauth/idp/config';
import { type StartedIdp, startIdp } from '@extauth/idp/server';
import { loadPanelConfig } from '@extauth/panel/config';
import { type StartedPanel, startPanel } from '@extauth/panel/server';
import { loadOrCreateLicence } from '@extauth/server-kit/licence';
import type { Logger } from '@extauth/server-kit/logger';
import { ensureDevCertificates } from '@extauth/server-kit/tls';
import { type LauncherConfig, loadLauncherConfig } from './config.js';
import { type RunningMailCatcher, startMailCatcher } from './mail-catcher.js';

export interface RunningSandbox {
  config: LauncherConfig;
  idp: StartedIdp;
  panel: StartedPanel;
  mail: RunningMailCatcher | undefined;
  caFile: string;
  close(): Promise<void>;
}

/**
 * Starts IdP, panel and mail catcher in this process. The apps share nothing in memory: each
 * parses its own configuration and they talk to each other over HTTPS only.
 */
export async function startSandbox(
  env: Record<string, string | undefined>,
  options: { logger: (name: string) => Logger; cwd?: string },
): Promise<RunningSandbox> {
  const config = loadLauncherConfig(env, options.cwd);
  const appEnv: Record<string, string | undefined> = { ...env, SANDBOX_DATA_DIR: config.dataDir };
  // Parse both configurations before anything starts, so a mistake is reported before any port is taken.
  if (config.storage === 'memory') {
    // Without a data folder the licence lives in this process; both apps must get the same one.
    const licence = loadOrCreateLicence(undefined, {
      clientId: env.WEBPROS_CLIENT_ID,
      clientSecret: env.WEBPROS_CLIENT_SECRET,
    });
    appEnv.WEBPROS_CLIENT_ID = licence.client_id;
    appEnv.WEBPROS_CLIENT_SECRET = licence.client_secret;
  }
  const idpConfig = loadIdpConfig(appEnv, { cwd: options.cwd });
  const panelConfig = loadPanelConfig(appEnv, { cwd: options.cwd });

  const tls = await ensureDevCertificates({ dir: config.tlsDir, hostnames: config.extraHostnames });
  const results = await Promise.allSettled([
    config.mailCatcher.enabled ? startMailCatcher(config.mailCatcher) : Promise.resolve(undefined),
    startIdp(idpConfig, { tls, logger: options.logger('idp') }),
    startPanel(panelConfig, { tls, caPem: tls.caPem, logger: options.logger('panel') }),
  ] as const);
  const [mail, idp, panel] = results;
  const closeAll = async () => {
    // Panel first (it calls the IdP), then the IdP (it sends mail), then the mail catcher.
    for (const part of [panel, idp, mail]) {
      if (part.status === 'fulfilled' && part.value) await part.value.close();
    }
  };
  if (mail.status === 'rejected' || idp.status === 'rejected' || panel.status === 'rejected') {
    await closeAll();
    const failed = results.find((r) => r.status === 'rejected');
    throw failed?.status === 'rejected' ? failed.reason : new Error('start failed');
  }
  return { config, idp: idp.value, panel: panel.value, mail: mail.value, caFile: tls.caFile, close: closeAll };
}
