import { randomInt } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Clock } from '@extauth/server-kit/clock';
import { hashPassword, type ScryptParams, verifyPassword } from '@extauth/server-kit/passwords';
import type { UserStore } from '../store/users.store.js';

export const ROOT_USERNAME = 'root';
export const ROOT_PASSWORD_FILE_NAME = 'root-password.txt';

export type RootPasswordSource =
  | { source: 'env' }
  | { source: 'file'; file: string }
  | { source: 'memory'; value: string };

/** No look-alike characters (0/O, 1/l/I), so the password can be typed from a screen. */
const ALPHABET = 'abcdefghijkmnpqrstuvwxyzACDEFGHJKLMNPQRSTUVWXYZ23456789';
const GROUPS = 4;
const GROUP_LENGTH = 6;

/** 24 characters from 55 symbols (~138 bits) from the CSPRNG, in dash-separated groups. */
export function generateRootPassword(): string {
  const groups: string[] = [];
  for (let g = 0; g < GROUPS; g += 1) {
    let group = '';
    for (let i = 0; i < GROUP_LENGTH; i += 1) group += ALPHABET[randomInt(ALPHABET.length)];
    groups.push(group);
  }
  return groups.join('-');
}

/**
 * Makes sure `root` exists with the right password hash (DESIGN.md "Seeds and profiles"):
 * - `PANEL_ROOT_PASSWORD` set: that password applies, also when it changed since the last start;
 * - unset, on disk: generated once into `<panelDir>/root-password.txt` (0600, written exclusively
 *   so it is never overwritten); a password that came from the file is kept across restarts even
 *   if the file was deleted afterwards;
 * - unset, in memory: generated and returned, since nothing may be written.
 * Only the scrypt hash reaches the store.
 */
export async function ensureRootPassword(deps: {
  users: UserStore;
  clock: Clock;
  hashParams: ScryptParams;
  envPassword: string | undefined;
  /** `<data>/panel`, or undefined in memory mode. */
  panelDir: string | undefined;
}): Promise<RootPasswordSource> {
  const { users, clock, hashParams, envPassword, panelDir } = deps;
  const existing = users.findUser(ROOT_USERNAME);
  const apply = async (password: string, origin: 'env' | 'file' | 'memory') =>
    users.setPassword(ROOT_USERNAME, await hashPassword(password, hashParams), origin, clock.now());

  if (envPassword !== undefined) {
    const current = existing?.passwordOrigin === 'env' && (await verifyPassword(envPassword, existing.passwordHash));
    if (!current) await apply(envPassword, 'env');
    return { source: 'env' };
  }
  if (!panelDir) {
    const value = generateRootPassword();
    await apply(value, 'memory');
    return { source: 'memory', value };
  }
  const file = path.join(panelDir, ROOT_PASSWORD_FILE_NAME);
  if (existing?.passwordOrigin === 'file') return { source: 'file', file };
  await apply(readOrCreatePasswordFile(file), 'file');
  return { source: 'file', file };
}

function readOrCreatePasswordFile(file: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  try {
    const password = generateRootPassword();
    fs.writeFileSync(file, `${password}\n`, { flag: 'wx', mode: 0o600 });
    return password;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  // A file left from an earlier data set (for example after deleting panel.sqlite) stays the truth.
  const password = fs.readFileSync(file, 'utf8').trim();
  if (!password) throw new Error(`${file} is empty; delete it to generate a new root password`);
  return password;
}
