import { randomBytes } from 'node:crypto';
import { createHttpClient, type HttpClient, type HttpResponse, parseForms } from '@extauth/server-kit/http-client';

/** How to fill the forms met on the way: returns the fields to post, or undefined to stop. */
export type FormFiller = (page: HttpResponse) => { action: string; fields: Record<string, string> } | undefined;

/** The bare OP's devInteractions: any login and password, then "Continue" on consent. */
export const fillDevInteractions: FormFiller = (page) => {
  const form = parseForms(page.text, page.url).find((f) => f.method === 'POST');
  if (!form) return undefined;
  const fields = { ...form.fields };
  if (fields.prompt === 'login') Object.assign(fields, { login: 'bench-user', password: 'any' });
  return { action: form.action, fields };
};

/** The sandbox IdP's own pages: "Log in" with Email and Password, then "Continue" on Confirm Sending Data. */
export function fillSandboxIdp(email: string, password: string): FormFiller {
  return (page) => {
    const forms = parseForms(page.text, page.url);
    const login = forms.find((f) => f.buttons.some((b) => b.text === 'Log in') && 'Email' in f.labels);
    if (login) {
      return {
        action: login.action,
        fields: { ...login.fields, [login.labels.Email as string]: email, [login.labels.Password as string]: password },
      };
    }
    const consent = forms.find((f) => f.buttons.some((b) => b.text === 'Continue'));
    if (!consent) return undefined;
    const button = consent.buttons.find((b) => b.text === 'Continue');
    return {
      action: consent.action,
      fields: { ...consent.fields, ...(button?.name ? { [button.name]: button.value ?? '' } : {}) },
    };
  };
}

/**
 * Drives an authorization request through the OP's forms until it redirects to `redirectUri`,
 * and returns the authorization code (the relying party is never called).
 */
export async function authorizeToCode(
  http: HttpClient,
  authorizeUrl: URL,
  redirectUri: string,
  fill: FormFiller,
): Promise<string> {
  const stopAt = (location: URL) => location.href.startsWith(redirectUri);
  let res = await http.follow(await http.get(authorizeUrl), { stopAt });
  for (let step = 0; step < 8; step += 1) {
    if (res.location && stopAt(new URL(res.location))) {
      const code = new URL(res.location).searchParams.get('code');
      if (!code) throw new Error(`no code in ${res.location}`);
      return code;
    }
    const next = fill(res);
    if (!next) throw new Error(`stuck at ${res.url} (status ${res.status}): ${res.text.slice(0, 300)}`);
    res = await http.follow(await http.post(next.action, next.fields), { stopAt });
  }
  throw new Error('too many steps before the redirect to the client');
}

/** A refresh token for a confidential client_secret_post client, via a code flow. */
export async function obtainRefreshToken(options: {
  ca: string;
  issuer: string;
  client: { id: string; secret: string };
  redirectUri: string;
  fill: FormFiller;
}): Promise<{ refreshToken: string; tokenEndpoint: string }> {
  const http = createHttpClient({ ca: options.ca });
  try {
    const discovery = (await http.get(`${options.issuer}/.well-known/openid-configuration`)).json<{
      authorization_endpoint: string;
      token_endpoint: string;
    }>();
    const url = new URL(discovery.authorization_endpoint);
    url.search = new URLSearchParams({
      client_id: options.client.id,
      response_type: 'code',
      scope: 'openid email profile',
      redirect_uri: options.redirectUri,
      state: randomBytes(8).toString('hex'),
      nonce: randomBytes(8).toString('hex'),
    }).toString();
    const code = await authorizeToCode(http, url, options.redirectUri, options.fill);
    const res = await http.post(discovery.token_endpoint, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: options.redirectUri,
      client_id: options.client.id,
      client_secret: options.client.secret,
    });
    const body = res.json<{ refresh_token?: string; error?: string }>();
    if (!body.refresh_token) throw new Error(`no refresh token: ${res.status} ${res.text.slice(0, 300)}`);
    return { refreshToken: body.refresh_token, tokenEndpoint: discovery.token_endpoint };
  } finally {
    await http.close();
  }
}

/**
 * One full login at the bare OP + RP as a browser makes it: RP /login → OP → devInteractions
 * login and consent → RP /cb (code exchange, ID token checked). A new client per flow, as
 * `loginViaWebPros` does (so TLS handshakes are in both). Returns milliseconds.
 */
export async function runBareCodeFlow(ca: string, rpUrl: string): Promise<number> {
  const started = performance.now();
  const http = createHttpClient({ ca });
  try {
    let res = await http.follow(await http.get(`${rpUrl}/login`));
    for (let step = 0; step < 4 && res.status === 200 && !res.url.startsWith(`${rpUrl}/cb`); step += 1) {
      const next = fillDevInteractions(res);
      if (!next) break;
      res = await http.follow(await http.post(next.action, next.fields));
    }
    if (res.status !== 200 || !res.url.startsWith(`${rpUrl}/cb`)) {
      throw new Error(`bare code flow ended at ${res.url} with ${res.status}: ${res.text.slice(0, 300)}`);
    }
    return performance.now() - started;
  } finally {
    await http.close();
  }
}
