import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { createHttpClient } from '@extauth/server-kit/http-client';
import { silentLogger } from '@extauth/server-kit/logger';
import { findFreePort } from '@extauth/server-kit/ports';
import { formatReadyBanner } from '../banner.js';
import { type RunningSandbox, startSandbox } from '../sandbox.js';
import { applyPanelSeed, checkRootPassword, PanelAuthError } from './apply-panel-seed.js';
import { loadSeedFile, SeedFileError } from './load-seed.js';

const TLS_DIR = path.join(os.tmpdir(), 'extauth-sandbox-test-tls');
const ROOT_PASSWORD = 'seeded-root-password';

const SEED = `# a fresh server made ready by its seed
idp:
  accounts:
    - email: rita@example.com
      password: rita-password-123
      givenName: Rita
  clients:
    - client_id: seeded-rp
      redirect_uris: [http://localhost:4000/cb]
panel:
  rootPassword: ${ROOT_PASSWORD}
  gate: true
  services: { whostmgrd: true, cpaneld: true }
  resellers:
    - { username: rita, password: rita-whm-pass, domain: rita.example.test }
  links:
    - { username: root, email: demo@example.com }
    - { username: rita, email: rita@example.com, preferred_username: Rita }
`;

async function start(dataDir: string, seedFile: string): Promise<RunningSandbox> {
  const [idp, panel] = await Promise.all([findFreePort(), findFreePort()]);
  return startSandbox(
    {
      SANDBOX_DATA_DIR: dataDir,
      SANDBOX_TLS_DIR: TLS_DIR,
      SANDBOX_PASSWORD_HASH: 'fast',
      SANDBOX_PROFILE: 'fresh',
      MAILDEV_ENABLED: 'false',
      IDP_PORT: String(idp),
      PANEL_PORT: String(panel),
    },
    { logger: () => silentLogger, seedFile },
  );
}

async function whm<T>(sandbox: RunningSandbox, fn: string): Promise<T> {
  const http = createHttpClient({ ca: fs.readFileSync(sandbox.caFile, 'utf8') });
  const auth = `Basic ${Buffer.from(`root:${ROOT_PASSWORD}`).toString('base64')}`;
  const res = await http.get(`${sandbox.panel.url}/json-api/${fn}?api.version=1`, { authorization: auth });
  await http.close();
  assert.equal(res.status, 200, res.text);
  return res.json<{ data: T }>().data;
}

describe('launcher with a seed file', () => {
  test('applies IdP and panel parts at start, and a restart with the same seed changes nothing', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'seed-start-'));
    const seedFile = path.join(dataDir, '..', `${path.basename(dataDir)}.yaml`);
    fs.writeFileSync(seedFile, SEED);
    for (const round of [1, 2]) {
      const sandbox = await start(dataDir, seedFile);
      try {
        assert.equal(sandbox.admin, undefined, 'fresh profile: no admin API without IDP_ADMIN_TOKEN');
        assert.match(
          formatReadyBanner(sandbox, 1),
          /WHM user root {6}password from the seed file \(panel\.rootPassword\), for this start/,
          'the banner says where the password comes from',
        );
        assert.equal(sandbox.idp.adminEnabled, false);
        assert.match(fs.readFileSync(path.join(dataDir, 'panel', 'panel.ini'), 'utf8'), /WebProsAccountAdmin = true/);
        const links = await whm<{
          username_linked_accounts: { username: string; subject_unique_identifier: string }[];
        }>(sandbox, 'get_users_authn_linked_accounts');
        const rita = sandbox.idp.subjectOf('rita@example.com');
        const demo = sandbox.idp.subjectOf('demo@example.com');
        assert.deepEqual(
          links.username_linked_accounts.map((l) => [l.username, l.subject_unique_identifier]).sort(),
          [
            ['rita', rita],
            ['root', demo],
          ],
          `round ${round}`,
        );
        const providers = await whm<{
          providers: { id: string; whostmgrd_enabled: number; cpaneld_enabled: number }[];
        }>(sandbox, 'get_available_authentication_providers');
        const webpros = providers.providers.find((p) => p.id === 'webpros');
        assert.equal(Boolean(webpros?.whostmgrd_enabled), true);
        assert.equal(Boolean(webpros?.cpaneld_enabled), true);
        const browser = createHttpClient({ ca: fs.readFileSync(sandbox.caFile, 'utf8') });
        const auth = await browser.follow(
          await browser.get(
            `${sandbox.idp.issuer}/auth?client_id=seeded-rp&response_type=code&scope=openid&redirect_uri=${encodeURIComponent('http://localhost:4000/cb')}&code_challenge=${'a'.repeat(43)}&code_challenge_method=S256`,
          ),
        );
        await browser.close();
        assert.equal(auth.status, 200, 'the seeded client is known');
        assert.deepEqual(
          sandbox.idp.seeded.accounts.map((a) => a.outcome),
          [round === 1 ? 'created' : 'unchanged'],
        );
      } finally {
        await sandbox.close();
      }
    }
  });

  test('a wrong root password stops the panel part at the first refused call, so root is not locked out', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'seed-wrong-root-'));
    const seedFile = path.join(dataDir, 'seed.yaml');
    fs.writeFileSync(seedFile, SEED);
    const sandbox = await start(dataDir, seedFile);
    try {
      const target = { panelUrl: sandbox.panel.url, ca: fs.readFileSync(sandbox.caFile, 'utf8') };
      const seed = loadSeedFile(seedFile).panel; // six WHM API calls when the password is right
      // Three runs: with a call per seed step that would be 18 failed logins, past the limit of 10.
      for (const run of [1, 2, 3]) {
        await assert.rejects(
          applyPanelSeed({ ...target, rootPassword: 'not-the-password', seed, subjectOf: () => undefined }),
          (err: unknown) => {
            assert.ok(err instanceof PanelAuthError, `run ${run}`);
            assert.equal(err.message, "the panel refused root's password (HTTP 403): no further WHM API call was made");
            return true;
          },
        );
      }
      const wrong = await checkRootPassword({ ...target, rootPassword: 'not-the-password' });
      assert.equal(wrong.ok, false);
      assert.deepEqual(await checkRootPassword({ ...target, rootPassword: ROOT_PASSWORD }), { ok: true });
      const applied = await applyPanelSeed({
        ...target,
        rootPassword: ROOT_PASSWORD,
        seed,
        subjectOf: (email) => sandbox.idp.subjectOf(email),
      });
      assert.equal(applied.calls, 6, 'root is not locked out: the right password still works');
    } finally {
      await sandbox.close();
    }
  });

  test('a bad seed file stops the start before anything is written or listened on', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'seed-bad-'));
    const seedFile = path.join(dataDir, 'seed.json');
    fs.writeFileSync(
      seedFile,
      '{\n  "idp": {\n    "accounts": [{ "email": "x", "password": "long-enough-pw" }]\n  }\n}\n',
    );
    await assert.rejects(start(dataDir, seedFile), (err: unknown) => {
      assert.ok(err instanceof SeedFileError);
      assert.match(err.message, /line 3: idp\.accounts\[0\]\.email: must be an email address/);
      return true;
    });
    assert.deepEqual(fs.readdirSync(dataDir), ['seed.json'], 'no idp/ or panel/ folder');
  });
});
