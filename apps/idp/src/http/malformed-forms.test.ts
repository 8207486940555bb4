import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { HttpClient, HttpResponse } from '@extauth/server-kit/http-client';
import { browse, submitForm } from '../testing/oidc-driver.js';
import {
  codeIn,
  createVerifiedAccount,
  formOf,
  hrefOf,
  openInteractionLogin,
  settleMail,
  uniqueEmail,
} from '../testing/self-service.js';
import { startTestIdp, type TestIdp } from '../testing/test-idp.js';

let t: TestIdp;
before(async () => {
  t = await startTestIdp();
});
after(() => t.close());

/** One form of the IdP: where it posts, its CSRF token, and a body that succeeds. */
interface FormCase {
  browser: HttpClient;
  action: string;
  csrf: string;
  valid: Record<string, string>;
  /** Forms with no field of their own (resend, logout) cannot miss one. */
  hasFields: boolean;
  beforeValid?: () => void;
}

function formCase(
  browser: HttpClient,
  page: HttpResponse,
  actionPart: string,
  valid: Record<string, string>,
): FormCase {
  const form = formOf(page, actionPart);
  return {
    browser,
    action: form.action,
    csrf: form.fields._csrf ?? '',
    valid,
    hasFields: Object.keys(valid).length > 0,
  };
}

const encode = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

async function post(c: FormCase, body: string): Promise<HttpResponse> {
  return c.browser.request('POST', c.action, {
    body,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
}

function assertRefusedWithMessage(res: HttpResponse, what: string): void {
  assert.ok(res.status >= 400 && res.status < 500, `${what}: expected 4xx, got ${res.status}`);
  assert.match(res.text, /role="alert"|class="field-error"/, `${what}: a message is shown`);
}

async function checkForm(name: string, c: FormCase): Promise<HttpResponse> {
  const csrf = `_csrf=${encodeURIComponent(c.csrf)}`;
  const [first] = Object.keys(c.valid);
  if (c.hasFields) assertRefusedWithMessage(await post(c, csrf), `${name}, missing fields`);
  const doubled = Object.keys(c.valid).length ? `${csrf}&${encode(c.valid)}&${encode(c.valid)}` : `${csrf}&${csrf}`;
  assertRefusedWithMessage(await post(c, doubled), `${name}, arrays instead of strings`);
  assertRefusedWithMessage(await post(c, `${csrf}&${encode(c.valid)}&x[a]=1&y[]=2`), `${name}, nested fields`);
  const huge = `${csrf}&${encode({ ...c.valid, [first ?? 'filler']: 'a'.repeat(1024 * 1024) })}`;
  assertRefusedWithMessage(await post(c, huge), `${name}, a 1 MB value`);
  const badUtf8 = `${csrf}&${encode(c.valid)}&${first ?? 'filler'}=%FF%FE%C3`;
  assertRefusedWithMessage(await post(c, badUtf8), `${name}, invalid UTF-8`);
  c.beforeValid?.();
  const ok = await post(c, `${csrf}&${encode(c.valid)}`);
  assert.equal(ok.status, 303, `${name}: the valid counterpart succeeds (${ok.status})\n${ok.text.slice(0, 2000)}`);
  return ok;
}

describe('malformed form bodies', () => {
  test('every form answers 4xx with a message, never 5xx, and still accepts its valid counterpart', async () => {
    const password = 'malformed-test-password';

    // Login inside an interaction, then the consent form of the same browser.
    const email = uniqueEmail('malformed');
    await createVerifiedAccount(t, t.browser(), { email, password });
    const oidc = t.browser();
    const login = await openInteractionLogin(t, oidc);
    const loggedIn = await checkForm('interaction login', formCase(oidc, login, '/login', { email, password }));
    const consent = await browse(oidc, loggedIn);
    // Both optional checkboxes: leaving them out is a valid answer, not a missing field.
    await checkForm('consent', { ...formCase(oidc, consent, '/consent', { trust: 'on' }), hasFields: false });

    // The account pages' own login, then every account form.
    const direct = t.browser();
    const accountLogin = await direct.get(`${t.issuer}/account/login`);
    await checkForm('account login', formCase(direct, accountLogin, '/account/login', { email, password }));
    const account = await direct.get(`${t.issuer}/account`);
    await checkForm('name', formCase(direct, account, '/account/name', { first_name: 'Ana', last_name: 'B' }));
    await checkForm('newsletter', {
      ...formCase(direct, account, '/account/newsletter', { newsletter: 'on' }),
      hasFields: false,
    });
    const newPassword = 'malformed-new-password';
    await checkForm(
      'password',
      formCase(direct, account, '/account/password', { current_password: password, new_password: newPassword }),
    );
    await checkForm('logout', formCase(direct, account, '/account/logout', {}));

    // Signup, then its code page and "Resend code".
    const signupBrowser = t.browser();
    const signupPage = await signupBrowser.get(`${t.issuer}/signup`);
    const newEmail = uniqueEmail('malformed-signup');
    await checkForm(
      'signup',
      formCase(signupBrowser, signupPage, '/signup', {
        email: newEmail,
        password,
        first_name: 'Ana',
        last_name: 'B',
        terms: 'on',
      }),
    );
    const codePage = await signupBrowser.get(`${t.issuer}/email-code`);
    const resendPage = await signupBrowser.get(hrefOf(codePage, 'Resend code'));
    await checkForm('resend', {
      ...formCase(signupBrowser, resendPage, '/email-code/resend', {}),
      beforeValid: () => t.clock.advance(31_000),
    });
    await checkForm(
      'email code',
      formCase(signupBrowser, codePage, '/email-code', { code: codeIn(t.lastMailTo(newEmail)) }),
    );

    // Password reset: the "Email" form, then "New password".
    const resetBrowser = t.browser();
    const resetPage = await resetBrowser.get(`${t.issuer}/password-reset`);
    await checkForm('reset request', formCase(resetBrowser, resetPage, '/password-reset', { email }));
    await settleMail();
    const resetCode = await resetBrowser.get(`${t.issuer}/email-code`);
    const toNew = await submitForm(resetBrowser, resetCode, '/email-code', { code: codeIn(t.lastMailTo(email)) });
    const newPage = await resetBrowser.follow(toNew);
    await checkForm(
      'new password',
      formCase(resetBrowser, newPage, '/password-reset/new', { password: 'after-reset-password' }),
    );
  });

  test('a signup started inside an interaction refuses the same bodies', async () => {
    const browser = t.browser();
    const signupPage = await browser.get(hrefOf(await openInteractionLogin(t, browser), 'Create one'));
    const c = formCase(browser, signupPage, '/signup', {
      email: uniqueEmail('interaction-signup'),
      password: 'interaction-signup-password',
      first_name: 'Ana',
      last_name: 'B',
      terms: 'on',
    });
    const done = await checkForm('interaction signup', c);
    assert.match(new URL(done.location ?? '').pathname, /^\/interaction\/[^/]+\/email-code$/);
  });
});
