import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type RunningSandbox, startSandbox } from '@extauth/sandbox/sandbox';
import { silentLogger } from '@extauth/server-kit/logger';
import { findFreePort } from '@extauth/server-kit/ports';
import { Agent, fetch as undiciFetch } from 'undici';
import {
  type AdminClient,
  createAdminClient,
  createOutbox,
  type NewAccount,
  type Outbox,
  seedAccount,
} from './admin.js';
import { type LoginViaWebProsOptions, loginViaWebPros } from './login-via-webpros.js';
import { createMailbox, type Mailbox } from './mail.js';
import { checkSettingNames } from './settings.js';

export interface CreateSandboxOptions {
  /** `memory` (default): nothing kept after stop(); `sqlite`: state in `dataDir`. */
  storage?: 'memory' | 'sqlite';
  /**
   * Data folder for `sqlite` storage (default: a new temporary folder, kept after stop() so a test
   * can inspect it). With `memory` storage a temporary folder is made and removed by stop().
   */
  dataDir?: string;
  /** Any other setting of the README's configuration table, e.g. { SANDBOX_PROFILE: 'fresh' }. */
  env?: Record<string, string>;
  /** A seed file (JSON or YAML) applied at start, as `--seed FILE`. */
  seedFile?: string;
  /**
   * The IdP admin API (default on, with a token made for this sandbox; off in the `fresh` profile
   * unless `true` or IDP_ADMIN_TOKEN in `env`). `sandbox.admin`, `outbox` and `seedAccount` need it.
   */
  admin?: boolean;
}

export interface Sandbox {
  /** The IdP's issuer, e.g. https://localhost:40123 */
  issuer: string;
  /** The panel's base URL, e.g. https://localhost:40124 */
  panelUrl: string;
  /** MailDev's web and REST base URL. */
  mailUrl: string;
  /** PEM of the sandbox CA: trust it in your HTTP client. */
  ca: string;
  dataDir: string;
  /** WHM root's password. */
  rootPassword: string;
  /** The seeded IdP demo account. */
  demo: { email: string; password: string };
  mail: Mailbox;
  /** The environment this sandbox runs with: give it to the CLI (or a child process) to reach it. */
  env: Record<string, string>;
  /**
   * The IdP admin API. When it is off (`admin: false`, or the `fresh` profile without `admin: true`)
   * every call rejects with an error saying so; `adminToken` is then undefined.
   */
  admin: AdminClient;
  /** Its token (for your own calls or the CLI), or undefined when it is off. */
  adminToken: string | undefined;
  /** The IdP's in-memory outbox through the admin API: `outbox.waitForCode(email)` needs no mail catcher. */
  outbox: Outbox;
  /** A verified IdP account through the admin API; `mfa: true` also returns its TOTP secret and recovery code. */
  seedAccount(input: NewAccount & { mfa?: boolean }): ReturnType<typeof seedAccount>;
  /** `fetch` that trusts the sandbox CA (and nothing else changed), for calls to the IdP and panel. */
  fetch(input: string | URL, init?: RequestInit): Promise<Response>;
  /** `loginViaWebPros` with this sandbox's panel, CA and WHM root filled in. */
  loginViaWebPros(
    options: Omit<LoginViaWebProsOptions, 'panelUrl' | 'ca'> & Partial<Pick<LoginViaWebProsOptions, 'panelUrl' | 'ca'>>,
  ): ReturnType<typeof loginViaWebPros>;
  /** Stops everything; calling it again resolves once the first call is done. */
  stop(): Promise<void>;
}

const ADMIN_OFF = 'the admin API is off for this sandbox (createSandbox({ admin: true }))';

/** Stands in for the admin client when the API is off: every call rejects with ADMIN_OFF. */
function adminTurnedOff(): AdminClient {
  return new Proxy({} as AdminClient, {
    get: (_target, prop) => {
      if (prop === 'close') return async () => {};
      // Not a thenable: `await sandbox.admin` must not call a method.
      if (prop === 'then' || typeof prop === 'symbol') return undefined;
      return () => Promise.reject(new Error(ADMIN_OFF));
    },
  });
}

