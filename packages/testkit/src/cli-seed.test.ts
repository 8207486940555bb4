import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { checkRootPassword } from '@extauth/sandbox/seed/apply-panel-seed';
import { createHttpClient } from '@extauth/server-kit/http-client';
import { findFreePort } from '@extauth/server-kit/ports';
import { SHARED_TLS_DIR } from './index.js';

// What a new user does: `pnpm start --seed seed.yaml` in a data folder an earlier plain start left a
// root-password.txt in, then `pnpm sandbox seed …` / `reset` in another terminal.
const BIN = path.join(import.meta.dirname, '..', 'bin', 'extauth-sandbox.js');
const SEED_ROOT_PASSWORD = 'seeded-root-password-1';
const FILE_ROOT_PASSWORD = 'from-an-earlier-plain-start';

const seedText = (rootPassword: string) => `panel:
  rootPassword: ${rootPassword}
  services: { whostmgrd: true }
  links:
    - { username: root, email: demo@example.com }
idp:
  accounts:
    - { email: seeded@example.com, password: seeded-password-1 }
`;

let dir: string;
let env: Record<string, string>;
let child: ChildProcess;
const rootFile = () => path.join(dir, 'data', 'panel', 'root-password.txt');

function cli(args: string[], extra: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: { ...env, ...extra } }, (error, out, err) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, out, err });
    });
  });
}

async function rootLinks(): Promise<string[]> {
  const http = createHttpClient({ ca: fs.readFileSync(path.join(SHARED_TLS_DIR, 'ca.pem'), 'utf8') });
  const auth = `Basic ${Buffer.from(`root:${SEED_ROOT_PASSWORD}`).toString('base64')}`;
  const res = await http.get(
    `https://localhost:${env.PANEL_PORT}/json-api/get_users_authn_linked_accounts?api.version=1`,
    {
      authorization: auth,
    },
  );
  await http.close();
  assert.equal(res.status, 200, res.text);
  const data = res.json<{
    data: { username_linked_accounts: { username: string; subject_unique_identifier: string }[] };
  }>();
  return data.data.username_linked_accounts
    .filter((l) => l.username === 'root')
    .map((l) => l.subject_unique_identifier);
}

