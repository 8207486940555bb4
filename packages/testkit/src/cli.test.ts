import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { findFreePort } from '@extauth/server-kit/ports';
import { ensureDevCertificates } from '@extauth/server-kit/tls';
import { createHeadlessBrowser, createSandbox, type Sandbox, SHARED_TLS_DIR, totp } from './index.js';

const CLI = path.join(import.meta.dirname, 'cli.js');
const BIN = path.join(import.meta.dirname, '..', 'bin', 'extauth-sandbox.js');
const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? '', ...env } }, (error, out, err) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, out, err });
    });
  });
}

let sandbox: Sandbox;
let dir: string;
before(async () => {
  sandbox = await createSandbox({ storage: 'sqlite' });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-test-'));
});
after(() => sandbox?.stop());

describe('extauth-sandbox CLI: usage', () => {
  test('no command, an unknown command or a bad option: usage on stderr, exit code 2', async () => {
    for (const args of [[], ['fly'], ['users'], ['users', 'add'], ['code'], ['doctor', 'now'], ['--nope']]) {
      const res = await cli(args);
      assert.equal(res.code, 2, args.join(' '));
      assert.match(res.err, /^extauth-sandbox: .+\n\nUsage: extauth-sandbox <command>/);
    }
    const help = await cli(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.out, /^Usage: extauth-sandbox <command>/);
  });
});

describe('extauth-sandbox CLI: where the sandbox is', () => {
  test('no data folder: the line says where it looked and how to point the CLI at the sandbox', async () => {
    const missing = path.join(dir, 'no-such-data');
    const res = await cli(['users', 'list'], { SANDBOX_DATA_DIR: missing });
    assert.equal(res.code, 1);
    assert.equal(
      res.err,
      `extauth-sandbox: no sandbox data folder at ${missing} (SANDBOX_DATA_DIR; the default is .sandbox under the current directory): run the CLI from where you ran pnpm start, or set SANDBOX_DATA_DIR\n`,
    );
  });
});

