import assert from 'node:assert/strict';
import type { HttpClient, HttpResponse } from '@extauth/server-kit/http-client';
import { parseForms } from '@extauth/server-kit/http-client';
import type { CapturedMail } from '../mail/memory-mailer.js';
import { authorizeUrl, browse, signIn, submitForm } from './oidc-driver.js';
import { PANEL_CALLBACK, TEST_CLIENT_ID, TEST_CLIENT_SECRET, type TestIdp } from './test-idp.js';

let counter = 0;
/** A fresh address per call, so tests sharing one IdP never meet. */
export function uniqueEmail(local = 'user', domain = 'example.com'): string {
  counter += 1;
  return `${local}-${process.pid}-${counter}@${domain}`;
}

/** The 6-digit code of a message (its subject carries it, so does its body). */
export function codeIn(mail: CapturedMail | undefined): string {
  const code = /(\d{6})$/.exec(mail?.subject ?? '')?.[1];
  assert.ok(code, `no code in ${JSON.stringify(mail?.subject)}`);
  assert.ok(mail?.text.includes(code), 'the plain-text body carries the code too');
  return code;
}

export function hrefOf(page: HttpResponse, text: string): string {
  const escaped = text.replace(/[.?*+^$()[\]{}|\\/]/g, '\\$&');
  const href = new RegExp(`<a href="([^"]+)">${escaped}</a>`).exec(page.text)?.[1];
  assert.ok(href, `no link "${text}" on ${page.url}`);
  return new URL(href.replace(/&amp;/g, '&'), page.url).href;
}

export const alertText = (page: HttpResponse) => /<p class="alert"[^>]*role="alert">([^<]*)<\/p>/.exec(page.text)?.[1];

export interface SignupFields {
  email: string;
  password: string;
  first_name?: string;
  last_name?: string;
  terms?: string;
  newsletter?: string;
}

/** The login page of a new authorization request by the panel's client. */
export async function openInteractionLogin(t: TestIdp, browser: HttpClient): Promise<HttpResponse> {
  const page = await browse(browser, await browser.get(authorizeUrl(t.issuer)));
  assert.equal(page.status, 200, page.text);
  return page;
}

/** Opens the signup page (inside a new interaction, or directly) and submits it; returns the answer page. */
export async function signUp(
  t: TestIdp,
  browser: HttpClient,
  fields: SignupFields,
  options: { inInteraction?: boolean } = {},
): Promise<HttpResponse> {
  const signupPage = options.inInteraction
    ? await browser.get(hrefOf(await openInteractionLogin(t, browser), 'Create one'))
    : await browser.get(`${t.issuer}/signup`);
  assert.equal(signupPage.status, 200, signupPage.text);
  const res = await submitForm(browser, signupPage, '/signup', {
    first_name: 'Ana',
    last_name: 'López',
    terms: 'on',
    ...fields,
  });
  return browser.follow(res);
}

/** Submits a code on the code page (plain `code` field), without following the answer. */
export function enterCode(browser: HttpClient, codePage: HttpResponse, code: string): Promise<HttpResponse> {
  return submitForm(browser, codePage, '/email-code', { code });
}

/** Direct signup plus the mailed code: a verified account, this browser signed in to the account pages. */
export async function createVerifiedAccount(
  t: TestIdp,
  browser: HttpClient,
  fields: SignupFields,
): Promise<HttpResponse> {
  const codePage = await signUp(t, browser, fields);
  assert.match(codePage.text, /<legend>Verification code<\/legend>/, codePage.text);
  const done = await browser.follow(await enterCode(browser, codePage, codeIn(t.lastMailTo(fields.email))));
  assert.match(done.text, /Welcome to your WebPros Account!/, done.text);
  return done;
}

/** Logs in on the account pages' own login form; returns the answer (not followed). */
export async function logInDirectly(
  t: TestIdp,
  browser: HttpClient,
  credentials: { email: string; password: string },
): Promise<HttpResponse> {
  const page = await browser.get(`${t.issuer}/account/login`);
  return submitForm(browser, page, '/account/login', credentials);
}

export function formOf(page: HttpResponse, actionPart: string) {
  const form = parseForms(page.text, page.url).find((f) => f.action.includes(actionPart));
  assert.ok(form, `no form ${actionPart} on ${page.url}`);
  return form;
}

/**
 * Signs in through the panel's client (login, consent) and exchanges the code: the browser keeps
 * an OIDC session, and `refresh()` tries the refresh token, as the panel would later.
 */
export async function signInWithRefreshToken(
  t: TestIdp,
  browser: HttpClient,
  credentials: { email: string; password: string },
): Promise<{ refresh: () => Promise<HttpResponse> }> {
  const callback = await signIn(browser, t.issuer, credentials);
  const auth = { client_id: TEST_CLIENT_ID, client_secret: TEST_CLIENT_SECRET };
  const tokens = await browser.post(`${t.issuer}/token`, {
    grant_type: 'authorization_code',
    code: callback.searchParams.get('code') ?? '',
    redirect_uri: PANEL_CALLBACK,
    ...auth,
  });
  const refreshToken = tokens.json<{ refresh_token?: string }>().refresh_token;
  assert.ok(refreshToken, tokens.text);
  const refresh = () =>
    browser.post(`${t.issuer}/token`, { grant_type: 'refresh_token', refresh_token: refreshToken, ...auth });
  assert.equal((await refresh()).status, 200);
  return { refresh };
}

/** True when a new authorization in this browser goes straight to consent (an OIDC session exists). */
export async function hasOidcSession(t: TestIdp, browser: HttpClient): Promise<boolean> {
  const page = await browse(browser, await browser.get(authorizeUrl(t.issuer)));
  return /Confirm Sending Data/.test(page.text);
}

/** Lets background mail (password reset) reach the in-memory outbox: a few event-loop turns, no timer. */
export async function settleMail(): Promise<void> {
  for (let i = 0; i < 20; i += 1) await new Promise((resolve) => setImmediate(resolve));
}
