import { applyPanelSeed } from '@extauth/sandbox/seed/apply-panel-seed';
import { loadSeedFile } from '@extauth/sandbox/seed/load-seed';
import { writePanelIniGate } from '@extauth/sandbox/seed/panel-ini-gate';
import type { SandboxTarget } from '@extauth/sandbox/target';
import { AdminApiError } from '../admin.js';
import { type CliIo, CommandFailure, readCa, withAdmin } from './context.js';

/**
 * `seed FILE` on a running sandbox: the file is checked whole first (exit 2 with line numbers),
 * then the IdP part goes through the admin API, panel.ini is written, and the panel part goes
 * through the panel's WHM API, as at start. Applying a file twice changes nothing.
 */
export async function runSeed(target: SandboxTarget, file: string, io: CliIo): Promise<void> {
  const seed = loadSeedFile(file);
  await withAdmin(target, async (admin) => {
    const idp = await admin.applySeed(seed.idp).catch((err: unknown) => {
      throw err instanceof AdminApiError && err.status === 400 ? new CommandFailure(err.message) : err;
    });
    for (const a of idp.accounts) io.out(`idp account ${a.email}: ${a.outcome}`);
    for (const c of idp.clients) io.out(`idp client ${c}: saved`);
    if (seed.panel.gate !== undefined) {
      if (!target.panelIniPath) throw new CommandFailure('panel.gate needs a panel.ini file: set PANEL_INI_PATH');
      const changed = writePanelIniGate(target.panelIniPath, seed.panel.gate);
      io.out(`panel.ini gate ${seed.panel.gate ? 'on' : 'off'}${changed ? '' : ' (unchanged)'}`);
    }
    if (seed.panel.rootPassword) io.err('note: panel.rootPassword only applies when the sandbox starts');
    const work = seed.panel.resellers.length + seed.panel.links.length + Object.keys(seed.panel.services ?? {}).length;
    if (work === 0) return;
    if (!target.rootPassword) {
      throw new CommandFailure('WHM root password unknown: set PANEL_ROOT_PASSWORD as for the running sandbox');
    }
    try {
      const { calls } = await applyPanelSeed({
        panelUrl: target.panelUrl,
        ca: readCa(target),
        rootPassword: target.rootPassword,
        seed: seed.panel,
        subjectOf: async (email) => (await admin.getAccount(email))?.sub,
      });
      io.out(`panel: ${calls} WHM API calls succeeded`);
    } catch (err) {
      throw new CommandFailure((err as Error).message);
    }
  });
}
