import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import { z } from 'zod';

/** Where one app of the sandbox listens (its *_LISTEN_HOST and port). */
export interface ReadyzTarget {
  app: 'IdP' | 'panel';
  host: string;
  port: number;
}

/** What an app's `GET /readyz` said; `reason` is its 503 reason, or why it did not answer at all. */
export type AppReadiness =
  | { app: ReadyzTarget['app']; url: string; ready: true }
  | { app: ReadyzTarget['app']; url: string; ready: false; answered: boolean; reason: string };

/** The panel's /readyz waits up to 3 s for the IdP's discovery; this leaves it room to answer. */
export const READYZ_TIMEOUT_MS = 5_000;
const MAX_BODY = 16_384;

const readyzBody = z.object({ status: z.string(), reason: z.string().max(2_000).optional() });

// A wildcard listener is reached on loopback; every other host is connected to as configured.
const LOOPBACK: Readonly<Record<string, string>> = { '0.0.0.0': '127.0.0.1', '::': '::1' };

/** `https://host:port/readyz` of a listener, with IPv6 hosts in brackets. */
export function readyzUrl(target: ReadyzTarget): string {
  const host = LOOPBACK[target.host] ?? target.host;
  return `https://${net.isIPv6(host) ? `[${host}]` : host}:${target.port}/readyz`;
}

/** The error's code (ECONNREFUSED, ETIMEDOUT, a TLS code), else its message. */
function errorCode(err: unknown): string {
  const code = (err as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string') return code;
  return err instanceof Error ? err.message : String(err);
}

/**
 * `GET /readyz` of one app over HTTPS trusting only the sandbox CA. The listener may be any of
 * its addresses, so the certificate is checked against `localhost`, a name every sandbox
 * certificate carries: what matters here is that the app answers with the sandbox's certificate.
 */
export function probeReadyz(target: ReadyzTarget, caPem: string, timeoutMs = READYZ_TIMEOUT_MS): Promise<AppReadiness> {
  const url = readyzUrl(target);
  const { app } = target;
  return new Promise((resolve) => {
    const notAnswered = (err: unknown) => resolve({ app, url, ready: false, answered: false, reason: errorCode(err) });
    const req = https.get(
      url,
      {
        ca: caPem,
        servername: 'localhost',
        checkServerIdentity: (_host, cert) => tls.checkServerIdentity('localhost', cert),
        headers: { accept: 'application/json' },
        agent: false,
        timeout: timeoutMs,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          if (text.length < MAX_BODY) text += chunk;
        });
        res.on('error', notAnswered);
        res.on('end', () => {
          if (res.statusCode === 200) return resolve({ app, url, ready: true });
          let parsed: z.infer<typeof readyzBody> | undefined;
          try {
            parsed = readyzBody.parse(JSON.parse(text));
          } catch {
            parsed = undefined;
          }
          const reason = parsed?.reason ?? `HTTP ${res.statusCode ?? '?'} without a reason`;
          resolve({ app, url, ready: false, answered: true, reason });
        });
      },
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error('no answer in time'), { code: 'ETIMEDOUT' })));
    req.on('error', notAnswered);
  });
}

/** Both apps' /readyz at once: two local requests (the panel's also fetches the IdP's discovery). */
export function checkSandboxReadiness(targets: readonly ReadyzTarget[], caPem: string): Promise<AppReadiness[]> {
  return Promise.all(targets.map((target) => probeReadyz(target, caPem)));
}

const capitalised = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * One sentence for an app that is not ready. The panel's reasons (IdP discovery through its back
 * channel) already name the setting to change; storage, the other check of both apps, lives in
 * the data folder, so that is what the sentence names.
 */
export function notReadySentence(r: Extract<AppReadiness, { ready: false }>, dataDir: string): string {
  if (!r.answered) {
    return `The ${r.app} does not answer ${r.url} (${r.reason}) although it started: see its log lines above.`;
  }
  const reason = /^storage does not answer/.test(r.reason)
    ? `${capitalised(r.reason)}: check that the data folder ${dataDir} (SANDBOX_DATA_DIR) is writable and its disk not full.`
    : capitalised(r.reason);
  return `The ${r.app} is not ready (${r.url} answers 503). ${reason}`;
}
