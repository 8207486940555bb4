import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SandboxTarget } from '@extauth/sandbox/target';
import { type CliIo, CommandFailure, readCa } from './context.js';

/** The name the CA carries in every NSS database, so a second run finds (and replaces) the first. */
export const TRUST_NICKNAME = 'extauth-sandbox CA';

export interface TrustOptions {
  remove: boolean;
  /** The user whose trust stores change (default: HOME of the environment). */
  home: string;
  platform: NodeJS.Platform;
  /** Directories searched for `certutil` (default: PATH of the environment). */
  searchPath: string;
}

export function trustOptionsOf(env: Record<string, string | undefined>, remove: boolean): TrustOptions {
  return {
    remove,
    home: env.HOME || os.homedir(),
    platform: process.platform,
    searchPath: env.PATH ?? '',
  };
}

interface NssDatabase {
  dir: string;
  /** Who reads it, for the report. */
  reader: string;
}

function findCertutil(searchPath: string): string | undefined {
  return searchPath
    .split(path.delimiter)
    .filter(Boolean)
    .map((dir) => path.join(dir, 'certutil'))
    .find((file) => {
      try {
        fs.accessSync(file, fs.constants.X_OK);
        return fs.statSync(file).isFile();
      } catch {
        return false;
      }
    });
}

