import path from 'node:path';
import { loadIdpConfig } from '@extauth/idp/config';
import { loadPanelConfig } from '@extauth/panel/config';
import { envBoolean, envHostname, envList, envPort, parseEnv } from '@extauth/server-kit/env';
import { ConfigError } from '@extauth/server-kit/errors';
import { loadLogSettings } from '@extauth/server-kit/logger';
import { DEFAULT_MAILDEV_WEB_PORT, DEFAULT_SMTP_PORT } from '@extauth/shared/contract';
import { z } from 'zod';

const launcherEnvSchema = z.object({
  SANDBOX_DATA_DIR: z.string().optional(),
  SANDBOX_TLS_DIR: z.string().optional(),
  SANDBOX_STORAGE: z.enum(['sqlite', 'memory'], { error: 'must be sqlite or memory' }).default('sqlite'),
  SANDBOX_HOSTNAMES: envList().default([]),
  MAILDEV_ENABLED: envBoolean(true),
  MAILDEV_LISTEN_HOST: envHostname('127.0.0.1'),
  MAILDEV_WEB_PORT: envPort(DEFAULT_MAILDEV_WEB_PORT),
  SMTP_PORT: envPort(DEFAULT_SMTP_PORT),
  SANDBOX_SEED_FILE: z.string().max(4096).optional(),
  SANDBOX_PROFILE: z.enum(['demo', 'fresh'], { error: 'must be demo or fresh' }).default('demo'),
  SANDBOX_ADMIN_API: z.enum(['auto', 'off'], { error: 'must be auto or off' }).default('auto'),
  IDP_ADMIN_TOKEN: z.string().optional(),
});

export interface LauncherConfig {
  dataDir: string;
  /** Where the CA and server certificate live (default `<dataDir>/tls`). */
  tlsDir: string;
  storage: 'sqlite' | 'memory';
  extraHostnames: string[];
  mailCatcher: { enabled: boolean; host: string; smtpPort: number; webPort: number };
  /** SANDBOX_SEED_FILE, absolute (`--seed FILE` overrides it). */
  seedFile: string | undefined;
  profile: 'demo' | 'fresh';
  /** `auto`: IDP_ADMIN_TOKEN, or a generated token in the demo profile; `off`: no admin API. */
  adminApi: 'auto' | 'off';
  adminToken: string | undefined;
}

/** The launcher's own settings; each app parses the rest of the environment itself. */
export function loadLauncherConfig(env: Record<string, string | undefined>, cwd = process.cwd()): LauncherConfig {
  const e = parseEnv(launcherEnvSchema, env, 'sandbox');
  const dataDir = path.resolve(cwd, e.SANDBOX_DATA_DIR ?? '.sandbox');
  return {
    dataDir,
    tlsDir: e.SANDBOX_TLS_DIR ? path.resolve(cwd, e.SANDBOX_TLS_DIR) : path.join(dataDir, 'tls'),
    storage: e.SANDBOX_STORAGE,
    extraHostnames: e.SANDBOX_HOSTNAMES,
    seedFile: e.SANDBOX_SEED_FILE ? path.resolve(cwd, e.SANDBOX_SEED_FILE) : undefined,
    profile: e.SANDBOX_PROFILE,
    adminApi: e.SANDBOX_ADMIN_API,
    adminToken: e.IDP_ADMIN_TOKEN,
    mailCatcher: {
      enabled: e.MAILDEV_ENABLED,
      host: e.MAILDEV_LISTEN_HOST,
      smtpPort: e.SMTP_PORT,
      webPort: e.MAILDEV_WEB_PORT,
    },
  };
}

/**
 * Every configuration mistake of the launcher, the logs and both apps at once, so that a person
 * fixes them in one go instead of meeting one group per start. A variable two parts read (the
 * panel's port is also the IdP's redirect URIs) is reported once. Throws one ConfigError
 * ("Invalid configuration:", then a line per variable) or returns.
 */
export function checkSandboxEnv(env: Record<string, string | undefined>, cwd = process.cwd()): void {
  const lines = new Set<string>();
  const collect = (load: () => void) => {
    try {
      load();
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      // parseEnv's messages are a heading and one indented line per variable; others are one sentence.
      const [heading = '', ...rest] = err.message.split('\n');
      const own = rest.filter((line) => line.startsWith('  '));
      for (const line of own.length > 0 ? own : [`  ${heading}`]) lines.add(line);
    }
  };
  collect(() => loadLogSettings(env));
  let appEnv = env;
  collect(() => {
    appEnv = { ...env, SANDBOX_DATA_DIR: loadLauncherConfig(env, cwd).dataDir };
  });
  collect(() => loadIdpConfig(appEnv, { cwd }));
  collect(() => loadPanelConfig(appEnv, { cwd }));
  if (lines.size > 0) throw new ConfigError(`Invalid configuration:\n${[...lines].join('\n')}`);
}
