import assert from 'node:assert/strict';
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { parse as parseYaml } from 'yaml';
import { launchBrowser, newContext } from './support/browser.js';
import { makeDataDir, repoRoot } from './support/sandbox-process.js';

// What `docker compose up` does to names, without a Docker engine: each service runs in its own
// network namespace (its own loopback, like a container) on one bridge, with a per-namespace hosts
// file naming the services (like compose's DNS), the compose file's environment, one shared data
// folder (the named volume), and the published ports forwarded from the host's loopback (like
// docker-proxy). The browser on the host uses the public URLs; the panel's `localhost` is its own,
// so its back channel reaches the IdP only through PANEL_IDP_CONNECT_TO=idp:8443.

const run = promisify(execFile);
const COMPOSE_FILE = path.join(repoRoot, 'docker-compose.yml');
const PANEL = 'https://localhost:2087';
const DEMO = { email: 'demo@example.com', password: 'sandbox-demo-password' };
const LINK_BANNER = `Your account “${DEMO.email}” is not associated with an existing “WHM” account. Please log in to connect the account.`;

// Our own test hosts: a bridge and three namespaces made (and removed) by this test.
const PREFIX = 'xatopo';
const SUBNET = '10.231.77';
const SERVICES = { mail: `${SUBNET}.2`, idp: `${SUBNET}.3`, panel: `${SUBNET}.4` } as const;
type Service = keyof typeof SERVICES;
const BRIDGE = `${PREFIX}-br`;
const nsName = (service: Service) => `${PREFIX}-${service}`;

interface ComposeService {
  environment?: Record<string, string | number | null>;
  ports?: string[];
}

/** `${NAME:-default}` / `${NAME-default}` / `${NAME}` resolved as compose does with no overrides set. */
function interpolate(value: string): string {
  return value.replace(/\$\{(\w+)(?::?-([^}]*))?\}/g, (_all, _name, fallback: string | undefined) => fallback ?? '');
}

function composeService(name: Service): { env: Record<string, string>; ports: { host: number; container: number }[] } {
  const doc = parseYaml(fs.readFileSync(COMPOSE_FILE, 'utf8')) as { services: Record<string, ComposeService> };
  const service = doc.services[name];
  assert.ok(service, `docker-compose.yml has a "${name}" service`);
  const env: Record<string, string> = {};
  for (const [key, raw] of Object.entries(service.environment ?? {})) {
    const value = interpolate(String(raw ?? ''));
    if (value !== '') env[key] = value; // compose passes VAR=''; the apps read empty as "default"
  }
  const ports = (service.ports ?? []).map((spec) => {
    const [host, container] = interpolate(spec).split(':').map(Number);
    assert.ok(host && container, `port mapping ${spec}`);
    return { host, container };
  });
  return { env, ports };
}

