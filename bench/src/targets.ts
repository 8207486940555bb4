import { generateKeyPairSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { findFreePort } from '@extauth/server-kit/ports';
import { bareOpPath, launcherPath, pollUntil, repoRoot, type Spawned, spawnNode } from './processes.js';

/** `.bench/` at the repo root (git-ignored): reports, chart and the bench's data folders. */
export const benchDir = path.join(repoRoot, '.bench');
export const workDir = path.join(benchDir, 'work');
/** One CA and leaf for every sandbox and bare server of a run (made by the first sandbox start). */
export const tlsDir = path.join(workDir, 'tls');

export function freshDataDir(label: string): string {
  const dir = path.join(workDir, label);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

export interface SandboxPorts {
  idp: number;
  panel: number;
  smtp: number;
  web: number;
}

export async function freePorts(): Promise<SandboxPorts> {
  const [idp, panel, smtp, web] = await Promise.all([1, 2, 3, 4].map(() => findFreePort()));
  return { idp: idp as number, panel: panel as number, smtp: smtp as number, web: web as number };
}

export function sandboxEnv(dataDir: string, ports: SandboxPorts, kdf: 'secure' | 'fast'): Record<string, string> {
  return {
    SANDBOX_DATA_DIR: dataDir,
    SANDBOX_TLS_DIR: tlsDir,
    SANDBOX_PASSWORD_HASH: kdf,
    IDP_PORT: String(ports.idp),
    PANEL_PORT: String(ports.panel),
    SMTP_PORT: String(ports.smtp),
    MAILDEV_WEB_PORT: String(ports.web),
  };
}

export interface RunningSandbox {
  spawned: Spawned;
  dataDir: string;
  issuer: string;
  panelUrl: string;
  mailUrl: string;
  ca: string;
  rootPassword: string;
  client: { id: string; secret: string };
  stop(): Promise<void>;
}

/** `node apps/sandbox/dist/main.js` (what `pnpm start` runs) on free ports; resolves at its ready banner. */
export async function startSandboxProcess(
  dataDir: string,
  kdf: 'secure' | 'fast',
  extraEnv: Record<string, string> = {},
  nodeArgs: string[] = [],
): Promise<RunningSandbox> {
  const ports = await freePorts();
  // No PANEL_ROOT_PASSWORD: from the environment it is re-verified (one KDF) at every start.
  const spawned = spawnNode(launcherPath, { ...sandboxEnv(dataDir, ports, kdf), ...extraEnv }, nodeArgs);
  await pollUntil(async () => spawned.output().includes('extauth-sandbox is ready'), {
    intervalMs: 20,
    timeoutMs: 60_000,
    spawned,
    what: 'sandbox',
  });
  const licence = JSON.parse(fs.readFileSync(path.join(dataDir, 'licenseid_credentials.json'), 'utf8')) as {
    client_id: string;
    client_secret: string;
  };
  return {
    spawned,
    dataDir,
    issuer: `https://localhost:${ports.idp}`,
    panelUrl: `https://localhost:${ports.panel}`,
    mailUrl: `http://localhost:${ports.web}`,
    ca: fs.readFileSync(path.join(tlsDir, 'ca.pem'), 'utf8'),
    rootPassword: fs.readFileSync(path.join(dataDir, 'panel', 'root-password.txt'), 'utf8').trim(),
    client: { id: licence.client_id, secret: licence.client_secret },
    stop: () => spawned.stop(),
  };
}

/** The RS256 key the bare server loads (made once, like the sandbox's first start makes its own). */
export function ensureBareJwk(): string {
  const file = path.join(workDir, 'bare-op-jwk.json');
  if (!fs.existsSync(file)) {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'bench-1', use: 'sig', alg: 'RS256' };
    fs.writeFileSync(file, JSON.stringify(jwk), { mode: 0o600 });
  }
  return file;
}

export interface RunningBare {
  spawned: Spawned;
  issuer: string;
  rpUrl: string | undefined;
  redirectUri: string;
  client: { id: string; secret: string };
  stop(): Promise<void>;
}

export const bareClientSecret = randomBytes(24).toString('base64url');

export function bareEnv(opPort: number, rpPort?: number): Record<string, string> {
  return {
    BARE_OP_PORT: String(opPort),
    ...(rpPort ? { BARE_RP_PORT: String(rpPort) } : {}),
    BARE_CLIENT_SECRET: bareClientSecret,
    BARE_TLS_CERT: path.join(tlsDir, 'server.pem'),
    BARE_TLS_KEY: path.join(tlsDir, 'server-key.pem'),
    BARE_TLS_CA: path.join(tlsDir, 'ca.pem'),
    BARE_JWK_FILE: ensureBareJwk(),
  };
}

/** The bare oidc-provider (and, with `rp`, its relying party); resolves when both answer. */
export async function startBareProcess(options: { rp: boolean; ca: string }): Promise<RunningBare> {
  const [opPort, rpPort] = await Promise.all([findFreePort(), findFreePort()]);
  const spawned = spawnNode(bareOpPath, bareEnv(opPort, options.rp ? rpPort : undefined));
  const issuer = `https://localhost:${opPort}`;
  const { createTrustingFetch } = await import('./processes.js');
  const http = createTrustingFetch(options.ca);
  try {
    const answers = async (url: string) => {
      const res = await http.fetch(url, { redirect: 'manual' });
      await res.arrayBuffer();
      return res.status < 500;
    };
    await pollUntil(() => answers(`${issuer}/.well-known/openid-configuration`), {
      intervalMs: 20,
      timeoutMs: 30_000,
      spawned,
      what: 'bare oidc-provider',
    });
    if (options.rp) {
      await pollUntil(() => answers(`https://localhost:${rpPort}/nothing`), {
        intervalMs: 20,
        timeoutMs: 30_000,
        spawned,
        what: 'bare relying party',
      });
    }
  } finally {
    await http.close();
  }
  return {
    spawned,
    issuer,
    rpUrl: options.rp ? `https://localhost:${rpPort}` : undefined,
    redirectUri: `https://localhost:${options.rp ? rpPort : 1}/cb`,
    client: { id: 'bench-rp', secret: bareClientSecret },
    stop: () => spawned.stop(),
  };
}
