import path from 'node:path';
import { envBoolean, envHostname, envList, envPort, parseEnv } from '@extauth/server-kit/env';
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
});

export interface LauncherConfig {
  dataDir: string;
  /** Where the CA and server certificate live (default `<dataDir>/tls`). */
  tlsDir: string;
  storage: 'sqlite' | 'memory';
  extraHostnames: string[];
  mailCatcher: { enabled: boolean; host: string; smtpPort: number; webPort: number };
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
    mailCatcher: {
      enabled: e.MAILDEV_ENABLED,
      host: e.MAILDEV_LISTEN_HOST,
      smtpPort: e.SMTP_PORT,
      webPort: e.MAILDEV_WEB_PORT,
    },
  };
}
