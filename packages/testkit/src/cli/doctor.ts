import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { SandboxTarget } from '@extauth/sandbox/target';
import { Agent, fetch as undiciFetch } from 'undici';
import type { CliIo } from './context.js';
import { describeUnreachable } from './reach.js';

export interface Finding {
  ok: boolean;
  /** One line: what is wrong and how to fix it (or what is fine). */
  line: string;
}

const MAX_CLOCK_SKEW_SECONDS = 5;

function portInUse(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(1000);
    const done = (used: boolean) => {
      socket.destroy();
      resolve(used);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}

function checkCertificates(target: SandboxTarget): Finding[] {
  const leafFile = path.join(target.tlsDir, 'server.pem');
  if (!fs.existsSync(target.caFile) || !fs.existsSync(leafFile)) {
    return [
      {
        ok: false,
        line: `certificates missing in ${target.tlsDir}: start the sandbox once (pnpm start) to create them`,
      },
    ];
  }
  const ca = new X509Certificate(fs.readFileSync(target.caFile));
  const leaf = new X509Certificate(fs.readFileSync(leafFile));
  const now = Date.now();
  const findings: Finding[] = [];
  for (const [name, cert] of [
    ['CA', ca],
    ['server certificate', leaf],
  ] as const) {
    if (Date.parse(cert.validTo) < now || Date.parse(cert.validFrom) > now) {
      findings.push({
        ok: false,
        line: `${name} is not valid now (${cert.validFrom} – ${cert.validTo}): delete ${target.tlsDir} and start again`,
      });
    }
  }
  if (!leaf.verify(ca.publicKey)) {
    findings.push({
      ok: false,
      line: `server.pem was not issued by ca.pem in ${target.tlsDir}: delete that folder and start again`,
    });
  }
  const names = leaf.subjectAltName ?? '';
  for (const host of target.hostnames) {
    const covered = leaf.checkHost(host) !== undefined || leaf.checkIP(host) !== undefined || names.includes(host);
    if (!covered) {
      findings.push({
        ok: false,
        line: `the certificate does not cover "${host}": add it to SANDBOX_HOSTNAMES and restart`,
      });
    }
  }
  if (findings.length === 0)
    findings.push({ ok: true, line: `certificates in ${target.tlsDir} are valid for ${target.hostnames.join(', ')}` });
  return findings;
}

type IssuerState = 'running' | 'nothing_answers' | 'other_ca' | 'unreachable' | 'unknown';

/** Discovery as the panel's back channel fetches it: HTTPS trusting only the sandbox CA. */
async function checkIssuer(target: SandboxTarget): Promise<{ state: IssuerState; findings: Finding[]; date?: string }> {
  if (!fs.existsSync(target.caFile)) return { state: 'unknown', findings: [] };
  const dispatcher = new Agent({ connect: { ca: fs.readFileSync(target.caFile, 'utf8') } });
  const url = `${target.issuer}/.well-known/openid-configuration`;
  try {
    const res = await undiciFetch(url, { dispatcher, signal: AbortSignal.timeout(3000) });
    const body = (await res.json()) as { issuer?: string };
    const date = res.headers.get('date') ?? undefined;
    if (body.issuer !== target.issuer) {
      return {
        state: 'running',
        ...(date ? { date } : {}),
        findings: [
          {
            ok: false,
            line: `discovery says issuer "${body.issuer}", expected "${target.issuer}": set IDP_ISSUER to the same value for every app`,
          },
        ],
      };
    }
    return {
      state: 'running',
      ...(date ? { date } : {}),
      findings: [{ ok: true, line: `issuer ${target.issuer} answers discovery through the sandbox CA` }],
    };
  } catch (err) {
    const unreachable = describeUnreachable(err, { url, what: 'the IdP', portVariable: 'IDP_PORT' });
    if (unreachable?.kind === 'nothing_answers') return { state: 'nothing_answers', findings: [] };
    if (unreachable?.kind === 'other_ca') {
      return { state: 'other_ca', findings: [{ ok: false, line: unreachable.sentence }] };
    }
    return {
      state: 'unreachable',
      findings: [
        {
          ok: false,
          line: `the panel's back channel cannot reach ${url}: ${unreachable?.sentence ?? (err as Error).message}`,
        },
      ],
    };
  } finally {
    await dispatcher.close();
  }
}

/** `doctor`: ports, certificates, the issuer as the panel sees it, clocks. One line per finding. */
export async function runDoctor(target: SandboxTarget, io: CliIo): Promise<boolean> {
  const issuer = await checkIssuer(target);
  const running = issuer.state === 'running';
  const findings: Finding[] = [];
  let portsTaken = false;
  for (const p of target.ports) {
    const used = await portInUse(p.host === '0.0.0.0' ? '127.0.0.1' : p.host, p.port);
    if (running && !used)
      findings.push({
        ok: false,
        line: `nothing listens on ${p.host}:${p.port} (${p.name}) although the IdP runs: restart the sandbox`,
      });
    else if (!running && used) {
      portsTaken = true;
      // The issuer finding already names what holds IDP_PORT (a server with another CA).
      if (!(issuer.state === 'other_ca' && p.name === 'IDP_PORT'))
        findings.push({
          ok: false,
          line: `port ${p.port} (${p.name}) is in use by another program: stop it or choose another port with ${p.name}`,
        });
    } else findings.push({ ok: true, line: `port ${p.port} (${p.name}) ${used ? 'in use by the sandbox' : 'free'}` });
  }
  findings.push(...checkCertificates(target), ...issuer.findings);
  // "Not running" is only news when nothing else is in the way; a taken port is reported above.
  if ((issuer.state === 'nothing_answers' || issuer.state === 'unknown') && !portsTaken)
    findings.push({
      ok: true,
      line: `the sandbox is not running at ${target.issuer}: issuer and clock checks need it`,
    });
  if (issuer.date) {
    const skew = Math.round((Date.now() - Date.parse(issuer.date)) / 1000);
    findings.push(
      Math.abs(skew) > MAX_CLOCK_SKEW_SECONDS
        ? {
            ok: false,
            line: `this machine's clock is ${skew} s off the IdP's: sync it (e.g. timedatectl set-ntp true), TOTP codes depend on it`,
          }
        : { ok: true, line: 'system clock agrees with the IdP' },
    );
  }
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 19))
    findings.push({ ok: false, line: `Node ${process.versions.node} is too old: install Node 20.19+ or 22` });
  for (const f of findings) (f.ok ? io.out : io.err)(`${f.ok ? 'ok  ' : 'FAIL'} ${f.line}`);
  return findings.every((f) => f.ok);
}