describe('extauth-sandbox CLI against a running sandbox', () => {
  test('users add, list and rm', async () => {
    const added = await cli(
      ['users', 'add', 'cli-user@example.com', '--password', 'cli-user-password', '--mfa'],
      sandbox.env,
    );
    assert.equal(added.code, 0, added.err);
    assert.match(
      added.out,
      /^email {5}cli-user@example\.com\npassword {2}cli-user-password\nsub {7}\S{22}\ntotp {6}[A-Z2-7]{32}\nrecovery {2}\S+\n$/,
    );
    const again = await cli(['users', 'add', 'cli-user@example.com'], sandbox.env);
    assert.equal(again.code, 1);
    assert.match(again.err, /409 account_exists/);
    const list = await cli(['users', 'list'], sandbox.env);
    assert.equal(list.code, 0);
    assert.match(list.out, /^cli-user@example\.com\t\S{22}\tmfa=active\tverified=true$/m);
    assert.match(list.out, /^demo@example\.com\t/m);
    assert.equal((await cli(['users', 'rm', 'cli-user@example.com'], sandbox.env)).code, 0);
    const gone = await cli(['users', 'rm', 'cli-user@example.com'], sandbox.env);
    assert.equal(gone.code, 1);
    assert.match(gone.err, /404 account_not_found/);
  });

  test('a wrong admin token is one sentence naming IDP_ADMIN_TOKEN, never a stack trace', async () => {
    for (const args of [['users', 'list'], ['reset'], ['code', sandbox.demo.email]]) {
      const res = await cli(args, { ...sandbox.env, IDP_ADMIN_TOKEN: 'not-the-admin-token-of-this-sandbox' });
      assert.equal(res.code, 1, args.join(' '));
      assert.match(
        res.err,
        /^extauth-sandbox: admin API 401 .*\(check IDP_ADMIN_TOKEN, or the token file of the running sandbox\)\n$/,
      );
      assert.doesNotMatch(res.err, /\n\s+at /, 'no stack trace');
    }
  });

  test('code prints the last mailed code; none sent is exit code 1', async () => {
    const browser = createHeadlessBrowser({ ca: sandbox.ca });
    const page = await browser.open(`${sandbox.issuer}/password-reset`);
    await browser.submit(page, { button: 'Send code', fill: { Email: sandbox.demo.email } });
    await browser.close();
    const expected = await sandbox.outbox.waitForCode(sandbox.demo.email);
    const res = await cli(['code', sandbox.demo.email], sandbox.env);
    assert.equal(res.code, 0, res.err);
    assert.equal(res.out, `${expected}\n`);
    const none = await cli(['code', 'nobody@example.com'], sandbox.env);
    assert.equal(none.code, 1);
    assert.equal(none.err, 'extauth-sandbox: no code was sent to nobody@example.com\n');
  });

  test('seed applies a file (twice changes nothing); a bad file is exit code 2 with its line', async () => {
    const file = path.join(dir, 'seed.yaml');
    fs.writeFileSync(
      file,
      `idp:\n  accounts:\n    - { email: seeded-cli@example.com, password: seeded-cli-pass-1, totpSecret: ${SECRET} }\n  clients:\n    - { client_id: cli-rp, redirect_uris: ['http://localhost:4321/cb'] }\npanel:\n  links:\n    - { username: root, email: seeded-cli@example.com }\n`,
    );
    const first = await cli(['seed', file], sandbox.env);
    assert.equal(first.code, 0, first.err);
    assert.match(
      first.out,
      /idp account seeded-cli@example\.com: created\nidp client cli-rp: saved\npanel: 1 WHM API call succeeded/,
    );
    const second = await cli(['seed', file], sandbox.env);
    assert.match(second.out, /seeded-cli@example\.com: unchanged/);
    fs.writeFileSync(
      path.join(dir, 'bad.yaml'),
      'idp:\n  accounts:\n    - email: nope\n      password: long-enough-pw\n',
    );
    const bad = await cli(['seed', path.join(dir, 'bad.yaml')], sandbox.env);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /line 3: idp\.accounts\[0\]\.email: must be an email address/);

    const byEmail = await cli(['totp', 'seeded-cli@example.com', '--seed', file], sandbox.env);
    assert.equal(byEmail.code, 0, byEmail.err);
    assert.match(byEmail.out, /^\d{6}\n$/);
  });

  test('totp prints the code of a secret; an unknown email or a bad secret is exit code 1', async () => {
    const res = await cli(['totp', SECRET]);
    assert.equal(res.code, 0);
    const now = Date.now();
    assert.ok([totp(SECRET, { at: now }), totp(SECRET, { at: now - 30_000 })].includes(res.out.trim()));
    assert.equal((await cli(['totp', 'x@example.com'], sandbox.env)).code, 1);
    assert.equal((await cli(['totp', 'not a secret!'])).code, 1);
  });

  test('reset puts the IdP back to its seed', async () => {
    await sandbox.seedAccount({ email: 'before-reset@example.com' });
    const res = await cli(['reset'], sandbox.env);
    assert.equal(res.code, 0, res.err);
    // Removed: this account and seeded-cli@ (applied with `seed` at runtime, not part of the start's seed).
    assert.equal(
      res.out,
      'reset: 1 account and 0 clients from the seed (same subjects as before); removed 2 accounts added since\n',
    );
    assert.equal(await sandbox.admin?.getAccount('before-reset@example.com'), undefined);
  });

  test('doctor passes on a running sandbox, and names a taken port with its variable when it is not running', async () => {
    const ok = await cli(['doctor'], sandbox.env);
    assert.equal(ok.code, 0, ok.err);
    assert.match(ok.out, /^ok {3}issuer https:\/\/localhost:\d+ answers discovery through the sandbox CA$/m);
    assert.match(ok.out, /^ok {3}certificates in .+ are valid for localhost/m);

    const blocker = net.createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => blocker.once('listening', resolve));
    const taken = (blocker.address() as net.AddressInfo).port;
    const res = await cli(['doctor'], {
      SANDBOX_DATA_DIR: dir,
      SANDBOX_TLS_DIR: SHARED_TLS_DIR,
      IDP_PORT: String(await findFreePort()),
      PANEL_PORT: String(taken),
      MAILDEV_ENABLED: 'false',
    });
    blocker.close();
    assert.equal(res.code, 1);
    assert.match(
      res.err,
      new RegExp(
        `^FAIL port ${taken} \\(PANEL_PORT\\) is in use by another program: stop it or choose another port with PANEL_PORT$`,
        'm',
      ),
    );
  });
});

