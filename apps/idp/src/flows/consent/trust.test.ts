import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { HttpClient, HttpResponse } from '@extauth/server-kit/http-client';
import { idpMessages } from '@extauth/shared/idp-messages';
import type { ClientMetadata } from 'oidc-provider';
import { frozenClock } from '../../testing/mfa.js';
import { authorizeUrl, submitForm } from '../../testing/oidc-driver.js';
import {
  alertText,
  codeIn,
  createVerifiedAccount,
  enterCode,
  formOf,
  logInDirectly,
  settleMail,
  uniqueEmail,
} from '../../testing/self-service.js';
import { startTestIdp, type TestIdp } from '../../testing/test-idp.js';

const ONE = 'https://one.example.test/cb';
const TWO = 'https://two.example.test/cb';
const client = (id: string, uris: string[]): ClientMetadata => ({
  client_id: id,
  client_secret: `${id}-secret-0123456789`,
  redirect_uris: uris,
  grant_types: ['authorization_code'],
  response_types: ['code'],
  token_endpoint_auth_method: 'client_secret_post',
});

let t: TestIdp;
before(async () => {
  t = await startTestIdp({ clock: frozenClock(), extraClients: [client('app-a', [ONE, TWO]), client('app-b', [ONE])] });
});
after(() => t.close());

type Outcome = 'login' | 'consent' | 'callback';

/** Starts an authorization for (client, redirect_uri), logging in if asked; where it ends up. */
async function authorize(
  browser: HttpClient,
  clientId: string,
  redirectUri: string,
  user: { email: string; password: string },
  options: { trust?: boolean } = {},
): Promise<{ outcome: Outcome; page: HttpResponse }> {
  const stopAt = (location: URL) => location.href.startsWith(redirectUri);
  let page = await browser.follow(
    await browser.get(authorizeUrl(t.issuer, { client_id: clientId, redirect_uri: redirectUri })),
    { stopAt },
  );
  if (/Log in to your/.test(page.text)) {
    page = await browser.follow(await submitForm(browser, page, '/login', user), { stopAt });
  }
  if (page.location?.startsWith(redirectUri)) return { outcome: 'callback', page };
  if (!/Confirm Sending Data/.test(page.text)) return { outcome: 'login', page };
  if (options.trust === undefined) return { outcome: 'consent', page };
  const done = await browser.follow(await submitForm(browser, page, '/consent', options.trust ? { trust: 'on' } : {}), {
    stopAt,
  });
  assert.ok(done.location?.startsWith(redirectUri), `consent ends at the client: ${done.status}`);
  return { outcome: 'consent', page: done };
}

async function newUser(label: string) {
  const user = { email: uniqueEmail(label), password: `${label}-password-123` };
  await createVerifiedAccount(t, t.browser(), user);
  return user;
}

