import type { BackChannelFetch, ConnectTo } from './back-channel.js';

/** Why the panel's back channel cannot use the issuer; each has one sentence naming the setting to change. */
export type IssuerProblem =
  | 'unreachable'
  | 'certificate_name'
  | 'certificate_untrusted'
  | 'certificate_time'
  | 'bad_status'
  | 'issuer_mismatch'
  | 'clock_skew';

export type IssuerCheck = { ok: true } | { ok: false; problem: IssuerProblem; sentence: string };

/** ID tokens carry `iat`/`exp`; beyond this the panel's and the IdP's clocks disagree enough to matter. */
export const MAX_CLOCK_SKEW_SECONDS = 60;

const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNRESET',
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_SOCKET',
  'TimeoutError',
  'AbortError',
]);
const CERT_NAME = new Set(['ERR_TLS_CERT_ALTNAME_INVALID', 'ERR_TLS_CERT_ALTNAME_FORMAT']);
const CERT_TIME = new Set(['CERT_NOT_YET_VALID', 'CERT_HAS_EXPIRED']);

/** The most specific code in an error and its causes (undici wraps socket and TLS errors in `cause`). */
function errorCode(err: unknown): string {
  let e: unknown = err;
  let found = 'error';
  for (let depth = 0; e && depth < 5; depth += 1) {
    const { code, name } = e as { code?: unknown; name?: unknown };
    if (typeof code === 'string') found = code;
    else if (found === 'error' && (name === 'TimeoutError' || name === 'AbortError')) found = name;
    e = (e as { cause?: unknown }).cause;
  }
  return found;
}

export interface IssuerCheckOptions {
  fetch: BackChannelFetch;
  /** IDP_ISSUER as the panel has it. */
  issuer: string;
  /** PANEL_IDP_CONNECT_TO, when set. */
  connectTo?: ConnectTo | undefined;
  /** IDP_PORT, to say when the issuer's port is not where the IdP listens. */
  idpPort?: number | undefined;
  now?: () => number;
  timeoutMs?: number;
}

function unreachableSentence(o: IssuerCheckOptions, code: string): string {
  const url = new URL(o.issuer);
  const issuerPort = Number(url.port || 443);
  if (o.connectTo) {
    return `The panel cannot reach the IdP at PANEL_IDP_CONNECT_TO=${o.connectTo.host}:${o.connectTo.port} (${code}): start the IdP there or correct PANEL_IDP_CONNECT_TO.`;
  }
  if (o.idpPort !== undefined && issuerPort !== o.idpPort) {
    return `The panel cannot reach the IdP at ${url.origin} (${code}): IDP_ISSUER has port ${issuerPort} but IDP_PORT is ${o.idpPort}; make them agree, or set PANEL_IDP_CONNECT_TO=host:${o.idpPort} when a proxy serves the issuer.`;
  }
  return `The panel cannot reach the IdP at ${url.origin} (${code}): start the IdP, or correct IDP_ISSUER, or set PANEL_IDP_CONNECT_TO to the host:port where the IdP listens.`;
}

/** What an error of the back channel means, as one sentence. */
export function explainBackChannelError(o: IssuerCheckOptions, err: unknown): Exclude<IssuerCheck, { ok: true }> {
  const code = errorCode(err);
  const url = new URL(o.issuer);
  if (CERT_NAME.has(code)) {
    return {
      ok: false,
      problem: 'certificate_name',
      sentence: `The IdP's certificate does not name ${url.hostname}, the host of IDP_ISSUER: add ${url.hostname} to SANDBOX_HOSTNAMES and restart, or correct IDP_ISSUER.`,
    };
  }
  if (CERT_TIME.has(code)) {
    return {
      ok: false,
      problem: 'certificate_time',
      sentence: `The IdP's certificate is not valid at this machine's time (${code}): check the system clock (e.g. timedatectl set-ntp true), or delete the tls folder in SANDBOX_DATA_DIR to renew the certificates.`,
    };
  }
  if (UNREACHABLE.has(code) || code === 'error') {
    return { ok: false, problem: 'unreachable', sentence: unreachableSentence(o, code) };
  }
  // Anything else from TLS is a chain the panel does not trust (UNABLE_TO_VERIFY_LEAF_SIGNATURE, SELF_SIGNED_…).
  return {
    ok: false,
    problem: 'certificate_untrusted',
    sentence: `The IdP at ${url.origin} presents a certificate the panel does not trust (${code}): give both apps the same sandbox CA (the same SANDBOX_DATA_DIR or SANDBOX_TLS_DIR), and check that IDP_ISSUER points at the sandbox IdP.`,
  };
}

/**
 * Fetches the issuer's discovery document through the panel's back channel, as a login would, and
 * says in one sentence what is wrong: unreachable, certificate name, trust or validity, another
 * issuer in the document, or clocks that disagree.
 */
export async function checkIssuerDiscovery(o: IssuerCheckOptions): Promise<IssuerCheck> {
  const url = `${o.issuer}/.well-known/openid-configuration`;
  let res: Response;
  try {
    res = await o.fetch(url, {
      signal: AbortSignal.timeout(o.timeoutMs ?? 3_000),
      headers: { accept: 'application/json' },
    });
  } catch (err) {
    return explainBackChannelError(o, err);
  }
  if (res.status !== 200) {
    await res.body?.cancel();
    return {
      ok: false,
      problem: 'bad_status',
      sentence: `GET ${url} answered ${res.status}: IDP_ISSUER must be the IdP's issuer exactly (scheme, host, port, no trailing slash).`,
    };
  }
  const discovered = await res.json().then(
    (body: unknown) => (body as { issuer?: unknown })?.issuer,
    () => undefined,
  );
  if (discovered !== o.issuer) {
    return {
      ok: false,
      problem: 'issuer_mismatch',
      sentence: `Discovery at ${url} says issuer ${JSON.stringify(discovered ?? null)}, not IDP_ISSUER "${o.issuer}": set IDP_ISSUER to the same value for the IdP and the panel.`,
    };
  }
  const date = Date.parse(res.headers.get('date') ?? '');
  if (!Number.isNaN(date)) {
    const skew = Math.round(((o.now ?? Date.now)() - date) / 1000);
    if (Math.abs(skew) > MAX_CLOCK_SKEW_SECONDS) {
      return {
        ok: false,
        problem: 'clock_skew',
        // The IdP's Date header and token times are real time (its admin API's sandbox clock moves
        // neither), so the only setting to change is the system clock of the machine that is off.
        sentence: `This machine's system clock is ${Math.abs(skew)} s ${skew > 0 ? 'ahead of' : 'behind'} the IdP's, so ID tokens will be refused: set the system clock right on whichever machine is off, best by turning on NTP (e.g. timedatectl set-ntp true), since the sandbox clock of the IdP admin API (POST /admin/clock) does not move token times and cannot fix this.`,
      };
    }
  }
  return { ok: true };
}
