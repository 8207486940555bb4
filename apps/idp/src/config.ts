import path from 'node:path';
import { envCount, envHostname, envHttpsUrl, envList, envPort, parseEnv } from '@extauth/server-kit/env';
import {
  DEFAULT_IDP_PORT,
  DEFAULT_PANEL_PORT,
  DEFAULT_PUBLIC_HOSTNAME,
  DEFAULT_SMTP_PORT,
} from '@extauth/shared/contract';
import { MIN_PASSWORD_CODE_POINTS } from '@extauth/shared/idp-forms';
import { z } from 'zod';
import type { AttemptLimits } from './domain/rate-limits.js';
import { MFA_LOCK_SECONDS, MFA_MAX_FAILURES, type MfaLock } from './domain/totp.js';

/** The IdP's password rule (spec/webpros-account.md), applied to the seeded demo password too. */
export { MIN_PASSWORD_CODE_POINTS };

const envSchema = z.object({
  SANDBOX_DATA_DIR: z.string().optional(),
  SANDBOX_STORAGE: z.enum(['sqlite', 'memory'], { error: 'must be sqlite or memory' }).default('sqlite'),
  SANDBOX_HOSTNAMES: envList().default([]),
  SANDBOX_PASSWORD_HASH: z.enum(['secure', 'fast'], { error: 'must be secure or fast' }).default('secure'),
  IDP_LISTEN_HOST: envHostname('127.0.0.1'),
  IDP_PORT: envPort(DEFAULT_IDP_PORT),
  IDP_ISSUER: envHttpsUrl().optional(),
  IDP_BRAND: z
    .string()
    .trim()
    .min(1, { error: 'must not be blank' })
    .max(40, { error: 'must be at most 40 characters' })
    .default('WebPros'),
  IDP_DEMO_EMAIL: z.email({ error: 'must be an email address' }).default('demo@example.com'),
  IDP_DEMO_PASSWORD: z
    .string()
    .refine((v) => [...v].length >= MIN_PASSWORD_CODE_POINTS, {
      error: `must be at least ${MIN_PASSWORD_CODE_POINTS} characters (the IdP's password rule)`,
    })
    .default('sandbox-demo-password'),
  SMTP_HOST: envHostname('localhost'),
  SMTP_PORT: envPort(DEFAULT_SMTP_PORT),
  MAIL_FROM: z
    .string()
    .min(3, { error: 'must be an address such as "Name" <no-reply@example.com>' })
    .default('"WebPros Account" <no-reply@example.com>'),
  IDP_LOGIN_MAX_FAILURES_PER_ACCOUNT: envCount(10),
  IDP_LOGIN_MAX_FAILURES_PER_IP: envCount(100),
  IDP_LOGIN_FAILURE_WINDOW_SECONDS: envCount(15 * 60),
  IDP_CODE_MAX_FAILURES_PER_ADDRESS: envCount(20),
  IDP_CODE_MAX_FAILURES_PER_IP: envCount(100),
  IDP_CODE_FAILURE_WINDOW_SECONDS: envCount(15 * 60),
  IDP_MFA_MAX_FAILURES: envCount(MFA_MAX_FAILURES),
  IDP_MFA_LOCK_SECONDS: envCount(MFA_LOCK_SECONDS),
  IDP_EMAIL_CODE_RESEND_SECONDS: envCount(30),
  IDP_TOTP_ENCRYPTION_KEY: z
    .string()
    .refine((v) => /^[A-Za-z0-9_-]{43}$/.test(v) && Buffer.from(v, 'base64url').length === 32, {
      error: 'must be 32 random bytes in base64url (43 characters), e.g. from `openssl rand 32 | basenc --base64url`',
    })
    .optional(),
  IDP_ADMIN_TOKEN: z
    .string()
    .regex(/^[\x21-\x7e]{24,512}$/, { error: 'must be 24 to 512 visible ASCII characters (e.g. openssl rand -hex 24)' })
    .optional(),
  PANEL_HOSTNAME: envHostname(DEFAULT_PUBLIC_HOSTNAME),
  PANEL_PORT: envPort(DEFAULT_PANEL_PORT),
  WEBPROS_CLIENT_ID: z
    .string()
    .regex(/^[\x21-\x7e]{1,200}$/, { error: 'must be 1-200 visible ASCII characters' })
    .optional(),
  WEBPROS_CLIENT_SECRET: z.string().min(16, { error: 'must be at least 16 characters' }).optional(),
});

