import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { sandboxWithBrowser } from './support/suite.js';
import { IDP, PANEL } from './support/urls.js';

// Issue 10 item 4, what only a real browser shows: the Content-Security-Policy really stops a
// script injected into our pages (and our own pages break none of its rules), no other page can
// frame ours, the cookies chromium keeps are Secure, HttpOnly and SameSite, and with
// PANEL_IDP_LOGOUT the panel's "Log out" ends the WebPros session too. The HTTP-level checks of
// every route are in tests/interop/src/browser-security.test.ts.

const DEMO = { email: 'demo@example.com', password: 'sandbox-demo-password' };
const suite = sandboxWithBrowser('browser-security', { env: { PANEL_IDP_LOGOUT: 'true' } });

/** Collects every CSP report chromium writes to a page's console. */
function cspViolations(page: Page): string[] {
  const found: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) found.push(`${page.url()}: ${message.text()}`);
  });
  return found;
}

/**
 * Injects an inline script into the page as XSS would and reports whether it ran. Written as page
 * source (this package compiles without the DOM types). An inline script runs synchronously when
 * appended, so if the flag is not set right after, the policy blocked it (and said so in an event).
 */
const INJECT = `new Promise((resolve) => {
  document.addEventListener('securitypolicyviolation', (event) =>
    resolve({ ran: window.__injected === true, blockedBy: event.effectiveDirective }));
  const script = document.createElement('script');
  script.textContent = 'window.__injected = true;';
  document.body.appendChild(script);
  if (window.__injected === true) resolve({ ran: true, blockedBy: undefined });
})`;

async function injectedScriptRuns(page: Page): Promise<{ ran: boolean; blockedBy: string | undefined }> {
  return page.evaluate(INJECT) as Promise<{ ran: boolean; blockedBy: string | undefined }>;
}

async function logInViaWebPros(page: Page) {
  await page.goto(`${PANEL}/`);
  await page.getByRole('link', { name: 'Log in via WebPros' }).click();
  await page.getByLabel('Email', { exact: true }).fill(DEMO.email);
  await page.getByLabel('Password', { exact: true }).fill(DEMO.password);
  await page.getByRole('button', { name: 'Log in', exact: true }).click();
  await page.getByRole('heading', { name: 'Confirm Sending Data' }).waitFor();
  await page.getByRole('button', { name: 'Continue', exact: true }).click();
  const linkBanner = page.getByText('is not associated with an existing');
  const home = page.waitForURL(/\/cpsess\d{10}\//).then(() => 'home' as const);
  if ((await Promise.race([home, linkBanner.waitFor().then(() => 'link' as const)])) === 'link') {
    await page.getByLabel('Username', { exact: true }).fill('root');
    await page.getByLabel('Password', { exact: true }).fill(suite.rootPassword());
    await page.getByRole('button', { name: 'Log in', exact: true }).click();
    await page.waitForURL(/\/cpsess\d{10}\//);
  }
}

async function checkCookies(context: BrowserContext): Promise<string[]> {
  const cookies = await context.cookies([PANEL, IDP]);
  assert.ok(cookies.length > 0);
  const problems = cookies.flatMap((c) => [
    ...(c.secure ? [] : [`${c.name} is not Secure`]),
    ...(c.httpOnly ? [] : [`${c.name} is not HttpOnly`]),
    ...(c.sameSite === 'Lax' || c.sameSite === 'Strict' ? [] : [`${c.name} has SameSite=${c.sameSite}`]),
  ]);
  assert.deepEqual(problems, []);
  return cookies.map((c) => c.name);
}

test('an inline script injected into the pages of both apps is blocked by the policy', async () => {
  const context = await suite.newContext();
  const page = await context.newPage();
  const pages = [`${PANEL}/`, `${IDP}/account/login`, `${IDP}/signup`, `${IDP}/password-reset`];
  for (const url of pages) {
    await page.goto(url);
    const outcome = await injectedScriptRuns(page);
    assert.deepEqual(outcome, { ran: false, blockedBy: 'script-src-elem' }, url);
  }
  // The IdP's login page inside an authorization, reached from the panel.
  await page.goto(`${PANEL}/`);
  await page.getByRole('link', { name: 'Log in via WebPros' }).click();
  await page.getByLabel('Email', { exact: true }).waitFor();
  assert.deepEqual(await injectedScriptRuns(page), { ran: false, blockedBy: 'script-src-elem' }, page.url());
  await context.close();
});

test('no other page can frame the panel or the IdP', async () => {
  const context = await suite.newContext();
  const page = await context.newPage();
  const violations = cspViolations(page);
  await page.setContent(
    `<iframe id="panel" src="${PANEL}/"></iframe><iframe id="idp" src="${IDP}/account/login"></iframe>`,
  );
  await page.waitForLoadState('load');
  const frames = page.frames().slice(1);
  assert.equal(frames.length, 2);
  for (const frame of frames) {
    assert.equal(await frame.locator('form').count(), 0, `${frame.url()} rendered inside another page`);
  }
  for (const origin of [PANEL, IDP]) {
    assert.ok(
      violations.some((v) => v.includes(`Framing '${origin}/'`) && v.includes("frame-ancestors 'none'")),
      `chromium blocked framing ${origin}: ${violations.join(' | ')}`,
    );
  }
  await context.close();
});

test('WebPros login and RP-initiated logout: cookies as chromium keeps them, no CSP report, the IdP asks again', async () => {
  const context = await suite.newContext();
  const page = await context.newPage();
  const violations = cspViolations(page);
  await logInViaWebPros(page);
  const names = await checkCookies(context);
  for (const expected of ['whostmgrsession', 'whm_csrf', 'idp_csrf', '_session', '_session.sig']) {
    assert.ok(names.includes(expected), `chromium keeps ${expected} (has ${names.join(', ')})`);
  }

  await page.getByRole('button', { name: 'Log out' }).click();
  await page.getByRole('heading', { name: 'Log out' }).waitFor();
  assert.equal(new URL(page.url()).origin, IDP, 'the IdP asks whether to end its session');
  await page.getByRole('button', { name: 'Log out', exact: true }).click();
  await page.getByText('You have logged out.').waitFor();
  const back = new URL(page.url());
  assert.equal(`${back.origin}${back.pathname}`, `${PANEL}/logout/`);
  assert.ok(back.searchParams.get('state'), 'the IdP returned our state');
  await checkCookies(context);
  assert.equal(
    (await context.cookies(PANEL)).find((c) => c.name === 'whm_logout_state'),
    undefined,
  );

  await page.getByRole('link', { name: 'Log in via WebPros' }).click();
  await page.getByLabel('Password', { exact: true }).waitFor();
  assert.equal(new URL(page.url()).origin, IDP, 'a new login asks for the password again');
  assert.deepEqual(violations, [], 'our own pages break no rule of the policy');
  await context.close();
});