function sh(args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

function removeNetwork(): void {
  for (const service of Object.keys(SERVICES) as Service[]) {
    try {
      sh(['netns', 'del', nsName(service)]);
    } catch {
      // not there
    }
    fs.rmSync(`/etc/netns/${nsName(service)}`, { recursive: true, force: true });
  }
  try {
    sh(['link', 'del', BRIDGE]);
  } catch {
    // not there
  }
}

function createNetwork(): void {
  removeNetwork(); // a run that was killed may have left them
  sh(['link', 'add', BRIDGE, 'type', 'bridge']);
  sh(['addr', 'add', `${SUBNET}.1/24`, 'dev', BRIDGE]);
  sh(['link', 'set', BRIDGE, 'up']);
  const hosts = [
    '127.0.0.1 localhost',
    '::1 localhost ip6-localhost ip6-loopback',
    ...Object.entries(SERVICES).map(([name, ip]) => `${ip} ${name}`),
    '',
  ].join('\n');
  for (const [service, ip] of Object.entries(SERVICES) as [Service, string][]) {
    const ns = nsName(service);
    const hostSide = `${PREFIX}-${service}-h`;
    sh(['netns', 'add', ns]);
    sh(['link', 'add', hostSide, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns]);
    sh(['link', 'set', hostSide, 'master', BRIDGE, 'up']);
    sh(['-n', ns, 'addr', 'add', `${ip}/24`, 'dev', 'eth0']);
    sh(['-n', ns, 'link', 'set', 'eth0', 'up']);
    sh(['-n', ns, 'link', 'set', 'lo', 'up']);
    // `ip netns exec` bind-mounts /etc/netns/<ns>/hosts over /etc/hosts for what it runs.
    fs.mkdirSync(`/etc/netns/${ns}`, { recursive: true });
    fs.writeFileSync(`/etc/netns/${ns}/hosts`, hosts);
  }
}

interface Proc {
  name: string;
  child: ChildProcess;
  output(): string;
}

const procs: Proc[] = [];

function startIn(service: Service, args: string[], env: Record<string, string | undefined>): Proc {
  const child = spawn('ip', ['netns', 'exec', nsName(service), process.execPath, ...args], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const proc = { name: service, child, output: () => output };
  procs.push(proc);
  return proc;
}

async function stopAll(): Promise<void> {
  await Promise.all(
    procs.map(
      (p) =>
        new Promise<void>((resolve) => {
          if (p.child.exitCode !== null || p.child.signalCode !== null) return resolve();
          const timer = setTimeout(() => p.child.kill('SIGKILL'), 5_000);
          p.child.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          p.child.kill('SIGTERM');
        }),
    ),
  );
}

/** Like `depends_on: condition: service_healthy`: runs the compose healthcheck in the service's namespace. */
async function waitHealthy(
  service: 'idp' | 'panel',
  env: Record<string, string | undefined>,
  proc: Proc,
): Promise<string> {
  const deadline = Date.now() + 30_000;
  let last = '';
  for (;;) {
    if (proc.child.exitCode !== null) throw new Error(`${service} exited (${proc.child.exitCode}):\n${proc.output()}`);
    try {
      const { stdout } = await run(
        'ip',
        ['netns', 'exec', nsName(service), process.execPath, 'scripts/healthcheck.mjs', service],
        { cwd: repoRoot, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env }, timeout: 10_000 },
      );
      return stdout.trim();
    } catch (err) {
      last = String((err as { stderr?: string }).stderr ?? err).trim();
    }
    if (Date.now() > deadline) throw new Error(`${service} not healthy after 30 s: ${last}\n${proc.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function waitTcp(host: string, port: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, host, () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing answers on ${host}:${port}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** docker-proxy: the host's loopback port forwarded to the service's address. */
const forwarders: { server: net.Server; sockets: Set<net.Socket> }[] = [];
async function publish(hostPort: number, targetHost: string, targetPort: number): Promise<void> {
  for (const loopback of ['127.0.0.1', '::1']) {
    const sockets = new Set<net.Socket>();
    const server = net.createServer((inbound) => {
      const outbound = net.connect(targetPort, targetHost);
      for (const s of [inbound, outbound]) {
        sockets.add(s);
        s.once('close', () => sockets.delete(s));
        s.on('error', () => {
          inbound.destroy();
          outbound.destroy();
        });
      }
      inbound.pipe(outbound).pipe(inbound);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) =>
        reject(
          err.code === 'EADDRINUSE'
            ? new Error(`port ${hostPort} on ${loopback} is taken (is a sandbox already running?)`)
            : err,
        ),
      );
      server.listen(hostPort, loopback, () => resolve());
    });
    forwarders.push({ server, sockets });
  }
}

let browser: Browser | undefined;
let browserPromise: Promise<Browser> | undefined;
const dataDir = makeDataDir('compose-topology');
const idpService = composeService('idp');
const panelService = composeService('panel');
const mailService = composeService('mail');
// The named volume `sandbox-data:/data` is this one folder, mounted in both "containers".
const idpEnv: Record<string, string | undefined> = {
  ...idpService.env,
  SANDBOX_DATA_DIR: dataDir,
  NODE_ENV: 'production',
};
const panelEnv: Record<string, string | undefined> = {
  ...panelService.env,
  SANDBOX_DATA_DIR: dataDir,
  NODE_ENV: 'production',
};

before(async () => {
  if (process.getuid?.() !== 0) throw new Error('the compose topology test needs root (ip netns, veth, bridge)');
  browserPromise = launchBrowser();
  createNetwork();
  for (const [service, spec] of [
    ['mail', mailService],
    ['idp', idpService],
    ['panel', panelService],
  ] as const) {
    for (const port of spec.ports) await publish(port.host, SERVICES[service], port.container);
  }

  const mailPorts = {
    smtp: mailService.env.MAILDEV_SMTP_PORT ?? '1025',
    web: mailService.env.MAILDEV_WEB_PORT ?? '1080',
  };
  const maildev = path.join(repoRoot, 'apps/sandbox/node_modules/maildev/dist/bin/maildev.js');
  startIn(
    'mail',
    [maildev, '--smtp', mailPorts.smtp, '--web', mailPorts.web, '--ip', '0.0.0.0', '--web-ip', '0.0.0.0'],
    {},
  );
  await waitTcp(SERVICES.mail, Number(mailPorts.web)); // depends_on mail: service_started

  const idp = startIn('idp', [path.join(repoRoot, 'apps/idp/dist/main.js')], idpEnv);
  await waitHealthy('idp', idpEnv, idp); // depends_on idp: service_healthy
  const panel = startIn('panel', [path.join(repoRoot, 'apps/panel/dist/main.js')], panelEnv);
  await waitHealthy('panel', panelEnv, panel);
  browser = await browserPromise;
});

after(async () => {
  await (browser ?? (await browserPromise?.catch(() => undefined)))?.close();
  await stopAll();
  for (const f of forwarders) {
    for (const s of f.sockets) s.destroy();
    await new Promise((resolve) => f.server.close(resolve));
  }
  removeNetwork();
});

test('the topology runs the compose file values: public issuer, service-name back channel, service names on the leaf', () => {
  assert.equal(panelEnv.PANEL_IDP_CONNECT_TO, 'idp:8443');
  assert.equal(panelEnv.PANEL_LISTEN_HOST, '0.0.0.0');
  assert.equal(idpEnv.IDP_LISTEN_HOST, '0.0.0.0');
  assert.equal(idpEnv.SMTP_HOST, 'mail');
  assert.equal(idpEnv.IDP_ISSUER ?? 'https://localhost:8443', 'https://localhost:8443');
  const leaf = JSON.parse(fs.readFileSync(path.join(dataDir, 'tls', 'server.json'), 'utf8')) as { names: string[] };
  for (const name of ['localhost', 'idp', 'panel']) assert.ok(leaf.names.includes(name), `leaf covers ${name}`);
});

test('inside the panel namespace, localhost:8443 is not the IdP and `idp` is', async () => {
  const probe = `const s=require('net').connect(Number(process.argv[2]),process.argv[1]);s.on('connect',()=>{console.log('open');process.exit(0)});s.on('error',e=>{console.log(e.code);process.exit(0)})`;
  const inPanel = async (host: string) =>
    (
      await run('ip', ['netns', 'exec', nsName('panel'), process.execPath, '-e', probe, host, '8443'], {
        timeout: 10_000,
      })
    ).stdout.trim();
  assert.equal(await inPanel('127.0.0.1'), 'ECONNREFUSED', "the issuer's address is the panel's own loopback");
  assert.equal(await inPanel('idp'), 'open', 'the service name reaches the IdP');
  const { stdout } = await run('ip', ['netns', 'exec', nsName('panel'), 'getent', 'hosts', 'idp']);
  assert.match(stdout, new RegExp(`^${SERVICES.idp.replaceAll('.', '\\.')}\\s+idp`));
});

test('the full browser journey passes: public URLs in the browser, the service name in the back channel', async () => {
  assert.ok(browser, 'the browser started');
  const context = await newContext(browser);
  const page = await context.newPage();
  await page.goto(`${PANEL}/`);
  assert.equal(await page.title(), 'WHM Login');

  await page.getByRole('link', { name: 'Log in via WebPros' }).click();
  // The browser was sent to the public issuer, not to a service name.
  await page.waitForURL((url) => url.origin === 'https://localhost:8443');
  await page.getByLabel('Email', { exact: true }).fill(DEMO.email);
  await page.getByLabel('Password', { exact: true }).fill(DEMO.password);
  await page.getByRole('button', { name: 'Log in', exact: true }).click();
  await page.getByRole('heading', { name: 'Confirm Sending Data' }).waitFor();
  await page.getByRole('button', { name: 'Continue', exact: true }).click();

  // Reaching the banner means the panel's back channel did discovery, the token call and the ID
  // token checks (`iss` = https://localhost:8443, signature from the JWKS) through idp:8443.
  await page.getByText('is not associated with an existing').waitFor();
  assert.equal((await page.getByText('is not associated with an existing').textContent())?.trim(), LINK_BANNER);

  const rootPassword = fs.readFileSync(path.join(dataDir, 'panel', 'root-password.txt'), 'utf8').trim();
  await page.getByLabel('Username', { exact: true }).fill('root');
  await page.getByLabel('Password', { exact: true }).fill(rootPassword);
  await page.getByRole('button', { name: 'Log in', exact: true }).click();
  await page.waitForURL(/\/cpsess\d{10}\//);
  const home = await page.locator('body').innerText();
  assert.match(home, /root/);
  assert.ok(home.includes(DEMO.email), 'WHM Home shows the linked WebPros identity');
  await context.close();
});
