import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type RunningSandbox, startSandbox } from '@extauth/sandbox/sandbox';
import { silentLogger } from '@extauth/server-kit/logger';
import { findFreePort } from '@extauth/server-kit/ports';
import { Agent, fetch as undiciFetch } from 'undici';
import { type LoginViaWebProsOptions, loginViaWebPros } from './login-via-webpros.js';
import { createMailbox, type Mailbox } from './mail.js';

export interface CreateSandboxOptions {
  /** `memory` (default): nothing kept after stop(); `sqlite`: state in `dataDir`. */
  storage?: 'memory' | 'sqlite';
  /** Data folder for `sqlite` storage (default: a new temporary folder). */
  dataDir?: string;
  /** Any other setting of the README's configuration table, e.g. { SANDBOX_PROFILE: 'fresh' }. */
  env?: Record<string, string>;
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
  /** `fetch` that trusts the sandbox CA (and nothing else changed), for calls to the IdP and panel. */
  fetch(input: string | URL, init?: RequestInit): Promise<Response>;
  /** `loginViaWebPros` with this sandbox's panel, CA and WHM root filled in. */
  loginViaWebPros(
    options: Omit<LoginViaWebProsOptions, 'panelUrl' | 'ca'> & Partial<Pick<LoginViaWebProsOptions, 'panelUrl' | 'ca'>>,
  ): ReturnType<typeof loginViaWebPros>;
  stop(): Promise<void>;
}

/** Certificates are made once per machine and shared by every test sandbox. */
export const SHARED_TLS_DIR = path.join(os.tmpdir(), 'extauth-sandbox-testkit-tls');

/**
 * Starts IdP, panel and MailDev in this process on free ports, with fast password hashing, for one
 * test file or suite. Call `stop()` when done.
 */
export async function createSandbox(options: CreateSandboxOptions = {}): Promise<Sandbox> {
  const storage = options.storage ?? 'memory';
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'extauth-sandbox-'));
  const [idpPort, panelPort, smtpPort, webPort] = await Promise.all([1, 2, 3, 4].map(() => findFreePort()));
  const rootPassword = options.env?.PANEL_ROOT_PASSWORD ?? randomBytes(12).toString('base64url');
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
    ...options.env,
  };
  const running: RunningSandbox = await startSandbox(env, { logger: () => silentLogger });
  const ca = fs.readFileSync(running.caFile, 'utf8');
  const mailUrl = running.mail?.webUrl ?? `http://localhost:${webPort}`;
  const dispatcher = new Agent({ connect: { ca } });
  return {
    issuer: running.idp.issuer,
    panelUrl: running.panel.url,
    mailUrl,
    ca,
    dataDir,
    rootPassword,
    demo: running.idp.demo,
    mail: createMailbox(mailUrl),
    fetch: (input, init) => undiciFetch(input, { ...(init as object), dispatcher }) as unknown as Promise<Response>,
    loginViaWebPros: (login) =>
      loginViaWebPros({ panelUrl: running.panel.url, ca, whmUser: 'root', whmPassword: rootPassword, ...login }),
    stop: async () => {
      await dispatcher.close();
      await running.close();
    },
  };
}
