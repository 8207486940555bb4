import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as client from 'openid-client';
import { Agent, fetch as undiciFetch } from 'undici';

/**
 * A relying party as small as it gets: "Log in" sends the browser to the IdP (authorization code
 * flow with PKCE, state and nonce), the callback exchanges the code and keeps the ID token's email
 * in a server-side session, and the home page shows who is signed in.
 */
export interface RpSettings {
  issuer: string;
  clientId: string;
  /** Leave out for a public client. */
  clientSecret?: string;
  port: number;
  /** PEM of a CA to trust for the IdP (the sandbox's local CA); the system CAs otherwise. */
  ca?: string;
}

interface Pending {
  state: string;
  nonce: string;
  codeVerifier: string;
}

const html = (body: string) => `<!doctype html><html><head><title>Example RP</title></head><body>${body}</body></html>`;
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function cookieOf(req: http.IncomingMessage, name: string): string | undefined {
  return new RegExp(`(?:^|;\\s*)${name}=([^;]+)`).exec(req.headers.cookie ?? '')?.[1];
}

export async function startRpApp(settings: RpSettings) {
  const dispatcher = settings.ca ? new Agent({ connect: { ca: settings.ca } }) : undefined;
  const customFetch = ((url: string, options: object) =>
    undiciFetch(url, { ...options, ...(dispatcher ? { dispatcher } : {}) })) as unknown as client.CustomFetch;
  const redirectUri = `http://localhost:${settings.port}/callback`;
  let config: client.Configuration | undefined;
  const configuration = async () => {
    config ??= await client.discovery(
      new URL(settings.issuer),
      settings.clientId,
      settings.clientSecret,
      settings.clientSecret ? client.ClientSecretBasic(settings.clientSecret) : client.None(),
      { [client.customFetch]: customFetch },
    );
    return config;
  };
  const pending = new Map<string, Pending>();
  const sessions = new Map<string, { email: string }>();

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = new URL(req.url ?? '/', redirectUri);
    if (url.pathname === '/login') {
      const flow = {
        state: client.randomState(),
        nonce: client.randomNonce(),
        codeVerifier: client.randomPKCECodeVerifier(),
      };
      const id = randomBytes(16).toString('base64url');
      pending.set(id, flow);
      const target = client.buildAuthorizationUrl(await configuration(), {
        redirect_uri: redirectUri,
        scope: 'openid email profile',
        state: flow.state,
        nonce: flow.nonce,
        code_challenge: await client.calculatePKCECodeChallenge(flow.codeVerifier),
        code_challenge_method: 'S256',
      });
      res.writeHead(302, { location: target.href, 'set-cookie': `rp_pending=${id}; HttpOnly; Path=/; SameSite=Lax` });
      return res.end();
    }
    if (url.pathname === '/callback') {
      const flow = pending.get(cookieOf(req, 'rp_pending') ?? '');
      if (!flow) {
        res.writeHead(400, { 'content-type': 'text/html' });
        return res.end(html('<p>This sign-in has expired. <a href="/login">Log in</a> again.</p>'));
      }
      try {
        const tokens = await client.authorizationCodeGrant(await configuration(), url, {
          pkceCodeVerifier: flow.codeVerifier,
          expectedState: flow.state,
          expectedNonce: flow.nonce,
          idTokenExpected: true,
        });
        const email = String(tokens.claims()?.email ?? '');
        const session = randomBytes(16).toString('base64url');
        sessions.set(session, { email });
        res.writeHead(302, { location: '/', 'set-cookie': `rp_session=${session}; HttpOnly; Path=/; SameSite=Lax` });
        return res.end();
      } catch (err) {
        const reason = (err as { error?: string }).error ?? (err as { code?: string }).code ?? 'error';
        res.writeHead(502, { 'content-type': 'text/html' });
        return res.end(html(`<p>The sign-in failed: ${escapeHtml(reason)}</p>`));
      } finally {
        pending.delete(cookieOf(req, 'rp_pending') ?? '');
      }
    }
    if (url.pathname === '/') {
      const session = sessions.get(cookieOf(req, 'rp_session') ?? '');
      res.writeHead(200, { 'content-type': 'text/html' });
      return res.end(
        html(session ? `<p>Signed in as ${escapeHtml(session.email)}</p>` : '<p><a href="/login">Log in</a></p>'),
      );
    }
    res.writeHead(404, { 'content-type': 'text/html' });
    res.end(html('<p>Not found</p>'));
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch(() => {
      res.writeHead(500, { 'content-type': 'text/html' });
      res.end(html('<p>Something went wrong.</p>'));
    });
  });
  await new Promise<void>((resolve) => server.listen(settings.port, '127.0.0.1', resolve));
  return {
    url: `http://localhost:${(server.address() as AddressInfo).port}`,
    redirectUri,
    close: async () => {
      await new Promise((resolve) => server.close(resolve));
      await dispatcher?.close();
    },
  };
}
