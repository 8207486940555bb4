import assert from 'node:assert/strict';
import { createHttpClient, type HttpClient, type HttpResponse, parseForms } from '@extauth/server-kit/http-client';
import { Agent, fetch as undiciFetch } from 'undici';

/** A person's browser at the IdP: cookies kept, redirects followed until one points at a relying party. */
export interface IdpBrowser {
  http: HttpClient;
  /**
   * Opens an authorization URL and passes the IdP's pages (login, "Confirm Sending Data") until the
   * IdP redirects to `redirectUri`; returns that callback URL without opening it.
   */
  signIn(
    authorizationUrl: string | URL,
    options: { email: string; password: string; trust?: boolean; oneTimeCode?: () => Promise<string> },
  ): Promise<{ callback: URL; pages: string[] }>;
  /** Opens a URL and follows redirects until a page or a redirect to the relying party. */
  open(url: string | URL): Promise<HttpResponse>;
  close(): Promise<void>;
}

const headingOf = (page: HttpResponse) => /<h1[^>]*>([\s\S]*?)<\/h1>/.exec(page.text)?.[1]?.trim() ?? '';

export function createIdpBrowser(options: { ca: string; redirectPrefix: string }): IdpBrowser {
  const http = createHttpClient({ ca: options.ca, userAgent: 'extauth-interop-test' });
  const stopAt = (location: URL) => location.href.startsWith(options.redirectPrefix);
  const open = async (url: string | URL) => http.follow(await http.get(url), { stopAt });

  return {
    http,
    open,
    async signIn(authorizationUrl, credentials) {
      let page = await open(authorizationUrl);
      const pages: string[] = [];
      for (let step = 0; step < 5; step += 1) {
        if (page.location && stopAt(new URL(page.location))) return { callback: new URL(page.location), pages };
        const heading = headingOf(page);
        pages.push(heading);
        const forms = parseForms(page.text, page.url);
        const login = forms.find((f) => /\/interaction\/[^/]+\/login$/.test(new URL(f.action).pathname));
        const consent = forms.find((f) => /\/interaction\/[^/]+\/consent$/.test(new URL(f.action).pathname));
        const challenge = forms.find((f) => /\/interaction\/[^/]+\/mfa\/challenge$/.test(new URL(f.action).pathname));
        if (challenge && credentials.oneTimeCode) {
          const code = await credentials.oneTimeCode();
          page = await http.follow(await http.post(challenge.action, { ...challenge.fields, code }), { stopAt });
        } else if (login) {
          page = await http.follow(
            await http.post(login.action, {
              ...login.fields,
              email: credentials.email,
              password: credentials.password,
            }),
            { stopAt },
          );
        } else if (consent) {
          const fields = { ...consent.fields, ...(credentials.trust ? { trust: 'on' } : {}) };
          page = await http.follow(await http.post(consent.action, fields), { stopAt });
        } else {
          assert.fail(`unexpected IdP page ${page.status} "${heading}" at ${page.url}`);
        }
      }
      assert.fail(`no redirect to ${options.redirectPrefix} after ${pages.join(' → ')}`);
    },
    close: () => http.close(),
  };
}

/** `fetch` trusting the sandbox CA, in the shape openid-client's and oauth4webapi's `customFetch` take. */
export function caFetch(ca: string) {
  const dispatcher = new Agent({ connect: { ca } });
  const fetch = ((url: string, init: object) =>
    undiciFetch(url, { ...init, dispatcher })) as unknown as typeof globalThis.fetch;
  return { fetch, close: () => dispatcher.close() };
}

/** The JSON payload of a JWT, without any check (checks are the client library's job). */
export function jwtPayload(jwt: string): Record<string, unknown> {
  const part = jwt.split('.')[1];
  assert.ok(part, 'not a JWT');
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
}