describe('"Trust HOSTNAME for 365 days"', () => {
  test('stores a signed HttpOnly Secure SameSite=Lax cookie for 365 days and skips the dialog for that triple only', async () => {
    const user = await newUser('trust');
    const browser = t.browser();
    const first = await authorize(browser, 'app-a', ONE, user, { trust: true });
    assert.equal(first.outcome, 'consent');
    const cookie = browser.cookies.all().find((c) => c.name.startsWith('idp_trust_'));
    assert.ok(cookie, 'a trust cookie named idp_…');
    assert.ok((cookie.expiresAt ?? 0) - Date.now() > 364 * 24 * 60 * 60 * 1000, 'valid for 365 days');

    assert.equal((await authorize(browser, 'app-a', ONE, user)).outcome, 'callback', 'same triple: no dialog');
    assert.equal((await authorize(browser, 'app-a', TWO, user)).outcome, 'consent', 'another hostname');
    assert.equal((await authorize(browser, 'app-b', ONE, user)).outcome, 'consent', 'another client');
  });

  test('the cookie is HttpOnly, Secure, SameSite=Lax, and its name does not reveal the account', async () => {
    const user = await newUser('trust-attrs');
    const browser = t.browser();
    const login = await browser.follow(
      await browser.get(authorizeUrl(t.issuer, { client_id: 'app-a', redirect_uri: ONE })),
    );
    const consent = await browser.follow(await submitForm(browser, login, '/login', user));
    const res = await submitForm(browser, consent, '/consent', { trust: 'on' });
    const line = res.headers.getSetCookie().find((l) => l.startsWith('idp_trust_'));
    assert.ok(line, 'Set-Cookie idp_trust_…');
    const expires = Date.parse(/; expires=([^;]+)/i.exec(line)?.[1] ?? '');
    assert.ok(Math.abs(expires - Date.now() - 365 * 24 * 60 * 60 * 1000) < 60_000, 'expires in 365 days');
    assert.match(line, /; secure/i);
    assert.match(line, /; httponly/i);
    assert.match(line, /; samesite=lax/i);
    assert.ok(!line.includes(user.email));
  });

  test('is not honoured for another account in the same browser', async () => {
    const [alice, bob] = [await newUser('trust-alice'), await newUser('trust-bob')];
    const browser = t.browser();
    await authorize(browser, 'app-a', ONE, alice, { trust: true });
    // Bob logs in in the same browser (a new login replaces the session); Alice's trust stays hers.
    const login = await browser.follow(
      await browser.get(authorizeUrl(t.issuer, { client_id: 'app-a', redirect_uri: ONE, prompt: 'login' })),
    );
    const stopAt = (l: URL) => l.href.startsWith(ONE);
    let after = await browser.follow(await submitForm(browser, login, '/login', bob), { stopAt });
    // oidc-provider ends Alice's session first (its own self-submitting form).
    if (after.text.includes('/session/end/confirm')) {
      after = await browser.follow(await submitForm(browser, after, '/session/end/confirm'), { stopAt });
    }
    assert.match(after.text, /Confirm Sending Data/, "Bob sees the dialog despite Alice's cookie in this browser");
    assert.ok(
      browser.cookies.all().some((c) => c.name.startsWith('idp_trust_')),
      "Alice's cookie is still there",
    );
  });

  test('is listed on the account page with "Revoke", and revoking shows the dialog again', async () => {
    const user = await newUser('trust-revoke');
    const browser = t.browser();
    await authorize(browser, 'app-a', ONE, user, { trust: true });
    const accountBrowser = t.browser();
    const account = await accountBrowser.follow(await logInDirectly(t, accountBrowser, user));
    assert.match(account.text, /<li>app-a at one\.example\.test/);
    const done = await accountBrowser.follow(await submitForm(accountBrowser, account, '/revoke'));
    assert.ok(done.text.includes(idpMessages.trust_revoked));
    assert.doesNotMatch(done.text, /one\.example\.test/);
    assert.equal((await authorize(browser, 'app-a', ONE, user)).outcome, 'consent');
  });

  test("revoking a site that is not trusted (unknown, another account's, or already revoked) says nothing was revoked", async () => {
    const owner = await newUser('trust-owner');
    const ownerBrowser = t.browser();
    await authorize(ownerBrowser, 'app-a', ONE, owner, { trust: true });
    const ownerAccount = await ownerBrowser.follow(await logInDirectly(t, ownerBrowser, owner));
    const ownersRevoke = formOf(ownerAccount, '/revoke').action;

    const user = await newUser('trust-unknown');
    const browser = t.browser();
    const account = await browser.follow(await logInDirectly(t, browser, user));
    const csrf = formOf(account, '/account/name').fields._csrf ?? '';
    for (const action of [`${t.issuer}/account/trusted-sites/no-such-site/revoke`, ownersRevoke]) {
      const res = await browser.post(action, { _csrf: csrf });
      assert.equal(res.status, 404, action);
      assert.equal(alertText(res), idpMessages.trust_not_found);
      assert.ok(!res.text.includes(idpMessages.trust_revoked));
      assert.match(res.text, /<h3 id="trust-heading">Trusted sites<\/h3>/, 'on the account page');
    }
    assert.match(
      (await ownerBrowser.get(`${t.issuer}/account`)).text,
      /<li>app-a at one\.example\.test/,
      'still trusted',
    );

    const done = await ownerBrowser.follow(await submitForm(ownerBrowser, ownerAccount, '/revoke'));
    assert.ok(done.text.includes(idpMessages.trust_revoked));
    const again = await ownerBrowser.post(ownersRevoke, { _csrf: formOf(done, '/account/name').fields._csrf ?? '' });
    assert.equal(again.status, 404, 'a second revoke finds nothing');
  });

  test('a password reset drops all trust', async () => {
    const user = await newUser('trust-reset');
    const browser = t.browser();
    await authorize(browser, 'app-a', ONE, user, { trust: true });
    assert.equal((await authorize(browser, 'app-a', ONE, user)).outcome, 'callback');

    const other = t.browser();
    const reset = await other.get(`${t.issuer}/password-reset`);
    const codePage = await other.follow(await submitForm(other, reset, '/password-reset', { email: user.email }));
    await settleMail();
    const newPasswordPage = await other.follow(await enterCode(other, codePage, codeIn(t.lastMailTo(user.email))));
    const newPassword = 'a-brand-new-password-456';
    await submitForm(other, newPasswordPage, '/password-reset/new', { password: newPassword });

    const again = await authorize(browser, 'app-a', ONE, { ...user, password: newPassword });
    assert.equal(again.outcome, 'consent', 'the old trust cookie is worthless after the reset');
  });
});
