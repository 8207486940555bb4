import { Agent, fetch as undiciFetch } from 'undici';

/** A fetch for server-to-server calls to the IdP (discovery, token, userinfo, JWKS). */
export type BackChannelFetch = (url: string | URL, init?: RequestInit) => Promise<Response>;

export interface BackChannel {
  fetch: BackChannelFetch;
  close(): Promise<void>;
}

/**
 * Trusts exactly the given CA (undici's `ca` replaces the default roots for this agent only), so
 * the panel verifies the IdP's certificate without touching process-wide TLS settings
 * (stack-notes.md gotcha 5). Short timeouts keep a dead IdP from holding a login request open.
 */
export function createBackChannel(options: { caPem: string }): BackChannel {
  const agent = new Agent({
    connect: { ca: options.caPem, timeout: 5_000 },
    headersTimeout: 10_000,
    bodyTimeout: 10_000,
    keepAliveTimeout: 10_000,
  });
  const fetch: BackChannelFetch = (url, init) =>
    undiciFetch(url, { ...(init as object), dispatcher: agent }) as unknown as Promise<Response>;
  return { fetch, close: () => agent.close() };
}
