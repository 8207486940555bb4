import path from 'node:path';
import { loadIdpConfig } from '@extauth/idp/config';
import type { StartedIdp } from '@extauth/idp/server';
import type { PanelConfig } from '@extauth/panel/config';
import type { StartedPanel } from '@extauth/panel/server';
import type { SeedFile } from '@extauth/shared/seed';
import { type AdminToken, resolveAdminToken } from '../admin-token.js';
import type { LauncherConfig } from '../config.js';
import { readRootPassword } from '../root-password.js';
import { applyPanelSeed } from './apply-panel-seed.js';
import { loadSeedFile } from './load-seed.js';
import { writePanelIniGate } from './panel-ini-gate.js';

/**
 * What the launcher does for the admin token and a seed file, in start order:
 * 1. `prepareLaunch` (before the apps' configurations are read): the admin token and the seed file
 *    are settled and the file fully checked, so a bad file stops everything before any port or
 *    file is touched; the seed's root password and panel.ini location go into the apps' env.
 * 2. `beforeStart(panelConfig)`: panel.ini gets the seed's gate before the panel reads it.
 * 3. `idpRuntime`: the IdP applies its part while it starts (accounts, clients).
 * 4. `afterStart`: the panel part goes through the panel's WHM API 1 over HTTPS.
 */
export function prepareLaunch(
  config: LauncherConfig,
  env: Record<string, string | undefined>,
  appEnv: Record<string, string | undefined>,
  options: { seedFile?: string | undefined; cwd?: string | undefined },
) {
  const seedFile = options.seedFile ? path.resolve(options.cwd ?? process.cwd(), options.seedFile) : config.seedFile;
  let seed: SeedFile | undefined;
  let rootPasswordFromSeed = false;
  if (seedFile) {
    const demoEmail = loadIdpConfig(appEnv, options.cwd === undefined ? {} : { cwd: options.cwd }).demo.email;
    seed = loadSeedFile(seedFile, { knownEmails: [demoEmail] });
    rootPasswordFromSeed = seed.panel.rootPassword !== undefined && !env.PANEL_ROOT_PASSWORD;
    if (rootPasswordFromSeed) appEnv.PANEL_ROOT_PASSWORD = seed.panel.rootPassword;
    if (seed.panel.gate !== undefined && !appEnv.PANEL_INI_PATH && config.storage === 'memory') {
      // Memory mode has no panel.ini unless one is named; the seed's gate needs a file.
      appEnv.PANEL_INI_PATH = path.join(config.dataDir, 'panel', 'panel.ini');
    }
  }
  // After the seed check: a bad seed file leaves the data folder untouched.
  const admin: AdminToken | undefined = resolveAdminToken({
    explicit: config.adminToken,
    mode: config.adminApi,
    profile: config.profile,
    storage: config.storage,
    dataDir: config.dataDir,
  });
  appEnv.IDP_ADMIN_TOKEN = admin?.token;
  return {
    admin,
    seedFile,
    seed,
    /** The seed's `panel.rootPassword` is root's password for this start (PANEL_ROOT_PASSWORD unset). */
    rootPasswordFromSeed,
    beforeStart(panelConfig: PanelConfig): void {
      if (seed?.panel.gate !== undefined && panelConfig.panelIniPath) {
        writePanelIniGate(panelConfig.panelIniPath, seed.panel.gate);
      }
    },
    idpRuntime: seed ? { seed: seed.idp } : {},
    async afterStart(started: { idp: StartedIdp; panel: StartedPanel; caPem: string }): Promise<void> {
      if (!seed || !hasPanelApiWork(seed)) return;
      await applyPanelSeed({
        panelUrl: started.panel.url,
        ca: started.caPem,
        rootPassword: readRootPassword(started.panel.rootPassword, appEnv),
        seed: seed.panel,
        subjectOf: (email) => started.idp.subjectOf(email),
      });
    },
  };
}

const hasPanelApiWork = (seed: SeedFile) =>
  seed.panel.resellers.length > 0 || seed.panel.links.length > 0 || Object.keys(seed.panel.services ?? {}).length > 0;