const rootStillWorks = async () =>
  assert.deepEqual(
    await checkRootPassword({
      panelUrl: `https://localhost:${env.PANEL_PORT}`,
      ca: fs.readFileSync(path.join(SHARED_TLS_DIR, 'ca.pem'), 'utf8'),
      rootPassword: SEED_ROOT_PASSWORD,
    }),
    { ok: true },
    'root is not locked out',
  );

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-seed-'));
  fs.mkdirSync(path.join(dir, 'data', 'panel'), { recursive: true });
  fs.writeFileSync(rootFile(), `${FILE_ROOT_PASSWORD}\n`, { mode: 0o600 });
  fs.writeFileSync(path.join(dir, 'seed.yaml'), seedText(SEED_ROOT_PASSWORD));
  const [idp, panel] = await Promise.all([findFreePort(), findFreePort()]);
  env = {
    PATH: process.env.PATH ?? '',
    SANDBOX_DATA_DIR: path.join(dir, 'data'),
    SANDBOX_TLS_DIR: SHARED_TLS_DIR,
    SANDBOX_PASSWORD_HASH: 'fast',
    MAILDEV_ENABLED: 'false',
    IDP_PORT: String(idp),
    PANEL_PORT: String(panel),
  };
  child = spawn(process.execPath, [BIN, 'start', '--seed', path.join(dir, 'seed.yaml')], { env });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('Press Ctrl-C to stop.')) resolve();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.once('exit', (code) => reject(new Error(`the sandbox stopped (${code}):\n${out}`)));
  });
});
after(async () => {
  if (child.exitCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
});

describe('pnpm sandbox seed: root password of a sandbox started with a seed', () => {
  test("the seed's panel.rootPassword is tried first: three runs succeed and root is not locked", async () => {
    for (const run of [1, 2, 3]) {
      const res = await cli(['seed', path.join(dir, 'seed.yaml')]);
      assert.equal(res.code, 0, `run ${run}: ${res.err}`);
      assert.match(
        res.out,
        /^idp account seeded@example\.com: (created|unchanged)\npanel: 2 WHM API calls succeeded\n$/,
      );
      assert.equal(res.err, '', 'no note: the seed password is the one in force');
    }
    await rootStillWorks();
  });

  test('a seed password that is not in force falls back to root-password.txt, with one accurate note', async () => {
    const other = path.join(dir, 'other.yaml');
    fs.writeFileSync(other, seedText('not-the-running-password'));
    // The file holds the running password here (as after a plain `pnpm start`).
    fs.writeFileSync(rootFile(), `${SEED_ROOT_PASSWORD}\n`);
    try {
      const res = await cli(['seed', other]);
      assert.equal(res.code, 0, res.err);
      assert.match(res.out, /panel: 2 WHM API calls succeeded\n$/);
      assert.equal(
        res.err,
        "note: panel.rootPassword was not used: it becomes root's password only when the sandbox starts with this seed (pnpm start --seed FILE) and PANEL_ROOT_PASSWORD is unset\n",
      );
    } finally {
      fs.writeFileSync(rootFile(), `${FILE_ROOT_PASSWORD}\n`);
    }
  });

  test('when neither the seed nor the file has the password, one sentence says what the run cost and to set PANEL_ROOT_PASSWORD', async () => {
    const other = path.join(dir, 'wrong.yaml');
    fs.writeFileSync(other, seedText('not-the-running-password'));
    const res = await cli(['seed', other]);
    assert.equal(res.code, 1);
    assert.equal(
      res.err.split('\n').at(-2),
      `extauth-sandbox: the panel refused root's password from the seed (panel.rootPassword) and from ${rootFile()} (this run cost 2 refused logins as root; by default 10 within 15 minutes lock root out): set PANEL_ROOT_PASSWORD to the password the running sandbox uses rather than running seed again`,
    );
    const wrongEnv = await cli(['seed', path.join(dir, 'seed.yaml')], { PANEL_ROOT_PASSWORD: 'also-wrong-password' });
    assert.equal(wrongEnv.code, 1);
    assert.match(
      wrongEnv.err,
      /^note: panel\.rootPassword was not used: .+\nextauth-sandbox: the panel refused PANEL_ROOT_PASSWORD \(this run cost 1 refused login as root; by default 10 within 15 minutes lock root out\): set PANEL_ROOT_PASSWORD to the password the running sandbox uses rather than running seed again\n$/,
    );
    await rootStillWorks();
  });
});

describe('pnpm sandbox reset', () => {
  test('seeded accounts keep their subjects, so the panel link made before the reset still holds', async () => {
    const subs = async () => {
      const list = await cli(['users', 'list']);
      assert.equal(list.code, 0, list.err);
      return Object.fromEntries(
        list.out
          .trim()
          .split('\n')
          .map((l) => l.split('\t').slice(0, 2)),
      );
    };
    const before = await subs();
    const added = await cli(['users', 'add', 'runtime@example.com']);
    assert.equal(added.code, 0, added.err);
    assert.deepEqual(await rootLinks(), [before['demo@example.com']]);
    const res = await cli(['reset']);
    assert.equal(res.code, 0, res.err);
    assert.equal(
      res.out,
      'reset: 2 accounts and 0 clients from the seed (same subjects as before); removed 1 account added since\n',
    );
    const afterReset = await subs();
    assert.deepEqual(afterReset, {
      'demo@example.com': before['demo@example.com'],
      'seeded@example.com': before['seeded@example.com'],
    });
    assert.deepEqual(await rootLinks(), [afterReset['demo@example.com']], 'root still linked to the same subject');
  });
});

// Last: it locks root out for the rest of this sandbox's life.
describe('pnpm sandbox seed: root locked out', () => {
  test("a run whose own refusal reaches the limit says so, with the panel's Retry-After", async () => {
    const wrong = path.join(dir, 'locking.yaml');
    fs.writeFileSync(wrong, seedText('not-the-running-password'));
    const ca = fs.readFileSync(path.join(SHARED_TLS_DIR, 'ca.pem'), 'utf8');
    const panelUrl = `https://localhost:${env.PANEL_PORT}`;
    // Earlier tests' refusals were cleared by the right password since; 9 more leave room for one.
    for (let i = 0; i < 9; i += 1) {
      const refused = await checkRootPassword({ panelUrl, ca, rootPassword: `wrong-${i}` });
      assert.equal(refused.ok ? 200 : refused.error.status, 403, `refusal ${i + 1}`);
    }
    const res = await cli(['seed', wrong]);
    assert.equal(res.code, 1);
    assert.match(
      res.err.split('\n').at(-2) ?? '',
      /^extauth-sandbox: the panel has locked root out after too many wrong passwords \(1 refused login as root from this run\): wait \d+ s, then set PANEL_ROOT_PASSWORD to the password the running sandbox uses$/,
    );
  });
});