describe('extauth-sandbox CLI: another sandbox on the ports', () => {
  // A second data folder has its own CA; the running sandbox's certificate does not chain to it.
  const otherCa = async () => {
    const tls = path.join(dir, 'other-tls');
    await ensureDevCertificates({ dir: tls });
    return { ...sandbox.env, SANDBOX_DATA_DIR: path.join(dir, 'other-data'), SANDBOX_TLS_DIR: tls };
  };

  test('doctor says a server with another CA holds IDP_PORT, and not that the sandbox is not running', async () => {
    const res = await cli(['doctor'], await otherCa());
    assert.equal(res.code, 1);
    const origin = new URL(sandbox.issuer).origin;
    assert.match(
      res.err,
      new RegExp(
        `^FAIL a server with another CA answers at ${origin}: another sandbox with another data folder \\(SANDBOX_DATA_DIR\\) or a different program holds IDP_PORT$`,
        'm',
      ),
    );
    assert.doesNotMatch(res.out + res.err, /not running|\(IDP_PORT\) is in use|back channel/);
  });

  test('users list names what failed: another CA, or nothing answering', async () => {
    const origin = new URL(sandbox.issuer).origin;
    const other = await cli(['users', 'list'], await otherCa());
    assert.equal(other.code, 1);
    assert.equal(
      other.err,
      `extauth-sandbox: a server with another CA answers at ${origin}: another sandbox with another data folder (SANDBOX_DATA_DIR) or a different program holds IDP_PORT\n`,
    );
    const port = await findFreePort();
    const none = await cli(['users', 'list'], { ...sandbox.env, IDP_PORT: String(port) });
    assert.equal(none.code, 1);
    assert.equal(
      none.err,
      `extauth-sandbox: the IdP does not answer at https://localhost:${port}: is the sandbox running?\n`,
    );
  });
});

describe('extauth-sandbox seed: each failure is one sentence that names its cause', () => {
  const gateSeed = () => {
    const file = path.join(dir, 'gate.yaml');
    fs.writeFileSync(file, 'panel:\n  gate: true\n');
    return file;
  };

  test('a panel.ini path that is a folder: the file and PANEL_INI_PATH, not "cannot reach the IdP"', async () => {
    const folder = fs.mkdtempSync(path.join(dir, 'panel-ini-folder-'));
    const res = await cli(['seed', gateSeed()], { ...sandbox.env, PANEL_INI_PATH: folder });
    assert.equal(res.code, 1);
    assert.equal(
      res.err,
      `extauth-sandbox: cannot write panel.gate to ${folder} (it is a folder): set PANEL_INI_PATH to the panel.ini of the running sandbox, a file this user can write\n`,
    );
  });

  test('a panel.ini that does not parse: its line and problem, no stack trace, the file left as it was', async () => {
    const broken = path.join(dir, 'broken-panel.ini');
    fs.writeFileSync(broken, '[AuthProviders]\nthis line has no equals sign\n');
    const res = await cli(['seed', gateSeed()], { ...sandbox.env, PANEL_INI_PATH: broken });
    assert.equal(res.code, 1);
    assert.equal(
      res.err,
      `extauth-sandbox: panel.ini at ${broken} does not parse (line 2: expected "key = value"): fix or delete it, or set PANEL_INI_PATH to the panel.ini of the running sandbox\n`,
    );
    assert.equal(fs.readFileSync(broken, 'utf8'), '[AuthProviders]\nthis line has no equals sign\n');
  });

  test('the IdP failing while the panel part looks up a linked email is named as the IdP, not the panel', async () => {
    // An IdP that takes the seed's IdP part, then hangs up when asked for an account's subject.
    const certificates = await ensureDevCertificates({ dir: SHARED_TLS_DIR });
    const idp = https.createServer({ cert: certificates.certPem, key: certificates.keyPem }, (req, res) => {
      if (req.method === 'POST' && req.url === '/admin/seed') {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"accounts":[],"clients":[]}');
      } else {
        req.socket.destroy();
      }
    });
    await new Promise<void>((resolve) => idp.listen(0, 'localhost', resolve));
    const port = (idp.address() as net.AddressInfo).port;
    try {
      const file = path.join(dir, 'link.yaml');
      fs.writeFileSync(file, 'panel:\n  links:\n    - { username: root, email: vanishing@example.com }\n');
      const res = await cli(['seed', file], { ...sandbox.env, IDP_PORT: String(port) });
      assert.equal(res.code, 1);
      assert.equal(res.err, `extauth-sandbox: cannot reach the IdP at https://localhost:${port} (UND_ERR_SOCKET)\n`);
    } finally {
      idp.closeAllConnections();
      await new Promise((resolve) => idp.close(resolve));
    }
  });
});

