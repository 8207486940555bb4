import path from 'node:path';
import {
  applyPanelSeed,
  checkRootPassword,
  PanelAuthError,
  PanelSeedError,
} from '@extauth/sandbox/seed/apply-panel-seed';
import { loadSeedFile } from '@extauth/sandbox/seed/load-seed';
import { PanelIniSyntaxError, writePanelIniGate } from '@extauth/sandbox/seed/panel-ini-gate';
import type { SandboxTarget } from '@extauth/sandbox/target';
import { AdminApiError } from '../admin.js';
import { type CliIo, CommandFailure, readCa, withAdmin } from './context.js';
import { describeUnreachable } from './reach.js';

type PanelSeed = Parameters<typeof applyPanelSeed>[0]['seed'];

const SET_ENV = 'set PANEL_ROOT_PASSWORD to the password the running sandbox uses';

const UNUSED_SEED_PASSWORD =
  "note: panel.rootPassword was not used: it becomes root's password only when the sandbox starts with this seed (pnpm start --seed FILE) and PANEL_ROOT_PASSWORD is unset";

const IDP = { what: 'the IdP', portVariable: 'IDP_PORT' } as const;
const PANEL = { what: 'the panel', portVariable: 'PANEL_PORT' } as const;

/** Root's password for this run and how to word a refusal of it. */
interface RootCandidate {
  password: string;
  /** What the panel refused, if it does: names where the password(s) came from. */
  refused: string;
  fromSeed: boolean;
}

/**
 * Wrong passwords this run sent as root. Each counts towards the panel's lockout of root (by
 * default 10 within 15 minutes, PANEL_LOGIN_MAX_FAILURES_PER_USER), and the panel does not say how
 * many are left until it answers 429 with Retry-After, so the failure sentence says what this run
 * cost and that rerunning costs as much again.
 */
interface RefusalCount {
  refused: number;
}

const loginsWord = (n: number) => `${n} refused ${n === 1 ? 'login' : 'logins'} as root`;

function refusedFailure(what: string, count: RefusalCount): CommandFailure {
  return new CommandFailure(
    `the panel refused ${what} (this run cost ${loginsWord(count.refused)}; by default 10 within 15 minutes lock root out): ${SET_ENV} rather than running seed again`,
  );
}

function lockedOut(error: PanelAuthError, count: RefusalCount): CommandFailure {
  const wait = error.retryAfterSeconds === undefined ? 'wait 15 minutes' : `wait ${error.retryAfterSeconds} s`;
  const ours = count.refused === 0 ? '' : ` (${loginsWord(count.refused)} from this run)`;
  return new CommandFailure(
    `the panel has locked root out after too many wrong passwords${ours}: ${wait}, then ${SET_ENV}`,
  );
}

/**
 * Which password to sign in to the WHM API with. PANEL_ROOT_PASSWORD wins, as at start. Otherwise
 * the running sandbox uses the seed's `panel.rootPassword` if it was started with this seed, or
 * `<data>/panel/root-password.txt` if not; the target cannot tell which, so the seed's is tried
 * with one read-only call first. A run therefore costs at most two refused logins as root (the
 * seed's password, then the file's), and each rerun as many again: after a refusal the way out is
 * PANEL_ROOT_PASSWORD, not another run.
 */
async function chooseRootPassword(
  target: SandboxTarget,
  seedPassword: string | undefined,
  ca: string,
  count: RefusalCount,
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
    if (checked.error.status === 429) throw lockedOut(checked.error, count);
    count.refused += 1;
    if (!file) throw refusedFailure("root's password from the seed (panel.rootPassword)", count);
    const refused = `root's password from the seed (panel.rootPassword) and from ${fileName}`;
    return { ...file, refused, fromSeed: false };
  }
  if (file) return { ...file, fromSeed: seedPassword === file.password };
  throw new CommandFailure(`WHM root password unknown: ${SET_ENV}`);
}

/** Plain words for the file-system errors writing panel.ini meets. */
const FILE_PROBLEMS: Record<string, string> = {
  EISDIR: 'it is a folder',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOTDIR: 'a part of its path is not a folder',
  ENOENT: 'its folder does not exist',
  EROFS: 'the file system is read-only',
};

/**
 * Sets the seed's gate in panel.ini. Its failures are about a local file, not a server: one sentence
 * naming the file and PANEL_INI_PATH (which chooses it), never "cannot reach the IdP" or a stack.
 */
function writeGate(file: string, on: boolean): boolean {
  try {
    return writePanelIniGate(file, on);
  } catch (err) {
    if (err instanceof PanelIniSyntaxError) {
      throw new CommandFailure(
        `panel.ini at ${file} does not parse (line ${err.line}: ${err.problem}): fix or delete it, or set PANEL_INI_PATH to the panel.ini of the running sandbox`,
      );
    }
    const code = (err as { code?: unknown }).code;
    if (typeof code !== 'string') throw err;
    throw new CommandFailure(
      `cannot write panel.gate to ${file} (${FILE_PROBLEMS[code] ?? code}): set PANEL_INI_PATH to the panel.ini of the running sandbox, a file this user can write`,
    );
  }
}

/** An error as the sentence that names the server it failed to reach; other errors unchanged. */
function attributed(err: unknown, url: string, server: typeof IDP | typeof PANEL): unknown {
  if (err instanceof CommandFailure) return err;
  const unreachable = describeUnreachable(err, { url, ...server });
  return unreachable ? new CommandFailure(unreachable.sentence) : err;
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
      const changed = writeGate(target.panelIniPath, seed.panel.gate);
      io.out(`panel.ini gate ${seed.panel.gate ? 'on' : 'off'}${changed ? '' : ' (unchanged)'}`);
    }
    const work = seed.panel.resellers.length + seed.panel.links.length + Object.keys(seed.panel.services ?? {}).length;
    if (work === 0) {
      if (seed.panel.rootPassword) io.err(UNUSED_SEED_PASSWORD);
      return;
    }
    const ca = readCa(target);
    // Links given by email ask the IdP for the subject in the middle of the panel part: a failure
    // there is the IdP's, and is named so before the panel's catch below sees it.
    const subjectOf = async (email: string) => {
      try {
        return (await admin.getAccount(email))?.sub;
      } catch (err) {
        throw attributed(err, target.issuer, IDP);
      }
    };
    try {
      await seedPanel(target, seed.panel, ca, io, subjectOf);
    } catch (err) {
      throw attributed(err, target.panelUrl, PANEL);
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
  const count: RefusalCount = { refused: 0 };
  const root = await chooseRootPassword(target, panel.rootPassword, ca, count);
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
      if (err.status === 429) throw lockedOut(err, count);
      count.refused += 1;
      throw refusedFailure(root.refused, count);
    }
    if (err instanceof PanelSeedError) throw new CommandFailure(err.message);
    throw err;
  }
}