/** Certificates are made once per machine and shared by every test sandbox. */
export const SHARED_TLS_DIR = path.join(os.tmpdir(), 'extauth-sandbox-testkit-tls');

/**
 * Starts IdP, panel and MailDev in this process on free ports, with fast password hashing, for one
 * test file or suite. Call `stop()` when done.
 */
export async function createSandbox(options: CreateSandboxOptions = {}): Promise<Sandbox> {
  // A typo (IDP_PROT) would otherwise be ignored and the sandbox start with the default.
  checkSettingNames(options.env ?? {});
  const storage = options.storage ?? 'memory';
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'extauth-sandbox-'));
  try {
    return await startIn(dataDir, storage, options);
  } catch (err) {
    // A start that failed (bad seed, bad setting) leaves no temporary folder behind; a folder the
    // caller chose is theirs.
    if (!options.dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
}

async function startIn(dataDir: string, storage: 'memory' | 'sqlite', options: CreateSandboxOptions): Promise<Sandbox> {
  const [idpPort, panelPort, smtpPort, webPort] = await Promise.all([1, 2, 3, 4].map(() => findFreePort()));
  const rootPassword = options.env?.PANEL_ROOT_PASSWORD ?? randomBytes(12).toString('base64url');
  const fresh = options.env?.SANDBOX_PROFILE === 'fresh';
  const adminToken =
    options.env?.IDP_ADMIN_TOKEN ?? ((options.admin ?? !fresh) ? randomBytes(24).toString('base64url') : undefined);
  const env: Record<string, string> = {
    SANDBOX_DATA_DIR: dataDir,
    SANDBOX_TLS_DIR: SHARED_TLS_DIR,
    SANDBOX_STORAGE: storage,
    SANDBOX_PASSWORD_HASH: 'fast',
    IDP_PORT: String(idpPort),
    PANEL_PORT: String(panelPort),
    SMTP_PORT: String(smtpPort),
    MAILDEV_WEB_PORT: String(webPort),
    PANEL_ROOT_PASSWORD: rootPassword,
    ...(adminToken ? { IDP_ADMIN_TOKEN: adminToken } : { SANDBOX_ADMIN_API: 'off' }),
    ...options.env,
  };
  const running: RunningSandbox = await startSandbox(env, {
    logger: () => silentLogger,
    ...(options.seedFile ? { seedFile: options.seedFile } : {}),
  });
  const ca = fs.readFileSync(running.caFile, 'utf8');
  const mailUrl = running.mail?.webUrl ?? `http://localhost:${webPort}`;
  const dispatcher = new Agent({ connect: { ca } });
  const admin = adminToken ? createAdminClient({ issuer: running.idp.issuer, token: adminToken, ca }) : undefined;
  // Off: every call rejects with ADMIN_OFF, also through outbox and seedAccount.
  const adminApi = admin ?? adminTurnedOff();
  let stopping: Promise<void> | undefined;
  const stop = async () => {
    await dispatcher.close();
    await admin?.close();
    await running.close();
    if (storage === 'memory' && !options.dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  };
  return {
    issuer: running.idp.issuer,
    panelUrl: running.panel.url,
    mailUrl,
    ca,
    dataDir,
    rootPassword,
    demo: running.idp.demo,
    mail: createMailbox(
      mailUrl,
      running.mail
        ? {}
        : { off: 'MailDev is off in this sandbox (MAILDEV_ENABLED=false): read codes with sandbox.outbox.waitForCode' },
    ),
    env,
    admin: adminApi,
    adminToken,
    outbox: createOutbox(adminApi),
    seedAccount: (input) => seedAccount(adminApi, input),
    fetch: (input, init) => undiciFetch(input, { ...(init as object), dispatcher }) as unknown as Promise<Response>,
    loginViaWebPros: (login) =>
      loginViaWebPros({ panelUrl: running.panel.url, ca, whmUser: 'root', whmPassword: rootPassword, ...login }),
    // Idempotent: `after()` hooks and a `finally` may both stop the same sandbox.
    stop: () => {
      stopping ??= stop();
      return stopping;
    },
  };
}
