import { loadIdpConfig } from '@extauth/idp/config';
import type { StartedIdp } from '@extauth/idp/server';
import { loadPanelConfig } from '@extauth/panel/config';
import type { StartedPanel } from '@extauth/panel/server';
import { loadOrCreateLicence } from '@extauth/server-kit/licence';
import type { Logger } from '@extauth/server-kit/logger';
import { ensureDevCertificates } from '@extauth/server-kit/tls';
import type { AdminToken } from './admin-token.js';
import { type LauncherConfig, loadLauncherConfig } from './config.js';
import { type RunningMailCatcher, startMailCatcher } from './mail-catcher.js';
import type { ReadyzTarget } from './readiness.js';
import { prepareLaunch } from './seed/launch-seed.js';

export interface RunningSandbox {
  config: LauncherConfig;
  idp: StartedIdp;
  panel: StartedPanel;
  mail: RunningMailCatcher | undefined;
  caFile: string;
  caPem: string;
  /** Where the IdP and the panel listen, for the launcher's /readyz checks. */
  listeners: ReadyzTarget[];
  /** The names on the leaf certificate both apps serve. */
  certificateNames: string[];
  /** The IdP admin API's token, when it is on (see admin-token.ts). */
  admin: AdminToken | undefined;
  /** The seed file applied at this start (`--seed FILE` or SANDBOX_SEED_FILE). */
  seedFile: string | undefined;
  /** Root's password for this start is the seed file's `panel.rootPassword`. */
  rootPasswordFromSeed: boolean;
  close(): Promise<void>;
}

/**
 * Starts IdP, panel and mail catcher in this process. The apps share nothing in memory: each
 * parses its own configuration and they talk to each other over HTTPS only.
 */
export async function startSandbox(
  env: Record<string, string | undefined>,
  options: { logger: (name: string) => Logger; cwd?: string; seedFile?: string },
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
  const launch = prepareLaunch(config, env, appEnv, options);
  const idpConfig = loadIdpConfig(appEnv, { cwd: options.cwd });
  const panelConfig = loadPanelConfig(appEnv, { cwd: options.cwd });
  launch.beforeStart(panelConfig);

  // MailDev first: it loads in a worker thread while this thread loads and starts the apps. The
  // apps' modules (oidc-provider, openid-client…) are imported here rather than at the top so that
  // their loading overlaps MailDev's instead of delaying it.
  const mailStarting = config.mailCatcher.enabled ? startMailCatcher(config.mailCatcher) : Promise.resolve(undefined);
  const tlsReady = ensureDevCertificates({ dir: config.tlsDir, hostnames: config.extraHostnames });
  const idpStarting = Promise.all([tlsReady, import('@extauth/idp/server')]).then(([tls, { startIdp }]) =>
    startIdp(idpConfig, { tls, logger: options.logger('idp'), ...launch.idpRuntime }),
  );
  const panelStarting = Promise.all([tlsReady, import('@extauth/panel/server')]).then(([tls, { startPanel }]) =>
    startPanel(panelConfig, { tls, caPem: tls.caPem, logger: options.logger('panel') }),
  );
  const results = await Promise.allSettled([mailStarting, idpStarting, panelStarting] as const);
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
  const { caFile, caPem, names: certificateNames } = await tlsReady;
  await launch.afterStart({ idp: idp.value, panel: panel.value, caPem }).catch(async (err: unknown) => {
    await closeAll();
    throw err;
  });
  const { admin, seedFile, rootPasswordFromSeed } = launch;
  return {
    config,
    idp: idp.value,
    panel: panel.value,
    mail: mail.value,
    caFile,
    caPem,
    listeners: [
      { app: 'IdP', host: idpConfig.listen.host, port: idp.value.port },
      { app: 'panel', host: panelConfig.listenHost, port: panel.value.port },
    ],
    certificateNames,
    admin,
    seedFile,
    rootPasswordFromSeed,
    close: closeAll,
  };
}
