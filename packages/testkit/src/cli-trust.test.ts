import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { resolveSandboxTarget } from '@extauth/sandbox/target';
import { ensureDevCertificates } from '@extauth/server-kit/tls';
import { runTrust, TRUST_NICKNAME, trustOptionsOf } from './cli/trust.js';

// `trust` changes a user's NSS databases: every test runs it with HOME in a fresh temp folder and
// reads the result back with certutil, as a browser would find it.

const CLI = path.join(import.meta.dirname, 'cli.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-trust-test-'));

function cli(args: string[], env: Record<string, string>): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env }, (error, out, err) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, out, err });
    });
  });
}

/** A data folder with a real sandbox CA in it (each one a different CA). */
async function dataDirWithCa(name: string): Promise<string> {
  const dataDir = path.join(tmp, name);
  await ensureDevCertificates({ dir: path.join(dataDir, 'tls') });
  return dataDir;
}

function freshHome(name: string): string {
  const home = path.join(tmp, name);
  fs.mkdirSync(home);
  return home;
}

/** The certificates with our nickname in a database, as SHA-256 fingerprints, and their trust flags. */
function trusted(dir: string): { fingerprints: string[]; flags: string[] } {
  const db = `sql:${dir}`;
  const list = execFileSync('certutil', ['-L', '-d', db], { encoding: 'utf8' });
  const flags = list
    .split('\n')
    .filter((line) => line.startsWith(TRUST_NICKNAME))
    .map((line) => line.slice(TRUST_NICKNAME.length).trim());
  if (flags.length === 0) return { fingerprints: [], flags };
  const pem = execFileSync('certutil', ['-L', '-n', TRUST_NICKNAME, '-a', '-d', db], { encoding: 'utf8' });
  const fingerprints = (pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map(
    (block) => new X509Certificate(block).fingerprint256,
  );
  return { fingerprints, flags };
}

const fingerprintOf = (dataDir: string) =>
  new X509Certificate(fs.readFileSync(path.join(dataDir, 'tls', 'ca.pem'))).fingerprint256;

let firstData: string;
let secondData: string;
before(async () => {
  assert.ok(
    process.platform !== 'linux' || execFileSync('sh', ['-c', 'command -v certutil || true']).toString().trim(),
    'certutil is needed for these tests: apt install libnss3-tools',
  );
  [firstData, secondData] = await Promise.all([dataDirWithCa('data-1'), dataDirWithCa('data-2')]);
});

describe('extauth-sandbox trust (Linux, certutil)', { skip: process.platform !== 'linux' }, () => {
  test('creates ~/.pki/nssdb, trusts the CA there and in each Firefox profile; a re-run replaces, --remove undoes', async () => {
    const home = freshHome('home-linux');
    const firefox = path.join(home, '.mozilla', 'firefox');
    const profile = path.join(firefox, 'abcd1234.default-release');
    const emptyProfile = path.join(firefox, 'zzzz9999.never-started');
    fs.mkdirSync(profile, { recursive: true });
    fs.mkdirSync(emptyProfile, { recursive: true });
    execFileSync('certutil', ['-N', '--empty-password', '-d', `sql:${profile}`]);
    const nssdb = path.join(home, '.pki', 'nssdb');
    const env = (dataDir: string) => ({ PATH: process.env.PATH ?? '', HOME: home, SANDBOX_DATA_DIR: dataDir });

    const first = await cli(['trust'], env(firstData));
    assert.equal(first.code, 0, first.err);
    assert.match(first.out, new RegExp(`^trusted {3}${nssdb} \\(Chromium/Chrome\\)$`, 'm'));
    assert.match(first.out, new RegExp(`^trusted {3}${profile} \\(Firefox profile abcd1234.default-release\\)$`, 'm'));
    assert.ok(first.out.includes(`NODE_EXTRA_CA_CERTS=${path.join(firstData, 'tls', 'ca.pem')}`));
    assert.equal(first.err, '');
    for (const dir of [nssdb, profile]) {
      assert.deepEqual(trusted(dir), { fingerprints: [fingerprintOf(firstData)], flags: ['C,,'] }, dir);
    }
    assert.equal(
      fs.existsSync(path.join(emptyProfile, 'cert9.db')),
      false,
      'a profile without a database is left alone',
    );

    assert.equal((await cli(['trust'], env(firstData))).code, 0);
    assert.deepEqual(trusted(nssdb), { fingerprints: [fingerprintOf(firstData)], flags: ['C,,'] }, 'not duplicated');

    // A new data folder means a new CA: it replaces the old one instead of sitting next to it.
    assert.equal((await cli(['trust'], env(secondData))).code, 0);
    for (const dir of [nssdb, profile]) {
      assert.deepEqual(trusted(dir), { fingerprints: [fingerprintOf(secondData)], flags: ['C,,'] }, dir);
    }

    const removed = await cli(['trust', '--remove'], env(secondData));
    assert.equal(removed.code, 0, removed.err);
    assert.match(removed.out, new RegExp(`^removed {3}${nssdb} \\(Chromium/Chrome\\)$`, 'm'));
    for (const dir of [nssdb, profile]) assert.deepEqual(trusted(dir).fingerprints, [], dir);
    const again = await cli(['trust', '--remove'], env(path.join(tmp, 'no-such-data')));
    assert.equal(again.code, 0, 'removing works without the data folder and twice');
    assert.match(again.out, new RegExp(`^not there ${nssdb} `, 'm'));
  });

  test('--remove that leaves the CA in a database is a failure, not "not there"', async () => {
    // A certutil that lists the CA but refuses to delete it, as a locked or read-only database does.
    const bin = path.join(tmp, 'stubborn-bin');
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, 'certutil'), '#!/bin/sh\ncase "$1" in -D) exit 1;; *) exit 0;; esac\n', {
      mode: 0o755,
    });
    const home = freshHome('home-stubborn');
    const nssdb = path.join(home, '.pki', 'nssdb');
    fs.mkdirSync(nssdb, { recursive: true });
    fs.writeFileSync(path.join(nssdb, 'cert9.db'), '');
    const env = { PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}`, HOME: home, SANDBOX_DATA_DIR: firstData };
    const removed = await cli(['trust', '--remove'], env);
    assert.equal(removed.code, 1);
    assert.match(
      removed.err,
      new RegExp(`^FAIL {5}${nssdb} \\(Chromium/Chrome\\): "${TRUST_NICKNAME}" is still there`, 'm'),
    );
    assert.doesNotMatch(removed.out, /not there/);
    const added = await cli(['trust'], env);
    assert.equal(added.code, 1, 'an old copy that cannot be replaced is a failure too');
    assert.match(added.err, /could not be removed/);
  });

  test('a database certutil cannot write is a failure: its line on stderr and exit code 1', async () => {
    const home = freshHome('home-broken');
    const nssdb = path.join(home, '.pki', 'nssdb');
    fs.mkdirSync(nssdb, { recursive: true });
    fs.writeFileSync(path.join(nssdb, 'cert9.db'), 'this is not an SQLite database');
    const res = await cli(['trust'], { PATH: process.env.PATH ?? '', HOME: home, SANDBOX_DATA_DIR: firstData });
    assert.equal(res.code, 1);
    assert.match(res.err, new RegExp(`^FAIL {5}${nssdb} \\(Chromium/Chrome\\): .+`, 'm'));
    assert.match(res.err, /extauth-sandbox: 1 trust store\(s\) could not be changed \(see above\)/);
  });

  test('without certutil it changes nothing and prints the Debian steps, Node and system tools included', async () => {
    const home = freshHome('home-no-certutil');
    const res = await cli(['trust'], { PATH: path.join(tmp, 'empty-bin'), HOME: home, SANDBOX_DATA_DIR: firstData });
    assert.equal(res.code, 0, res.err);
    const ca = path.join(firstData, 'tls', 'ca.pem');
    assert.ok(res.out.includes('sudo apt install libnss3-tools'), res.out);
    assert.ok(
      res.out.includes(`cp ${ca} /usr/local/share/ca-certificates/extauth-sandbox.crt && update-ca-certificates`),
    );
    assert.ok(res.out.includes(`export NODE_EXTRA_CA_CERTS=${ca}`));
    assert.deepEqual(fs.readdirSync(home), [], 'nothing created in HOME');
  });

  test('no CA yet: exit code 1 with what to do', async () => {
    const home = freshHome('home-no-ca');
    const missing = path.join(tmp, 'never-started');
    const res = await cli(['trust'], { PATH: process.env.PATH ?? '', HOME: home, SANDBOX_DATA_DIR: missing });
    assert.equal(res.code, 1);
    assert.equal(
      res.err,
      `extauth-sandbox: no CA at ${path.join(missing, 'tls', 'ca.pem')}: start the sandbox first, or set SANDBOX_DATA_DIR\n`,
    );
    assert.equal((await cli(['trust', 'now'], { PATH: '', SANDBOX_DATA_DIR: missing })).code, 2, 'no arguments');
  });
});

describe('extauth-sandbox trust on macOS and Windows: the steps to run', () => {
  const run = (platform: NodeJS.Platform, remove: boolean) => {
    const lines: string[] = [];
    const home = freshHome(`home-${platform}-${remove}`);
    const target = resolveSandboxTarget({ SANDBOX_DATA_DIR: firstData });
    runTrust(
      target,
      { ...trustOptionsOf({ HOME: home, PATH: process.env.PATH }, remove), platform },
      {
        out: (line) => lines.push(line),
        err: (line) => lines.push(`ERR ${line}`),
      },
    );
    assert.deepEqual(fs.readdirSync(home), [], 'nothing changed in HOME');
    return lines;
  };
  const ca = () => path.join(firstData, 'tls', 'ca.pem');

  const thumbprint = () =>
    new X509Certificate(fs.readFileSync(path.join(firstData, 'tls', 'ca.pem'))).fingerprint.replaceAll(':', '');

  test('macOS: security add-trusted-cert into the login keychain, delete-certificate by thumbprint to undo', () => {
    const add = run('darwin', false);
    assert.ok(
      add.includes(`  security add-trusted-cert -r trustRoot -p ssl -k ~/Library/Keychains/login.keychain-db ${ca()}`),
      'trusted for TLS servers only (-p ssl)',
    );
    assert.ok(add.includes(`For Node: export NODE_EXTRA_CA_CERTS=${ca()}`));
    assert.match(thumbprint(), /^[0-9A-F]{40}$/);
    assert.ok(
      run('darwin', true).includes(
        `  security delete-certificate -Z ${thumbprint()} ~/Library/Keychains/login.keychain-db`,
      ),
    );
  });

  test('a path with spaces or quotes is printed as one word of the shell it is for', async () => {
    const dataDir = await dataDirWithCa("my data's");
    const lines: string[] = [];
    const io = { out: (line: string) => lines.push(line), err: (line: string) => lines.push(line) };
    const target = resolveSandboxTarget({ SANDBOX_DATA_DIR: dataDir });
    const options = (platform: NodeJS.Platform) => ({
      ...trustOptionsOf({ HOME: freshHome(`home-quote-${platform}`), PATH: '' }, false),
      platform,
    });
    runTrust(target, options('darwin'), io);
    runTrust(target, options('win32'), io);
    const file = path.join(dataDir, 'tls', 'ca.pem');
    assert.ok(lines.includes(`For Node: export NODE_EXTRA_CA_CERTS='${file.replace("'", "'\\''")}'`), lines.join('\n'));
    assert.ok(lines.includes(`  certutil -addstore -user Root '${file.replace("'", "''")}'`), lines.join('\n'));
  });

  test("Windows: certutil -addstore into the user's Root store, -delstore by thumbprint to undo", () => {
    const add = run('win32', false);
    assert.ok(add.includes(`  certutil -addstore -user Root ${ca()}`));
    assert.ok(add.includes(`For Node (PowerShell): $env:NODE_EXTRA_CA_CERTS = ${ca()}`));
    assert.ok(run('win32', true).includes(`  certutil -delstore -user Root ${thumbprint()}`));
  });
});