/** Chromium's shared database, and every Firefox profile (the deb and the snap) that has one. */
function nssDatabases(home: string): NssDatabase[] {
  const databases: NssDatabase[] = [{ dir: path.join(home, '.pki', 'nssdb'), reader: 'Chromium/Chrome' }];
  for (const root of [
    path.join(home, '.mozilla', 'firefox'),
    path.join(home, 'snap', 'firefox', 'common', '.mozilla', 'firefox'),
  ]) {
    const profiles = fs.existsSync(root) ? fs.readdirSync(root, { withFileTypes: true }) : [];
    for (const profile of profiles.filter((p) => p.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
      const dir = path.join(root, profile.name);
      if (fs.existsSync(path.join(dir, 'cert9.db'))) databases.push({ dir, reader: `Firefox profile ${profile.name}` });
    }
  }
  return databases;
}

function certutil(binary: string, args: string[]): { ok: boolean; output: string } {
  const res = spawnSync(binary, args, { encoding: 'utf8' });
  const output = `${res.stdout ?? ''}${res.stderr ?? ''}${res.error ? res.error.message : ''}`.trim();
  return { ok: res.status === 0, output };
}

const isListed = (binary: string, db: string) => certutil(binary, ['-L', '-n', TRUST_NICKNAME, '-d', db]).ok;

/**
 * Deletes every certificate with our nickname (a re-created CA would otherwise sit next to the old
 * one). `left` is true when one is still listed afterwards: the database refused the deletion.
 */
function removeFrom(binary: string, db: string): { removed: number; left: boolean } {
  let removed = 0;
  // Bounded: one deletion per run of the command that added it, never an endless loop on a broken database.
  while (removed < 100 && certutil(binary, ['-D', '-n', TRUST_NICKNAME, '-d', db]).ok) removed += 1;
  return { removed, left: isListed(binary, db) };
}

/** A path as one word for the shell the printed command is meant for (POSIX sh, or PowerShell). */
function shellWord(value: string, shell: 'sh' | 'powershell'): string {
  if (/^[\w@%+=:,./-]+$/.test(value)) return value;
  return shell === 'sh' ? `'${value.replaceAll("'", "'\\''")}'` : `'${value.replaceAll("'", "''")}'`;
}

/** The CA's SHA-1 thumbprint, how macOS's security and Windows' certutil name one certificate. */
function thumbprintOf(caFile: string): string | undefined {
  if (!fs.existsSync(caFile)) return undefined;
  return new X509Certificate(fs.readFileSync(caFile)).fingerprint.replaceAll(':', '');
}

function manualSteps(caFile: string, platform: NodeJS.Platform, remove: boolean): string[] {
  const quoted = shellWord(caFile, platform === 'win32' ? 'powershell' : 'sh');
  const thumbprint = thumbprintOf(caFile);
  const unknownCa = `the CA file ${caFile} is gone: remove the certificate named "extauth-sandbox local development CA …"`;
  if (platform === 'darwin') {
    if (remove) {
      return thumbprint
        ? [
            'On macOS, remove the CA from your login keychain:',
            `  security delete-certificate -Z ${thumbprint} ~/Library/Keychains/login.keychain-db`,
          ]
        : [`On macOS, ${unknownCa} in Keychain Access (login keychain).`];
    }
    return [
      'On macOS, trust the CA for TLS servers in your login keychain (Safari, Chrome and, by default, Firefox read it):',
      `  security add-trusted-cert -r trustRoot -p ssl -k ~/Library/Keychains/login.keychain-db ${quoted}`,
      `For Node: export NODE_EXTRA_CA_CERTS=${quoted}`,
    ];
  }
  if (platform === 'win32') {
    if (remove) {
      return thumbprint
        ? [
            "On Windows, remove the CA from the current user's Root store:",
            `  certutil -delstore -user Root ${thumbprint}`,
          ]
        : [`On Windows, ${unknownCa} with certmgr.msc (Trusted Root Certification Authorities).`];
    }
    return [
      "On Windows, trust the CA in the current user's Root store (Edge, Chrome and, by default, Firefox read it):",
      `  certutil -addstore -user Root ${quoted}`,
      `For Node (PowerShell): $env:NODE_EXTRA_CA_CERTS = ${quoted}`,
    ];
  }
  return remove
    ? [
        'certutil is not installed: install it (Debian/Ubuntu: sudo apt install libnss3-tools) and run this again,',
        `or remove "${TRUST_NICKNAME}" in the browser: Settings › Certificates › Authorities.`,
      ]
    : [
        'certutil is not installed. On Debian/Ubuntu:',
        '  sudo apt install libnss3-tools        # then run this command again (Chromium, Chrome, Firefox)',
        'For system tools (curl, wget, git), as root:',
        `  cp ${quoted} /usr/local/share/ca-certificates/extauth-sandbox.crt && update-ca-certificates`,
        `For Node: export NODE_EXTRA_CA_CERTS=${quoted}`,
      ];
}

/**
 * `trust [--remove]`: adds the sandbox CA to the current user's NSS databases (Chromium's
 * ~/.pki/nssdb, created if missing, and each Firefox profile) with certutil, replacing an earlier
 * copy; or removes it. Where that cannot be done (no certutil, macOS, Windows) it prints the steps
 * instead and succeeds. Fails (CommandFailure) when a database refused the change.
 */
export function runTrust(target: SandboxTarget, options: TrustOptions, io: CliIo): void {
  // Adding needs the CA; removing works by nickname, also after the data folder is gone.
  if (!options.remove) readCa(target);
  const binary = options.platform === 'linux' ? findCertutil(options.searchPath) : undefined;
  if (!binary) {
    for (const line of manualSteps(target.caFile, options.platform, options.remove)) io.out(line);
    return;
  }
  let failed = 0;
  for (const { dir, reader } of nssDatabases(options.home)) {
    const db = `sql:${dir}`;
    if (options.remove) {
      if (!fs.existsSync(path.join(dir, 'cert9.db'))) continue;
      const { removed, left } = removeFrom(binary, db);
      if (left) {
        failed += 1;
        io.err(`FAIL     ${dir} (${reader}): "${TRUST_NICKNAME}" is still there after certutil -D`);
      } else io.out(`${removed > 0 ? 'removed  ' : 'not there'} ${dir} (${reader})`);
      continue;
    }
    if (!fs.existsSync(path.join(dir, 'cert9.db'))) {
      try {
        fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      } catch (err) {
        failed += 1;
        io.err(`FAIL     ${dir} (${reader}): ${(err as Error).message}`);
        continue;
      }
      const created = certutil(binary, ['-N', '--empty-password', '-d', db]);
      if (!created.ok) {
        failed += 1;
        io.err(`FAIL     ${dir} (${reader}): could not create the database: ${created.output}`);
        continue;
      }
    }
    if (removeFrom(binary, db).left) {
      failed += 1;
      io.err(`FAIL     ${dir} (${reader}): an earlier "${TRUST_NICKNAME}" could not be removed`);
      continue;
    }
    const added = certutil(binary, ['-A', '-n', TRUST_NICKNAME, '-t', 'C,,', '-i', target.caFile, '-d', db]);
    if (added.ok) io.out(`trusted   ${dir} (${reader})`);
    else {
      failed += 1;
      io.err(`FAIL     ${dir} (${reader}): ${added.output}`);
    }
  }
  if (!options.remove) {
    io.out('Restart the browser to pick up the change. Other clients:');
    io.out(`  Node: export NODE_EXTRA_CA_CERTS=${shellWord(target.caFile, 'sh')}`);
    io.out(`  curl: curl --cacert ${shellWord(target.caFile, 'sh')} ${target.issuer}/.well-known/openid-configuration`);
  }
  if (failed > 0) throw new CommandFailure(`${failed} trust store(s) could not be changed (see above)`);
}
