import { createHash, randomBytes } from 'node:crypto';
import { Agent, fetch as undiciFetch } from 'undici';
import { assertNotRefused, createHeadlessBrowser, HeadlessError } from './headless.js';
import { type IdpCredentials, nextIdpStep } from './idp-pages.js';

/**
 * OIDC helpers for any relying party under test: build an authorization request, let a headless
 * person log in at the IdP (password, MFA, "Confirm Sending Data"), and exchange the code.
 */

export interface AuthorizeOptions {
  issuer: string;
  clientId: string;
  /** Only to carry over to `exchangeCode`; the authorization request never contains it. */
  clientSecret?: string;
  redirectUri: string;
  /** Default `openid email profile`. */
  scope?: string;
  /** `2` asks for a second factor. */
  acrValues?: string;
  /** PEM of the sandbox CA (discovery is fetched over HTTPS). */
  ca: string;
}

export interface AuthorizationRequest {
  url: string;
  state: string;
  nonce: string;
  /** PKCE S256 verifier (always sent: the IdP requires PKCE from public clients). */
  codeVerifier: string;
}

interface Discovery {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  userinfo_endpoint: string;
}

async function fetchJson<T>(
  url: string,
  ca: string,
  init: Parameters<typeof undiciFetch>[1] = {},
): Promise<{ status: number; body: T }> {
  const dispatcher = new Agent({ connect: { ca } });
  try {
    const res = await undiciFetch(url, { ...init, dispatcher });
    return { status: res.status, body: (await res.json()) as T };
  } finally {
    await dispatcher.close();
  }
}

/** The IdP's discovery document (`/.well-known/openid-configuration`). */
export async function discover(issuer: string, ca: string): Promise<Discovery> {
  const { status, body } = await fetchJson<Discovery>(
    `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`,
    ca,
  );
  if (status !== 200) throw new Error(`discovery at ${issuer} answered ${status}`);
  return body;
}

export async function authorize(options: AuthorizeOptions): Promise<AuthorizationRequest> {
  const { authorization_endpoint } = await discover(options.issuer, options.ca);
  const state = randomBytes(16).toString('base64url');
  const nonce = randomBytes(16).toString('base64url');
  const codeVerifier = randomBytes(32).toString('base64url');
  const url = new URL(authorization_endpoint);
  const params: Record<string, string> = {
    response_type: 'code',
    client_id: options.clientId,
    redirect_uri: options.redirectUri,
    scope: options.scope ?? 'openid email profile',
    state,
    nonce,
    code_challenge: createHash('sha256').update(codeVerifier).digest('base64url'),
    code_challenge_method: 'S256',
    ...(options.acrValues ? { acr_values: options.acrValues } : {}),
  };
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return { url: url.href, state, nonce, codeVerifier };
}

export interface CompleteLoginOptions extends IdpCredentials {
  /** PEM of the sandbox CA. */
  ca: string;
}

/**
 * Opens an authorization URL (from `authorize` or your own app) as a person would and passes every
 * IdP page until the IdP redirects to the request's redirect_uri, which is not opened: returns that
 * callback URL, with `code` and `state` (or `error`). Throws a HeadlessError at the first refused
 * form (quoting the page's alert) and on a page it does not know.
 */
export async function completeLogin(authorizationUrl: string, options: CompleteLoginOptions): Promise<string> {
  const redirectUri = new URL(authorizationUrl).searchParams.get('redirect_uri');
  if (!redirectUri) throw new Error('the authorization URL has no redirect_uri');
  const browser = createHeadlessBrowser({ ca: options.ca, stopAt: (u) => u.href.startsWith(redirectUri) });
  const state = { usedRecoveryCode: false };
  try {
    let page = await browser.open(authorizationUrl);
    assertNotRefused(page, 'the authorization request');
    for (let step = 0; step < 8; step += 1) {
      if (page.location?.startsWith(redirectUri)) return page.location;
      const next = await nextIdpStep(browser, page, options, state);
      if (!next) throw new HeadlessError('completeLogin does not know this page', page);
      page = await next.send();
      assertNotRefused(page, next.what);
    }
    throw new HeadlessError('completeLogin went round in circles', page);
  } finally {
    await browser.close();
  }
}

export interface TokenSet {
  access_token: string;
  id_token: string;
  refresh_token?: string;
  token_type: string;
  expires_in: number;
  scope?: string;
}

/** Checks the callback's state and exchanges its code (client_secret_basic with a secret, PKCE always). */
export async function exchangeCode(
  options: AuthorizeOptions & { callbackUrl: string; request: Pick<AuthorizationRequest, 'state' | 'codeVerifier'> },
): Promise<TokenSet> {
  const callback = new URL(options.callbackUrl);
  if (callback.searchParams.get('state') !== options.request.state)
    throw new Error('the callback state does not match');
  const code = callback.searchParams.get('code');
  if (!code) throw new Error(`no code in the callback: ${callback.searchParams.get('error') ?? callback.href}`);
  const { token_endpoint } = await discover(options.issuer, options.ca);
  const form = new URLSearchParams({
    grant_type: 'authorization_code',
    code,
    redirect_uri: options.redirectUri,
    code_verifier: options.request.codeVerifier,
  });
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (options.clientSecret) {
    const enc = (v: string) => encodeURIComponent(v);
    headers.authorization = `Basic ${Buffer.from(`${enc(options.clientId)}:${enc(options.clientSecret)}`).toString('base64')}`;
  } else {
    form.set('client_id', options.clientId);
  }
  const { status, body } = await fetchJson<TokenSet & { error?: string }>(token_endpoint, options.ca, {
    method: 'POST',
    headers,
    body: form.toString(),
  });
  if (status !== 200) throw new Error(`the token endpoint answered ${status} ${body.error ?? ''}`.trim());
  return body;
}
