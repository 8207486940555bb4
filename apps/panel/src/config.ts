import path from 'node:path';
import { envBoolean, envCount, envHostname, envHttpsUrl, envList, envPort, parseEnv } from '@extauth/server-kit/env';
import {
  DEFAULT_IDP_PORT,
  DEFAULT_PANEL_PORT,
  DEFAULT_PUBLIC_HOSTNAME,
  whmRedirectUris,
} from '@extauth/shared/contract';
import { z } from 'zod';
import { TFA_LOCK_SECONDS, TFA_MAX_FAILURES } from './domain/totp.js';

/** The variables the panel reads (docs/internal-contract.md). */
const panelEnvSchema = z.object({
  SANDBOX_DATA_DIR: z.string().optional(),
  SANDBOX_STORAGE: z.enum(['sqlite', 'memory'], { error: 'must be sqlite or memory' }).default('sqlite'),
  SANDBOX_HOSTNAMES: envList().optional(),
  SANDBOX_PASSWORD_HASH: z.enum(['secure', 'fast'], { error: 'must be secure or fast' }).default('secure'),
  IDP_PORT: envPort(DEFAULT_IDP_PORT),
  IDP_ISSUER: envHttpsUrl().optional(),
  PANEL_LISTEN_HOST: envHostname('127.0.0.1'),
  // The redirect URI is derived from the port, so an ephemeral port (0) cannot work.
  PANEL_PORT: envPort(DEFAULT_PANEL_PORT).refine((port) => port !== 0, {
    error: 'must be a fixed port (1-65535): the redirect URI registered at the IdP contains it',
  }),
  PANEL_HOSTNAME: envHostname(DEFAULT_PUBLIC_HOSTNAME),
  PANEL_ROOT_PASSWORD: z
    .string()
    .max(1024, { error: 'must be at most 1024 characters' })
    .refine((v) => v.trim().length > 0, { error: 'must not be blank' })
    .optional(),
  SANDBOX_PROFILE: z.enum(['demo', 'fresh'], { error: 'must be demo or fresh' }).default('demo'),
  PANEL_INI_PATH: z
    .string()
    .max(4096, { error: 'must be at most 4096 characters' })
    .refine((v) => !v.includes('\0'), { error: 'must be a file path' })
    .optional(),
  PANEL_RELINK_ROUNDTRIP: envBoolean(false),
  PANEL_IDP_LOGOUT: envBoolean(false),
  PANEL_LOGIN_MAX_FAILURES_PER_USER: envCount(10),
  PANEL_LOGIN_MAX_FAILURES_PER_IP: envCount(100),
  PANEL_LOGIN_FAILURE_WINDOW_SECONDS: envCount(900),
  PANEL_TFA_MAX_FAILURES: envCount(TFA_MAX_FAILURES),
  PANEL_TFA_LOCK_SECONDS: envCount(TFA_LOCK_SECONDS),
  PANEL_TFA_MAX_FAILURES_PER_IP: envCount(100),
  WEBPROS_CLIENT_ID: z.string().max(255, { error: 'must be at most 255 characters' }).optional(),
  WEBPROS_CLIENT_SECRET: z.string().max(1024, { error: 'must be at most 1024 characters' }).optional(),
  // curl's --connect-to for the back channel: `idp:8443` in compose (README, "Run with Docker").
  PANEL_IDP_CONNECT_TO: z
    .string()
    .regex(/^(\[[0-9a-fA-F:]+\]|[a-zA-Z0-9]([a-zA-Z0-9.-]{0,251}[a-zA-Z0-9])?):\d{1,5}$/, {
      error: 'must be HOST:PORT, such as idp:8443',
    })
    .transform((v) => {
      const at = v.lastIndexOf(':');
      return { host: v.slice(0, at).replace(/^\[(.*)\]$/, '$1'), port: Number(v.slice(at + 1)) };
    })
    .refine((v) => v.port >= 1 && v.port <= 65535, { error: 'port must be between 1 and 65535' })
    .optional(),
});

export type PasswordHashCost = 'secure' | 'fast';

/**
 * `demo`: the panel.ini gate is on and WebPros is configured and enabled for WHM. `fresh`: a newly
 * installed server: no panel.ini, WebPros configured with the licence credentials but disabled.
 * Applied when a data folder is first used (DESIGN.md "Seeds and profiles").
 */
export type PanelProfile = 'demo' | 'fresh';

