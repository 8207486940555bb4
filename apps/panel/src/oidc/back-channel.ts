import net from 'node:net';
import tls from 'node:tls';
import { Agent, buildConnector, fetch as undiciFetch } from 'undici';

/** A fetch for server-to-server calls to the IdP (discovery, token, userinfo, JWKS). */
export type BackChannelFetch = (url: string | URL, init?: RequestInit) => Promise<Response>;

export interface BackChannel {
  fetch: BackChannelFetch;
  close(): Promise<void>;
}

/** Where to open the TCP connection instead (curl's `--connect-to`), e.g. `{ host: 'idp', port: 8443 }`. */
export interface ConnectTo {
  host: string;
  port: number;
}

export interface BackChannelOptions {
  caPem: string;
  /** The issuer (`IDP_ISSUER`): requests to its origin are the ones `connectTo` redirects. */
  issuer?: string;
  /**
   * `PANEL_IDP_CONNECT_TO`: open connections for the issuer's origin to this host and port instead,
   * while the URL, the Host header, the TLS server name (SNI) and the certificate name check stay
   * the issuer's. This is how a panel container reaches the IdP by its compose service name (`idp`)
   * and still sees the one public issuer that the browser sees.
   */
  connectTo?: ConnectTo;
}

type Connector = ReturnType<typeof buildConnector>;

function defaultPort(protocol: string): number {
  return protocol === 'http:' ? 80 : 443;
}

/** Brackets-free host name of a URL (`[::1]` → `::1`), lower-cased. */
function bareHostname(hostname: string): string {
  return hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
}

/**
 * A connector that sends connections for one origin to another address. Everything above TCP is
 * untouched: the server name sent in SNI and checked against the certificate is the origin's host
 * name, so a certificate that does not name the public issuer is still rejected.
 */
function connectToConnector(base: Connector, origin: URL, target: ConnectTo, ca: string, timeout: number): Connector {
  const originHost = bareHostname(origin.hostname);
  const originPort = Number(origin.port || defaultPort(origin.protocol));
  const mapped = buildConnector({
    ca,
    timeout,
    // SNI must be a DNS name (RFC 6066); an IP-literal issuer sends none, as a direct connection would.
    ...(net.isIP(originHost) ? {} : { servername: originHost }),
    checkServerIdentity: (_host: string, cert: tls.PeerCertificate) => tls.checkServerIdentity(originHost, cert),
  });
  return (options, callback) => {
    const port = Number(options.port || defaultPort(options.protocol));
    const sameOrigin =
      options.protocol === origin.protocol && bareHostname(options.hostname) === originHost && port === originPort;
    if (!sameOrigin) {
      base(options, callback);
      return;
    }
    mapped(
      {
        ...options,
        hostname: target.host,
        port: String(target.port),
        servername: net.isIP(originHost) ? undefined : originHost,
      },
      callback,
    );
  };
}

/**
 * Trusts exactly the given CA (undici's `ca` replaces the default roots for this agent only), so
 * the panel verifies the IdP's certificate without touching process-wide TLS settings
 * (stack-notes.md gotcha 5). Short timeouts keep a dead IdP from holding a login request open.
 */
export function createBackChannel(options: BackChannelOptions): BackChannel {
  const timeout = 5_000;
  let connect: Connector | { ca: string; timeout: number } = { ca: options.caPem, timeout };
  if (options.connectTo) {
    if (!options.issuer) throw new Error('createBackChannel: connectTo needs the issuer whose origin it redirects');
    const base = buildConnector({ ca: options.caPem, timeout });
    connect = connectToConnector(base, new URL(options.issuer), options.connectTo, options.caPem, timeout);
  }
  const agent = new Agent({
    connect,
    headersTimeout: 10_000,
    bodyTimeout: 10_000,
    keepAliveTimeout: 10_000,
  });
  const fetch: BackChannelFetch = (url, init) =>
    undiciFetch(url, { ...(init as object), dispatcher: agent }) as unknown as Promise<Response>;
  return { fetch, close: () => agent.close() };
}