describe('extauth-sandbox bin', () => {
  test('before any build it says so in one sentence, exit code 1', async () => {
    const copy = path.join(dir, 'unbuilt', 'bin');
    fs.mkdirSync(copy, { recursive: true });
    fs.copyFileSync(BIN, path.join(copy, 'extauth-sandbox.js'));
    const res = await new Promise<{ code: number; err: string }>((resolve) => {
      execFile(process.execPath, [path.join(copy, 'extauth-sandbox.js'), 'doctor'], (error, _out, err) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, err });
      });
    });
    assert.equal(res.code, 1);
    assert.equal(res.err, 'extauth-sandbox: the testkit is not built yet: run pnpm build (or pnpm start) first\n');
  });

  test('once built it runs the CLI', async () => {
    const res = await new Promise<{ code: number; out: string }>((resolve) => {
      execFile(process.execPath, [BIN, '--help'], (error, out) => resolve({ code: error ? 1 : 0, out }));
    });
    assert.equal(res.code, 0);
    assert.match(res.out, /^Usage: extauth-sandbox <command>/);
  });
});

describe('extauth-sandbox start', () => {
  test('refuses a bad seed file with exit code 2 before starting', async () => {
    const file = path.join(dir, 'start-bad.json');
    fs.writeFileSync(file, '{ "panel": { "gate": "yes" } }\n');
    const res = await cli(['start', '--seed', file], { SANDBOX_DATA_DIR: path.join(dir, 'never') });
    assert.equal(res.code, 2);
    assert.match(res.err, /line 1: panel\.gate: /);
    assert.equal(fs.existsSync(path.join(dir, 'never', 'idp')), false);
  });

  test('starts, prints the banner, and stops with exit code 0 on SIGTERM', async () => {
    const [idp, panel, smtp, web] = await Promise.all([1, 2, 3, 4].map(() => findFreePort()));
    const child = spawn(process.execPath, [CLI, 'start'], {
      env: {
        PATH: process.env.PATH ?? '',
        SANDBOX_DATA_DIR: path.join(dir, 'started'),
        SANDBOX_TLS_DIR: SHARED_TLS_DIR,
        SANDBOX_STORAGE: 'memory',
        SANDBOX_PASSWORD_HASH: 'fast',
        IDP_PORT: String(idp),
        PANEL_PORT: String(panel),
        SMTP_PORT: String(smtp),
        MAILDEV_WEB_PORT: String(web),
      },
    });
    let out = '';
    let signalled = false;
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (!signalled && out.includes('Press Ctrl-C to stop.')) {
        signalled = true;
        child.kill('SIGTERM');
      }
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    assert.equal(code, 0, out);
    assert.match(out, /extauth-sandbox is ready/);
    assert.match(out, /IdP admin API {6}https:\/\/localhost:\d+\/admin \(token \S+ \(in memory only\)\)/);
    assert.match(out, /Stopped\./);
  });
});