export interface PanelConfig {
  /** Absolute path of the sandbox data folder; the panel keeps its files in `<dataDir>/panel/`. */
  dataDir: string;
  storage: 'sqlite' | 'memory';
  passwordHash: PasswordHashCost;
  listenHost: string;
  port: number;
  /** Host name in the panel's public URL and redirect URI. */
  publicHostname: string;
  /** `https://${publicHostname}:${port}`, no trailing slash. */
  publicUrl: string;
  /** The WHM entry of `whmRedirectUris` (§5.1: the one containing `:<port>/`). */
  redirectUri: string;
  /** Extra names for the TLS certificate (SANDBOX_HOSTNAMES plus the public host name). */
  tlsHostnames: string[];
  /** What the panel discovers and checks ID tokens against. */
  issuer: string;
  /** IDP_PORT: where the IdP listens on its machine (start diagnostics compare it with the issuer's port). */
  idpPort: number;
  rootPassword: string | undefined;
  webprosClient: { clientId: string | undefined; clientSecret: string | undefined };
  /** PANEL_IDP_CONNECT_TO: where the back channel connects for the issuer's origin (Host, SNI, `iss` unchanged). */
  idpConnectTo: { host: string; port: number } | undefined;
  profile: PanelProfile;
  /**
   * The panel.ini file (spec §2.1). Undefined only in memory mode without PANEL_INI_PATH: then the
   * gate is fixed by the profile, since nothing may be written.
   */
  panelIniPath: string | undefined;
  /** Spec §13.4: after linking with a password, run the OIDC round trip again before WHM Home. */
  relinkRoundTrip: boolean;
  /**
   * PANEL_IDP_LOGOUT: logging out of a session that came through a provider also ends the IdP session
   * by RP-initiated logout (not in real WHM, which only ends its own session; ADR 013).
   */
  idpLogout: boolean;
  /**
   * The cPHulk-like limit on wrong WHM passwords (login form and API Basic auth): at most
   * `maxFailuresPerUser` per user name and `maxFailuresPerIp` per client address within `windowSeconds`.
   */
  loginFailureLimit: { maxFailuresPerUser: number; maxFailuresPerIp: number; windowSeconds: number };
  /**
   * Wrong WHM 2FA security codes at the login prompt (§10): `maxFailures` in a row lock the user for
   * `lockSeconds` (WHM: 5 and 15 minutes); at most `maxFailuresPerIp` per client address within the
   * login limit's window, so one address cannot wear down many users' counters.
   */
  tfaFailureLimit: { maxFailures: number; lockSeconds: number; maxFailuresPerIp: number };
}

/** Parses the panel's settings; throws ConfigError naming each bad variable. */
export function loadPanelConfig(env: Record<string, string | undefined>, opts: { cwd?: string } = {}): PanelConfig {
  const e = parseEnv(panelEnvSchema, env, 'panel');
  const cwd = opts.cwd ?? process.cwd();
  const redirectUris = whmRedirectUris(e.PANEL_HOSTNAME, e.PANEL_PORT);
  const redirectUri = redirectUris.find((uri) => uri.includes(`:${e.PANEL_PORT}/`)) ?? redirectUris[0];
  if (!redirectUri) throw new Error('whmRedirectUris returned no URI');
  const dataDir = path.resolve(cwd, e.SANDBOX_DATA_DIR ?? '.sandbox');
  const defaultIniPath = e.SANDBOX_STORAGE === 'sqlite' ? path.join(dataDir, 'panel', 'panel.ini') : undefined;
  return {
    dataDir,
    storage: e.SANDBOX_STORAGE,
    passwordHash: e.SANDBOX_PASSWORD_HASH,
    listenHost: e.PANEL_LISTEN_HOST,
    port: e.PANEL_PORT,
    publicHostname: e.PANEL_HOSTNAME,
    publicUrl: `https://${e.PANEL_HOSTNAME}:${e.PANEL_PORT}`,
    redirectUri,
    tlsHostnames: [...new Set([...(e.SANDBOX_HOSTNAMES ?? []), e.PANEL_HOSTNAME])],
    issuer: e.IDP_ISSUER ?? `https://localhost:${e.IDP_PORT}`,
    idpPort: e.IDP_PORT,
    rootPassword: e.PANEL_ROOT_PASSWORD,
    webprosClient: { clientId: e.WEBPROS_CLIENT_ID, clientSecret: e.WEBPROS_CLIENT_SECRET },
    idpConnectTo: e.PANEL_IDP_CONNECT_TO,
    profile: e.SANDBOX_PROFILE,
    panelIniPath: e.PANEL_INI_PATH ? path.resolve(cwd, e.PANEL_INI_PATH) : defaultIniPath,
    relinkRoundTrip: e.PANEL_RELINK_ROUNDTRIP,
    idpLogout: e.PANEL_IDP_LOGOUT,
    loginFailureLimit: {
      maxFailuresPerUser: e.PANEL_LOGIN_MAX_FAILURES_PER_USER,
      maxFailuresPerIp: e.PANEL_LOGIN_MAX_FAILURES_PER_IP,
      windowSeconds: e.PANEL_LOGIN_FAILURE_WINDOW_SECONDS,
    },
    tfaFailureLimit: {
      maxFailures: e.PANEL_TFA_MAX_FAILURES,
      lockSeconds: e.PANEL_TFA_LOCK_SECONDS,
      maxFailuresPerIp: e.PANEL_TFA_MAX_FAILURES_PER_IP,
    },
  };
}