export interface IdpConfig {
  /** Absolute path of the data folder (certificates live there even in memory mode). */
  dataDir: string;
  storage: 'sqlite' | 'memory';
  /** Extra names for the TLS certificate (main.ts only). */
  tlsHostnames: string[];
  passwordHashing: 'secure' | 'fast';
  listen: { host: string; port: number };
  /** No trailing slash; used verbatim as `iss`. */
  issuer: string;
  brand: string;
  demo: { email: string; password: string };
  smtp: { host: string; port: number; from: string };
  /** Failed password attempts allowed per account and per client IP in one window (spec: rate limits). */
  loginLimits: AttemptLimits;
  /**
   * Wrong one-time codes allowed per client IP in one window (email codes, TOTP and recovery
   * codes), and wrong email codes per address across the codes it is sent (each code also dies
   * after its own 5 tries).
   */
  codeLimits: AttemptLimits;
  /** The MFA lock (spec: 5 wrong codes in a row lock every attempt for 15 minutes). */
  mfaLock: MfaLock;
  /** At most one email code per address in this many seconds ("Resend code"). */
  emailCodeResendSeconds: number;
  /** AES-256-GCM key for TOTP secrets at rest; when unset, one is generated into idp/secrets.json. */
  totpEncryptionKey: string | undefined;
  /** Bearer token of the admin API (/admin); undefined = the admin API answers 404. */
  adminToken: string | undefined;
  /** Where the WHM-style panel is reached; its redirect URIs are registered from these. */
  panel: { hostname: string; port: number };
  /** Explicit panel client credentials; missing ones come from the licence file at start. */
  panelClient: { id: string | undefined; secret: string | undefined };
}

/** Reads the IdP's settings from environment variables; throws ConfigError naming each bad variable. */
export function loadIdpConfig(env: Record<string, string | undefined>, opts: { cwd?: string } = {}): IdpConfig {
  const e = parseEnv(envSchema, env, 'IdP');
  const cwd = opts.cwd ?? process.cwd();
  return {
    dataDir: path.resolve(cwd, e.SANDBOX_DATA_DIR ?? '.sandbox'),
    storage: e.SANDBOX_STORAGE,
    tlsHostnames: e.SANDBOX_HOSTNAMES,
    passwordHashing: e.SANDBOX_PASSWORD_HASH,
    listen: { host: e.IDP_LISTEN_HOST, port: e.IDP_PORT },
    issuer: e.IDP_ISSUER ?? `https://localhost:${e.IDP_PORT}`,
    brand: e.IDP_BRAND,
    demo: { email: e.IDP_DEMO_EMAIL, password: e.IDP_DEMO_PASSWORD },
    smtp: { host: e.SMTP_HOST, port: e.SMTP_PORT, from: e.MAIL_FROM },
    loginLimits: {
      failuresPerAccount: e.IDP_LOGIN_MAX_FAILURES_PER_ACCOUNT,
      failuresPerIp: e.IDP_LOGIN_MAX_FAILURES_PER_IP,
      windowSeconds: e.IDP_LOGIN_FAILURE_WINDOW_SECONDS,
    },
    codeLimits: {
      failuresPerAccount: e.IDP_CODE_MAX_FAILURES_PER_ADDRESS,
      failuresPerIp: e.IDP_CODE_MAX_FAILURES_PER_IP,
      windowSeconds: e.IDP_CODE_FAILURE_WINDOW_SECONDS,
    },
    mfaLock: { maxFailures: e.IDP_MFA_MAX_FAILURES, lockSeconds: e.IDP_MFA_LOCK_SECONDS },
    emailCodeResendSeconds: e.IDP_EMAIL_CODE_RESEND_SECONDS,
    totpEncryptionKey: e.IDP_TOTP_ENCRYPTION_KEY,
    adminToken: e.IDP_ADMIN_TOKEN,
    panel: { hostname: e.PANEL_HOSTNAME, port: e.PANEL_PORT },
    panelClient: { id: e.WEBPROS_CLIENT_ID, secret: e.WEBPROS_CLIENT_SECRET },
  };
}
