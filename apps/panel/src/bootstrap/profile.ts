import fs from 'node:fs';
import path from 'node:path';
import type { Clock } from '@extauth/server-kit/clock';
import type { Logger } from '@extauth/server-kit/logger';
import { WEBPROS_PROVIDER_ID } from '@extauth/shared/contract';
import type { PanelProfile } from '../config.js';
import { DEMO_PANEL_INI } from '../panel-ini/panel-ini.js';
import type { ProviderStore } from '../store/providers.store.js';

export type ProfileOutcome = { seeded: true; profile: PanelProfile } | { seeded: false; profile: string };

/**
 * Seeds the provider lifecycle once per data folder (DESIGN.md "Seeds and profiles"). Both profiles
 * configure WebPros with the licence credentials (spec §13.2); `demo` also enables it for WHM and
 * writes the panel.ini gate, `fresh` leaves both off, like a newly installed server. Later starts
 * keep what the admin changed since, whatever the profile says (a mismatch is logged).
 */
export function applyProfile(deps: {
  store: ProviderStore;
  clock: Clock;
  logger: Logger;
  profile: PanelProfile;
  panelIniPath: string | undefined;
}): ProfileOutcome {
  const now = deps.clock.now();
  const seeded = deps.store.seedOnce(deps.profile, now, () => {
    deps.store.saveClientConfig(WEBPROS_PROVIDER_ID, { source: 'licence' }, now);
    if (deps.profile === 'demo') deps.store.setServiceEnabled(WEBPROS_PROVIDER_ID, 'whostmgrd', true, now);
  });
  if (seeded) {
    if (deps.profile === 'demo' && deps.panelIniPath) writeGateOnce(deps.panelIniPath);
    return { seeded: true, profile: deps.profile };
  }
  const stored = deps.store.findSeededProfile() ?? deps.profile;
  if (stored !== deps.profile) {
    deps.logger.warn(
      `SANDBOX_PROFILE=${deps.profile} ignored: this data folder was set up with the ${stored} profile; use a new SANDBOX_DATA_DIR to start over`,
    );
  }
  return { seeded: false, profile: stored };
}

/** An existing panel.ini is the admin's: never overwritten. */
function writeGateOnce(file: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  try {
    fs.writeFileSync(file, DEMO_PANEL_INI, { flag: 'wx', mode: 0o644 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
}
