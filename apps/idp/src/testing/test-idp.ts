import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type AdjustableClock, createAdjustableClock } from '@extauth/server-kit/clock';
import { createHttpClient, type HttpClient } from '@extauth/server-kit/http-client';
import { type Logger, silentLogger } from '@extauth/server-kit/logger';
import { findFreePort } from '@extauth/server-kit/ports';
import { ensureDevCertificates } from '@extauth/server-kit/tls';
import type { IdpSeed } from '@extauth/shared/seed';
import type { ClientMetadata } from 'oidc-provider';
import { type IdpConfig, loadIdpConfig } from '../config.js';
import { type CapturedMail, createMemoryMailer } from '../mail/memory-mailer.js';
import { type StartedIdp, startIdp } from '../server.js';

export const TEST_CLIENT_ID = 'whm-test';
export const TEST_CLIENT_SECRET = 'test-client-secret-0123456789';
export const PANEL_CALLBACK = 'https://localhost:2087/openid_connect_callback/webpros';

export interface TestIdp {
  idp: StartedIdp;
  config: IdpConfig;
  issuer: string;
  ca: string;
  /** The sandbox clock of this IdP (codes, limits); oidc-provider stays on real time. */
  clock: AdjustableClock;
  /** Every message sent, in order, as nodemailer rendered it (never on disk). */
  outbox: CapturedMail[];
  /** The last message whose envelope goes to `address` (compared lower-cased). */
  lastMailTo(address: string): CapturedMail | undefined;
  /** A new cookie-keeping client: one per simulated browser. */
  browser(): HttpClient;
  close(): Promise<void>;
}

/** Test certificates shared by every test run on this machine (created once). */
export function testCertificates() {
  return ensureDevCertificates({ dir: path.join(os.tmpdir(), 'extauth-sandbox-test-tls') });
}

/**
 * The one test-app factory: the real IdP over HTTPS on a free port, in memory mode unless a data
 * folder is given (then SQLite files there), with fast password hashing.
 */
export async function startTestIdp(
  options: {
    dataDir?: string;
    port?: number;
    env?: Record<string, string>;
    /** Defaults to real time that tests may move; MFA tests pass a frozen one. */
    clock?: AdjustableClock;
    extraClients?: ClientMetadata[];
    seed?: IdpSeed;
    /** Defaults to a silent one; log tests pass their own. */
    logger?: Logger;
  } = {},
): Promise<TestIdp> {
  const certificates = await testCertificates();
  const port = options.port ?? (await findFreePort());
  const cwd = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'idp-test-'));
  const config = loadIdpConfig(
    {
      SANDBOX_DATA_DIR: cwd,
      SANDBOX_STORAGE: options.dataDir ? 'sqlite' : 'memory',
      SANDBOX_PASSWORD_HASH: 'fast',
      IDP_PORT: String(port),
      IDP_ISSUER: `https://localhost:${port}`,
      WEBPROS_CLIENT_ID: TEST_CLIENT_ID,
      WEBPROS_CLIENT_SECRET: TEST_CLIENT_SECRET,
      ...options.env,
    },
    { cwd },
  );
  const clock = options.clock ?? createAdjustableClock();
  const mailer = createMemoryMailer(config.smtp.from);
  const idp = await startIdp(config, {
    tls: { certPem: certificates.certPem, keyPem: certificates.keyPem },
    logger: options.logger ?? silentLogger,
    clock,
    mailer,
    extraClients: options.extraClients ?? [],
    ...(options.seed ? { seed: options.seed } : {}),
  });
  const browsers: HttpClient[] = [];
  return {
    idp,
    config,
    issuer: idp.issuer,
    ca: certificates.caPem,
    clock,
    outbox: mailer.outbox,
    lastMailTo: (address) =>
      mailer.outbox.findLast((m) => m.envelope.to.some((to) => to.toLowerCase() === address.toLowerCase())),
    browser: () => {
      const client = createHttpClient({ ca: certificates.caPem });
      browsers.push(client);
      return client;
    },
    close: async () => {
      await Promise.all(browsers.map((b) => b.close()));
      await idp.close();
    },
  };
}
