import path from 'node:path';
import {
  applyPanelSeed,
  checkRootPassword,
  PanelAuthError,
  PanelSeedError,
} from '@extauth/sandbox/seed/apply-panel-seed';
import { loadSeedFile } from '@extauth/sandbox/seed/load-seed';
import { writePanelIniGate } from '@extauth/sandbox/seed/panel-ini-gate';
import type { SandboxTarget } from '@extauth/sandbox/target';
import { AdminApiError } from '../admin.js';
import { type CliIo, CommandFailure, readCa, withAdmin } from './context.js';
import { describeUnreachable } from './reach.js';

type PanelSeed = Parameters<typeof applyPanelSeed>[0]['seed'];

const SET_ENV = 'set PANEL_ROOT_PASSWORD to the password the running sandbox uses';

const UNUSED_SEED_PASSWORD =
  "note: panel.rootPassword was not used: it becomes root's password only when the sandbox starts with this seed (pnpm start --seed FILE) and PANEL_ROOT_PASSWORD is unset";

/** Root's password for this run and how to word a refusal of it. */
interface RootCandidate {
  password: string;
  /** What the panel refused, if it does: names where the password(s) came from. */
  refused: string;
  fromSeed: boolean;
}

function lockedOut(error: PanelAuthError): CommandFailure {
  const wait = error.retryAfterSeconds === undefined ? 'wait 15 minutes' : `wait ${error.retryAfterSeconds} s`;
  return new CommandFailure(`the panel has locked root out after too many wrong passwords: ${wait}, then ${SET_ENV}`);
}

/**
 * Which password to sign in to the WHM API with. PANEL_ROOT_PASSWORD wins, as at start. Otherwise
 * the running sandbox uses the seed's `panel.rootPassword` if it was started with this seed, or
 * `<data>/panel/root-password.txt` if not; the target cannot tell which, so the seed's is tried
 * with one read-only call first. At most one wrong password per run counts towards root's lockout.
 */
async function chooseRootPassword(
  target: SandboxTarget,
  seedPassword: string | undefined,
  ca: string,
): Promise<RootCandidate> {
  if (target.rootPasswordSource === 'env' && target.rootPassword) {
    return { password: target.rootPassword, refused: 'PANEL_ROOT_PASSWORD', fromSeed: false };
  }
  const fileName = path.join(target.dataDir, 'panel', 'root-password.txt');
  const file = target.rootPassword
    ? { password: target.rootPassword, refused: `root's password from ${fileName}` }
    : undefined;
  if (seedPassword && seedPassword !== file?.password) {
    const checked = await checkRootPassword({ panelUrl: target.panelUrl, ca, rootPassword: seedPassword });
    if (checked.ok) return { password: seedPassword, refused: "root's password from the seed", fromSeed: true };
    if (checked.error.status === 429) throw lockedOut(checked.error);
    if (!file) {
      throw new CommandFailure(`the panel refused root's password from the seed (panel.rootPassword): ${SET_ENV}`);
    }
    const refused = `root's password from the seed (panel.rootPassword) and from ${fileName}`;
    return { ...file, refused, fromSeed: false };
  }
  if (file) return { ...file, fromSeed: seedPassword === file.password };
  throw new CommandFailure(`WHM root password unknown: ${SET_ENV}`);
}

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
    const work = seed.panel.resellers.length + seed.panel.links.length + Object.keys(seed.panel.services ?? {}).length;
    if (work === 0) {
      if (seed.panel.rootPassword) io.err(UNUSED_SEED_PASSWORD);
      return;
    }
    const ca = readCa(target);
    try {
      await seedPanel(target, seed.panel, ca, io, async (email) => (await admin.getAccount(email))?.sub);
    } catch (err) {
      // Reaching the panel failed: name the panel, not the IdP the admin calls went to.
      const where = { url: target.panelUrl, what: 'the panel', portVariable: 'PANEL_PORT' };
      const unreachable = err instanceof CommandFailure ? undefined : describeUnreachable(err, where);
      throw unreachable ? new CommandFailure(unreachable.sentence) : err;
    }
  });
}

/** The panel part through the WHM API, as root with the password chooseRootPassword settles on. */
async function seedPanel(
  target: SandboxTarget,
  panel: PanelSeed,
  ca: string,
  io: CliIo,
  subjectOf: (email: string) => Promise<string | undefined>,
): Promise<void> {
  const root = await chooseRootPassword(target, panel.rootPassword, ca);
  if (panel.rootPassword && !root.fromSeed) io.err(UNUSED_SEED_PASSWORD);
  try {
    const { calls } = await applyPanelSeed({
      panelUrl: target.panelUrl,
      ca,
      rootPassword: root.password,
      seed: panel,
      subjectOf,
    });
    io.out(`panel: ${calls} WHM API ${calls === 1 ? 'call' : 'calls'} succeeded`);
  } catch (err) {
    if (err instanceof PanelAuthError) {
      if (err.status === 429) throw lockedOut(err);
      throw new CommandFailure(`the panel refused ${root.refused}: ${SET_ENV}`);
    }
    if (err instanceof PanelSeedError) throw new CommandFailure(err.message);
    throw err;
  }
}
