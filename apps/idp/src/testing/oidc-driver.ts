import assert from 'node:assert/strict';
import { createHash, createPublicKey, type JsonWebKey, randomBytes, verify } from 'node:crypto';
import { type HttpClient, type HttpResponse, parseForms } from '@extauth/server-kit/http-client';
import { PANEL_CALLBACK, TEST_CLIENT_ID } from './test-idp.js';

/** WHM's state: compact JSON, sent as is (spec/whm-external-auth.md §5.1). */
export const WHM_STATE = '{"service":"whostmgrd","external_validation_token":"abc"}';

export function authorizeUrl(issuer: string, params: Record<string, string> = {}): string {
  const url = new URL('/auth', issuer);
  const all = {
    response_type: 'code',
    client_id: TEST_CLIENT_ID,
    redirect_uri: PANEL_CALLBACK,
    scope: 'openid profile email',
    state: WHM_STATE,
    ...params,
  };
  for (const [k, v] of Object.entries(all)) url.searchParams.set(k, v);
  return url.href;
}

export function pkcePair() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

const atCallback = (location: URL) => location.href.startsWith(PANEL_CALLBACK);

/** Follows redirects until a page, or until the browser is sent to the panel's callback. */
export function browse(browser: HttpClient, res: HttpResponse): Promise<HttpResponse> {
  return browser.follow(res, { stopAt: atCallback });
}

/** Submits the form whose action contains `actionPart`, with the page's own fields plus `fields`. */
export async function submitForm(
  browser: HttpClient,
  page: HttpResponse,
  actionPart: string,
  fields: Record<string, string> = {},
): Promise<HttpResponse> {
  const form = parseForms(page.text, page.url).find((f) => f.action.includes(actionPart));
  assert.ok(form, `no form with action containing ${actionPart} on ${page.url}:\n${page.text}`);
  return browser.post(form.action, { ...form.fields, ...fields });
}

/** Starts an authorization, logs in and confirms; returns the callback URL the panel receives. */
export async function signIn(
  browser: HttpClient,
  issuer: string,
  credentials: { email: string; password: string },
  params: Record<string, string> = {},
): Promise<URL> {
  const loginPage = await browse(browser, await browser.get(authorizeUrl(issuer, params)));
  assert.equal(loginPage.status, 200, loginPage.text);
  const consentPage = await browse(browser, await submitForm(browser, loginPage, '/login', credentials));
  assert.match(consentPage.text, /Confirm Sending Data/);
  const done = await browse(browser, await submitForm(browser, consentPage, '/consent'));
  assert.ok(done.location && atCallback(new URL(done.location)), `expected the callback, got ${done.status}`);
  return new URL(done.location);
}

export interface TokenResponse {
  access_token: string;
  id_token: string;
  refresh_token?: string;
  token_type: string;
  expires_in: number;
}

export function decodeJwt(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [header, payload] = token.split('.');
  const json = (part: string | undefined) => JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8'));
  return { header: json(header), payload: json(payload) };
}

/** Verifies an RS256 JWT against a JWKS with node:crypto only; returns its payload. */
export function verifyRs256(token: string, jwks: { keys: (JsonWebKey & { kid?: string })[] }): Record<string, unknown> {
  const [h, p, s] = token.split('.');
  const { header, payload } = decodeJwt(token);
  assert.equal(header.alg, 'RS256');
  const jwk = jwks.keys.find((k) => k.kid === header.kid);
  assert.ok(jwk, `no key ${String(header.kid)} in the JWKS`);
  const key = createPublicKey({ key: jwk, format: 'jwk' });
  const valid = verify('sha256', Buffer.from(`${h}.${p}`), key, Buffer.from(s ?? '', 'base64url'));
  assert.ok(valid, 'signature does not verify');
  return payload;
}
