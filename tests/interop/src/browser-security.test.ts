import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { adminRoutes } from '@extauth/idp/admin/admin.routes';
import { routes as panelRoutes } from '@extauth/panel/http/routes';
import { type HttpResponse, parseForms } from '@extauth/server-kit/http-client';
import { reportTestNumbers } from '@extauth/server-kit/test-numbers';
import { createSandbox, type Sandbox, totp } from '@extauth/testkit';
import { idpSamples, panelSamples, routeMatches } from './support/route-samples.js';
import {
  cookieProblems,
  createSecurityBrowser,
  formOn,
  type SecurityBrowser,
  type SeenResponse,
  securityProblems,
  setCookieLines,
} from './support/security-browser.js';
import { createSecurityJourneys, type SecurityJourneys } from './support/security-journeys.js';
import { nextStepCode } from './support/totp-step.js';

// Issue 10 item 4, over HTTP against the in-process sandbox: security headers on every route of
// both route tables (and every answer the suite saw on the way), CSRF on every POST route, no open
// redirect, session ids rotated at every privilege change, cookie attributes, and the panel's
// RP-initiated logout (PANEL_IDP_LOGOUT). The browser-only checks are in e2e/src/browser-security.test.ts.

/** "Trust HOSTNAME for 365 days" cookies: one per (account, client, host), named by a digest. */
const TRUST_COOKIE_PREFIX = 'idp_trust_';
const CSRF_MESSAGE = 'This form has expired or was sent from another page. Go back, reload the page and try again.';

let sandbox: Sandbox;
let panel: string;
let idp: string;
/** The panel's client at the IdP, read from its own authorization request. */
let panelClient: { clientId: string; redirectUri: string };
const seen: SeenResponse[] = [];
const browsers: SecurityBrowser[] = [];
let j: SecurityJourneys;
const numbers = { routesChecked: 0, postRoutesCsrfChecked: 0, redirectPayloadsRefused: 0, cookiesChecked: 0 };

function newBrowser(): SecurityBrowser {
  const browser = createSecurityBrowser({ ca: sandbox.ca, seen });
  browsers.push(browser);
  return browser;
}

before(async () => {
  sandbox = await createSandbox({ env: { PANEL_IDP_LOGOUT: 'true' } });
  panel = sandbox.panelUrl;
  idp = sandbox.issuer;
  const start = await newBrowser().get(`${panel}/openid_connect/webpros`);
  const auth = new URL(start.location ?? '');
  panelClient = {
    clientId: auth.searchParams.get('client_id') ?? '',
    redirectUri: auth.searchParams.get('redirect_uri') ?? '',
  };
  assert.equal(panelClient.redirectUri, `${panel}/openid_connect_callback/webpros`);
  j = createSecurityJourneys(sandbox, panelClient);
});

after(async () => {
  reportTestNumbers('browser security', {
    'routes checked': numbers.routesChecked,
    'POST routes CSRF-checked': numbers.postRoutesCsrfChecked,
    'redirect payloads refused': numbers.redirectPayloadsRefused,
    'cookies checked': numbers.cookiesChecked,
  });
  await Promise.all(browsers.map((b) => b.close()));
  await sandbox?.stop();
});

describe('security headers', () => {
  test('every route of both apps, logged out and logged in, carries CSP, Referrer-Policy and nosniff', async () => {
    const anonymous = newBrowser();
    const root = newBrowser();
    const home = j.homeUrlOf(await j.panelPasswordLogin(root));
    const token = /cpsess(\d{10})/.exec(home)?.[1] ?? '';
    const samples = panelSamples(token);
    assert.deepEqual(Object.keys(samples).sort(), Object.keys(panelRoutes).sort(), 'a sample for every panel route');
    for (const [name, paths] of Object.entries(samples)) {
      const route = panelRoutes[name as keyof typeof panelRoutes];
      for (const p of paths) assert.ok(routeMatches(route, p), `${p} is a sample of ${name}`);
    }
    const logoutRoutes = new Set(['logout', 'securedLogout']);
    const panelPaths = [
      ...Object.entries(samples)
        .filter(([name]) => !logoutRoutes.has(name))
        .flatMap(([, p]) => p),
      '/healthz',
      '/readyz',
      '/no-such-page',
    ];
    for (const p of panelPaths) {
      for (const b of [anonymous, root]) {
        for (const method of ['GET', 'HEAD', 'OPTIONS', 'PUT']) await b.request(method, `${panel}${p}`);
      }
      numbers.routesChecked += 1;
    }
    // The logout routes end the session they are asked with: each gets a session of its own.
    for (const p of [...samples.logout, ...samples.securedLogout]) {
      const b = newBrowser();
      const ownHome = j.homeUrlOf(await j.panelPasswordLogin(b));
      await b.get(`${panel}${p.replace(/cpsess\d{10}/, /cpsess\d{10}/.exec(ownHome)?.[0] ?? '')}`);
      await anonymous.get(`${panel}${p}`);
      numbers.routesChecked += 1;
    }

    const person = await sandbox.seedAccount({
      email: `headers-${Date.now()}@example.com`,
      password: 'headers-password-1',
    });
    const signedIn = newBrowser();
    await j.signedInAtAccountPages(signedIn, person);
    const { uid } = await j.liveInteraction(signedIn);
    const discovery = (await anonymous.get(`${idp}/.well-known/openid-configuration`)).json<Record<string, unknown>>();
    const providerEndpoints = Object.entries(discovery)
      .filter(([k, v]) => (k.endsWith('_endpoint') || k === 'jwks_uri') && typeof v === 'string')
      .map(([, v]) => new URL(String(v)).pathname);
    assert.ok(providerEndpoints.includes('/session/end'), 'discovery lists the end_session_endpoint');
    const idpPaths = [
      ...idpSamples(uid),
      ...providerEndpoints,
      '/.well-known/openid-configuration',
      '/healthz',
      '/readyz',
      '/no-such-page',
    ];
    for (const p of idpPaths) {
      for (const b of [anonymous, signedIn]) {
        for (const method of ['GET', 'HEAD', 'OPTIONS', 'PUT']) await b.request(method, `${idp}${p}`);
      }
      numbers.routesChecked += 1;
    }
    // The admin API (JSON, bearer token): read-only requests, with and without the token.
    const adminPaths = Object.values(adminRoutes).map((p) =>
      p.replace(':email', 'nobody@example.com').replace(':clientId', 'no-such-client'),
    );
    for (const p of adminPaths) {
      await anonymous.get(`${idp}${p}`);
      await anonymous.get(`${idp}${p}`, { authorization: `Bearer ${sandbox.adminToken}` });
      numbers.routesChecked += 1;
    }
    const problems = seen.flatMap(securityProblems);
    assert.deepEqual(problems, []);
  });

  test('the one inline script oidc-provider writes (form_post) is allowed by its hash, nothing else inline', async () => {
    const b = newBrowser();
    const url = j.panelAuthorizationUrl({
      redirect_uri: panelClient.redirectUri,
      response_type: 'code',
      response_mode: 'form_post',
      scope: 'openid',
      prompt: 'none',
      state: 'form-post',
    });
    const res = await b.get(url);
    assert.equal(res.status, 400, 'the error (login_required) is posted back to the client');
    assert.match(res.text, /<script\b[^>]*>[^<]+<\/script>/, 'form_post auto-submits with an inline script');
    assert.match(res.text, /name="error" value="login_required"/);
    assert.deepEqual(securityProblems({ method: 'GET', ...res }), []);
  });
});

describe('CSRF on every POST route', () => {
  /** Text of the pages whose state a POST could change, without the per-request tokens. */
  async function panelState(b: SecurityBrowser, home: string): Promise<string> {
    const pages = [
      '',
      'scripts2/manage_external_auth/providers',
      'scripts2/manage_external_auth/providers/webpros',
      'scripts2/manage_external_auth/users',
      'scripts2/manage_external_auth/users/root',
      'scripts7/twofactorauth/myaccount',
      'scripts7/twofactorauth/users',
      'scripts7/twofactorauth/settings',
    ];
    const texts: string[] = [];
    for (const p of pages) {
      const res = await b.get(`${home}${p}`);
      assert.equal(res.status, 200, `${home}${p} answered ${res.status}`);
      texts.push(res.text.replace(/name="_csrf" value="[^"]*"/g, ''));
    }
    return texts.join('\n');
  }

  /** Every POST of every path: refused without the token and with another browser's token. */
  async function refusesForgedPosts(b: SecurityBrowser, other: SecurityBrowser, origin: string, paths: string[]) {
    const otherToken = formOn(await other.get(`${idp}/account/login`), '/account/login').fields._csrf ?? '';
    const otherPanelToken = formOn(await other.get(`${panel}/`), '/login/').fields._csrf ?? '';
    assert.ok(otherToken && otherPanelToken);
    const accepted: string[] = [];
    for (const p of paths.filter((path) => !panelRoutes.anyJsonApi.test(path.split('?')[0] ?? path))) {
      const options = await b.request('OPTIONS', `${origin}${p}`);
      const allow = (options.headers.get('allow') ?? '').split(/,\s*/);
      if (!allow.includes('POST')) continue;
      accepted.push(p);
      const fields = {
        user: 'root',
        pass: sandbox.rootPassword,
        email: 'x@example.com',
        password: 'x',
        name: 'Forged',
      };
      const forgeries: Record<string, string>[] = [
        {},
        { _csrf: origin === idp ? otherToken : otherPanelToken },
        { _csrf: randomBytes(32).toString('base64url') },
      ];
      for (const forged of forgeries) {
        const res = await b.post(`${origin}${p}`, { ...fields, ...forged });
        assert.equal(res.status, 403, `POST ${p} with ${JSON.stringify(forged)} answered ${res.status}`);
        assert.ok(res.text.includes(CSRF_MESSAGE), `POST ${p}: the 403 page says why`);
        assert.equal(res.location, undefined);
      }
      numbers.postRoutesCsrfChecked += 1;
    }
    return accepted;
  }

  test('the panel: each POST route refuses a missing or foreign token with 403 and changes nothing', async () => {
    const root = newBrowser();
    const home = j.homeUrlOf(await j.panelPasswordLogin(root));
    const token = /cpsess(\d{10})/.exec(home)?.[1] ?? '';
    const before = await panelState(root, home);
    const sessionBefore = root.cookie('whostmgrsession');
    const paths = Object.values(panelSamples(token)).flat();
    const posts = await refusesForgedPosts(root, newBrowser(), panel, paths);
    // Every form a page of the panel shows posts to one of the routes just checked.
    for (const p of ['/login/', `/cpsess${token}/logout/`, '/openid_connect_callback/webpros']) {
      assert.ok(posts.includes(p), `${p} was checked`);
    }
    assert.ok(posts.length >= 12, `POST routes found: ${posts.join(' ')}`);
    assert.equal(root.cookie('whostmgrsession'), sessionBefore, 'still the same session');
    assert.equal(await panelState(root, home), before, 'no page shows a change');

    // Login CSRF: a forged login answers 403 and opens no session.
    const victim = newBrowser();
    await victim.get(`${panel}/`);
    const forged = await victim.post(`${panel}/login/`, { user: 'root', pass: sandbox.rootPassword });
    assert.equal(forged.status, 403);
    assert.equal(victim.cookie('whostmgrsession'), undefined);
    const ajax = await victim.post(
      `${panel}/login/?login_only=1`,
      { user: 'root', pass: sandbox.rootPassword },
      { origin: 'https://evil.example' },
    );
    assert.equal(ajax.status, 403, 'the AJAX login from another origin is refused too');
    assert.equal(victim.cookie('whostmgrsession'), undefined);

    // The WHM API takes no form token. With header credentials, a request another site's page
    // makes (with Basic credentials the browser cached) is refused; a script's request works.
    const basic = `Basic ${Buffer.from(`root:${sandbox.rootPassword}`).toString('base64')}`;
    const crossSiteHeaders: Record<string, string>[] = [
      { origin: 'https://evil.example' },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
    ];
    for (const crossSite of crossSiteHeaders) {
      const res = await victim.post(
        `${panel}/json-api/disable_authentication_provider?api.version=1`,
        { provider_id: 'webpros', service_name: 'whostmgrd' },
        { authorization: basic, ...crossSite },
      );
      assert.equal(res.status, 403, JSON.stringify(crossSite));
      assert.match(res.text, /a page of another site sent this request/);
      numbers.postRoutesCsrfChecked += 1;
    }
    const script = await victim.get(`${panel}/json-api/version?api.version=1`, { authorization: basic });
    assert.equal(script.status, 200, 'a script with credentials still gets its answer');
    // The API inside the session: the security token in the path is what a foreign page lacks.
    const wrongToken = await root.post(`${panel}/cpsess0000000000/json-api/disable_authentication_provider`, {
      'api.version': '1',
      provider_id: 'webpros',
      service_name: 'whostmgrd',
    });
    assert.equal(wrongToken.status, 401);
    assert.equal(await panelState(root, home), before);
  });

  test('the IdP: each POST route refuses a missing or foreign token with 403 and changes nothing', async () => {
    const person = await sandbox.seedAccount({ email: `csrf-${Date.now()}@example.com`, password: 'csrf-password-12' });
    const b = newBrowser();
    await j.signedInAtAccountPages(b, person);
    const accountBefore = (await b.get(`${idp}/account`)).text.replace(/name="_csrf" value="[^"]*"/g, '');
    const { uid } = await j.liveInteraction(b);
    const posts = await refusesForgedPosts(b, newBrowser(), idp, [...idpSamples(uid), '/session/end/confirm']);
    for (const p of [`/interaction/${uid}/login`, `/interaction/${uid}/consent`, '/signup', '/account/name']) {
      assert.ok(posts.includes(p), `${p} was checked`);
    }
    const accountAfter = await b.get(`${idp}/account`);
    assert.equal(accountAfter.status, 200, 'still signed in at the account pages');
    assert.equal(
      accountAfter.text.replace(/name="_csrf" value="[^"]*"/g, ''),
      accountBefore,
      'the account page shows no change',
    );
    const interaction = await b.get(`${idp}/interaction/${uid}`);
    assert.equal(interaction.status, 200, 'the interaction still waits for its login');

    // oidc-provider's own logout confirmation carries its xsrf token.
    await j.webprosLogin(b, person);
    const confirm = await b.post(`${idp}/session/end/confirm`, { logout: 'yes' });
    assert.equal(confirm.status, 400);
    assert.ok(await j.idpSessionIsLive(j.idpCookies(b)), 'the IdP session survived the forged logout');
  });
});

describe('no open redirect', () => {
  const GOTO_PAYLOADS = [
    'https://evil.example/',
    'http://evil.example/x',
    '//evil.example/',
    '///evil.example/',
    '/\\evil.example/',
    '\\\\evil.example/',
    '/\\/evil.example/',
    '\\/evil.example/',
    ' //evil.example/',
    '\t//evil.example/',
    '/\t/evil.example/',
    '/%0a/evil.example/',
    '%2F%2Fevil.example/',
    '%2f%5cevil.example',
    'javascript:alert(1)',
    'JaVaScRiPt:alert(document.domain)',
    'java%0ascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'https:evil.example',
    'evil.example',
    '@evil.example',
    '//evil.example@localhost/',
    'https://localhost.evil.example/',
    '/\u3002evil.example',
  ];

  function assertSameOrigin(res: HttpResponse, payload: string) {
    const raw = res.headers.get('location') ?? '';
    assert.ok(res.location, `no redirect for ${JSON.stringify(payload)}: ${res.status}`);
    const target = new URL(res.location);
    assert.equal(target.origin, panel, `${JSON.stringify(payload)} redirected to ${raw}`);
    assert.ok(!/^(?:[a-z]+:)?[/\\]{2}/i.test(raw.replace(/^https:\/\/[^/]+/, '')), `Location ${raw}`);
    assert.match(target.pathname, /^\/cpsess\d{10}\//);
  }

  test('panel goto_uri after a password login stays on the panel', async () => {
    for (const payload of GOTO_PAYLOADS) {
      const res = await j.panelPasswordLogin(newBrowser(), { goto_uri: payload });
      assert.equal(res.status, 303);
      assertSameOrigin(res, payload);
      numbers.redirectPayloadsRefused += 1;
    }
  });

  test('panel goto_uri through "Log in via WebPros" stays on the panel', async () => {
    const person = await sandbox.seedAccount({
      email: `goto-${Date.now()}@example.com`,
      password: 'goto-password-123',
    });
    const b = newBrowser();
    await j.webprosLogin(b, { ...person, trust: true });
    for (const payload of GOTO_PAYLOADS.slice(0, 12)) {
      const start = await b.get(`${panel}/openid_connect/webpros?goto_uri=${encodeURIComponent(payload)}`);
      const callback = await j.throughIdp(b, start, person);
      assertSameOrigin(callback, payload);
      numbers.redirectPayloadsRefused += 1;
    }
  });

  function variants(uri: string): string[] {
    const u = new URL(uri);
    const port = Number(u.port);
    return [
      `${uri}/`,
      `${uri}x`,
      `${uri}?x=1`,
      `${uri}#x`,
      `${uri}/..`,
      `${uri}%2F`,
      uri.replace('https://', 'http://'),
      uri.replace('localhost', 'LOCALHOST'),
      uri.replace(u.pathname, u.pathname.toUpperCase()),
      uri.replace(`:${port}`, `:${port + 1}`),
      uri.replace(`:${port}`, ''),
      uri.replace('localhost', 'localhost.evil.example'),
      uri.replace('https://localhost', 'https://evil.example@localhost'),
      uri.replace(`localhost:${port}`, `localhost:${port}@evil.example`),
      uri.replace('https://localhost', 'https://127.0.0.1'),
      `https://evil.example${u.pathname}`,
      uri.slice(0, -1),
    ];
  }

  test('the IdP sends codes only to the exact registered redirect_uri', async () => {
    const b = newBrowser();
    for (const candidate of variants(panelClient.redirectUri)) {
      const url = j.panelAuthorizationUrl({
        redirect_uri: candidate,
        response_type: 'code',
        scope: 'openid',
        state: 's',
      });
      const res = await b.get(url);
      assert.equal(res.status, 400, `redirect_uri ${candidate} answered ${res.status} ${res.location ?? ''}`);
      assert.equal(res.location, undefined);
      assert.match(res.text, /redirect_uri/);
      numbers.redirectPayloadsRefused += 1;
    }
  });

  test('the IdP returns after logout only to an exact registered post_logout_redirect_uri', async () => {
    const b = newBrowser();
    for (const candidate of variants(`${panel}/logout/`)) {
      const url = new URL('/session/end', idp);
      url.searchParams.set('client_id', panelClient.clientId);
      url.searchParams.set('post_logout_redirect_uri', candidate);
      url.searchParams.set('state', 's');
      const res = await b.get(url);
      assert.equal(res.status, 400, `post_logout_redirect_uri ${candidate} answered ${res.status}`);
      assert.equal(res.location, undefined);
      assert.doesNotMatch(res.text, /op\.logoutForm/, 'no logout form that would return there');
      numbers.redirectPayloadsRefused += 1;
    }
  });
});

describe('session ids are rotated at every privilege change', () => {
  test('panel password login: a planted pre-login session is worthless afterwards', async () => {
    const b = newBrowser();
    await b.get(`${panel}/openid_connect/webpros`);
    const planted = b.cookie('whostmgrsession');
    assert.ok(planted, 'a pre-auth session exists before login');
    const home = j.homeUrlOf(await j.panelPasswordLogin(b));
    const fresh = b.cookie('whostmgrsession');
    assert.ok(fresh && fresh !== planted, 'a new session id after login');
    assert.equal(await j.panelHomeWith(planted, home), 401);
    assert.equal(await j.panelHomeWith(fresh, home), 200);
  });

  test('panel WebPros login with linking, then logout: new id at link, none valid after logout', async () => {
    const person = await sandbox.seedAccount({
      email: `rotate-${Date.now()}@example.com`,
      password: 'rotate-password-1',
    });
    const b = newBrowser();
    const start = await b.get(`${panel}/openid_connect/webpros`);
    const preAuth = b.cookie('whostmgrsession');
    const callback = await j.throughIdp(b, start, person);
    const banner = await b.follow(callback, (u) => !j.atPanel(u));
    assert.match(banner.text, /msg_code:\[link_account\]/);
    const waiting = b.cookie('whostmgrsession');
    const linked = await j.panelPasswordLogin(b);
    const home = j.homeUrlOf(linked);
    const afterLink = b.cookie('whostmgrsession');
    assert.ok(preAuth && waiting && afterLink);
    assert.notEqual(afterLink, waiting, 'linking opens a new session id');
    assert.equal(await j.panelHomeWith(preAuth, home), 401);
    assert.equal(await j.panelHomeWith(waiting, home), 401);
    assert.equal(await j.panelHomeWith(afterLink, home), 200);

    // The second WebPros login (linked now): a new id again.
    const again = await b.follow(
      await j.throughIdp(b, await b.get(`${panel}/openid_connect/webpros`), person),
      () => false,
    );
    const secondHome = j.homeUrlOf(again);
    const second = b.cookie('whostmgrsession');
    assert.ok(second && second !== afterLink);
    assert.equal(await j.panelHomeWith(afterLink, home), 401);

    const form = formOn(await b.get(secondHome), /\/logout\/$/);
    await b.post(form.action, form.fields);
    assert.equal(await j.panelHomeWith(second, secondHome), 401, 'the session ended at logout');
  });

  test('IdP login: oidc-provider session and account-pages session ids are new at login', async () => {
    const person = await sandbox.seedAccount({
      email: `idp-rot-${Date.now()}@example.com`,
      password: 'idp-rotate-pass',
    });
    // The account pages: an attacker's own valid session id, planted in the victim's browser.
    const attacker = newBrowser();
    await j.signedInAtAccountPages(attacker, person);
    const planted = attacker.cookie('idp_account_session');
    assert.ok(planted);
    const b = newBrowser();
    const form = formOn(await b.get(`${idp}/account/login`), '/account/login');
    const login = await sandbox.fetch(`${idp}/account/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        cookie: `idp_csrf=${b.cookie('idp_csrf')}; idp_account_session=${planted}`,
      },
      body: new URLSearchParams({ ...form.fields, email: person.email, password: person.password }).toString(),
    });
    await login.text();
    assert.equal(login.status, 303);
    const issued = login.headers
      .getSetCookie()
      .map((line) => /^idp_account_session=([^;]*)/.exec(line)?.[1])
      .find(Boolean);
    assert.ok(issued && issued !== planted, 'a new account-pages session id at login');
    const withPlanted = await sandbox.fetch(`${idp}/account`, {
      headers: { cookie: `idp_account_session=${planted}` },
      redirect: 'manual',
    });
    await withPlanted.text();
    assert.equal(withPlanted.status, 303, 'the planted id opens nothing');

    // oidc-provider's session: a new id at every login, the old one logged out.
    await j.webprosLogin(b, person);
    const oidcSession = b.cookie('_session');
    assert.ok(oidcSession);
    const oldCookies = j.idpCookies(b);
    assert.ok(await j.idpSessionIsLive(oldCookies));
    const url = j.panelAuthorizationUrl({
      redirect_uri: panelClient.redirectUri,
      response_type: 'code',
      scope: 'openid',
      prompt: 'login',
      state: 'again',
    });
    await j.throughIdp(b, await b.get(url), person, 'consent');
    assert.notEqual(b.cookie('_session'), oidcSession, 'a new OIDC session id at the new login');
    assert.equal(await j.idpSessionIsLive(oldCookies), false, 'the old OIDC session id is not logged in');
  });

  test('IdP account pages: a new session id after the second factor, at MFA off and on, and at a password change', async () => {
    const person = await sandbox.seedAccount({
      email: `acct-rot-${Date.now()}@example.com`,
      password: 'acct-rotate-pass1',
      mfa: true,
    });
    assert.ok(person.totpSecret);
    /** What a browser holding only this account-pages session id gets at /account. */
    const accountPageWith = async (id: string | undefined) => {
      const res = await sandbox.fetch(`${idp}/account`, {
        headers: { cookie: `idp_account_session=${id}` },
        redirect: 'manual',
      });
      return { status: res.status, text: await res.text() };
    };
    const b = newBrowser();
    const ids: string[] = [];
    const rotated = async (step: string) => {
      const id = b.cookie('idp_account_session');
      assert.ok(id, `${step}: an account-pages session`);
      const previous = ids.at(-1);
      assert.notEqual(id, previous, `${step}: a new session id`);
      if (previous) assert.equal((await accountPageWith(previous)).status, 303, `${step}: the old id opens nothing`);
      assert.equal((await accountPageWith(id)).status, 200, `${step}: the new id is signed in`);
      ids.push(id);
    };
    try {
      // Someone else's id in this browser first (a shared computer, or one planted): the login with
      // a second factor must not go on under it.
      await j.signedInAtAccountPages(
        b,
        await sandbox.seedAccount({ email: `acct-rot-other-${Date.now()}@example.com`, password: 'acct-other-pass1' }),
      );
      await rotated('an earlier sign-in');
      const form = formOn(await b.get(`${idp}/account/login`), '/account/login');
      const challenge = await b.follow(
        await b.post(form.action, { ...form.fields, email: person.email, password: person.password }),
      );
      assert.equal(b.cookie('idp_account_session'), ids.at(-1), 'nothing changes before the second factor');
      assert.doesNotMatch((await accountPageWith(ids.at(-1))).text, new RegExp(person.email), 'nor opens this account');
      const { code } = await nextStepCode(sandbox, person.totpSecret);
      const codeForm = formOn(challenge, /\/mfa\/challenge$/);
      const verified = await b.post(codeForm.action, { ...codeForm.fields, code });
      assert.equal(verified.location, `${idp}/account`);
      await rotated('the second factor');

      // A second browser of the same person: a password change ends it.
      const otherBrowser = newBrowser();
      const otherForm = formOn(await otherBrowser.get(`${idp}/account/login`), '/account/login');
      const otherChallenge = await otherBrowser.follow(
        await otherBrowser.post(otherForm.action, {
          ...otherForm.fields,
          email: person.email,
          password: person.password,
        }),
      );
      const otherCode = formOn(otherChallenge, /\/mfa\/challenge$/);
      const { code: nextCode } = await nextStepCode(sandbox, person.totpSecret);
      await otherBrowser.post(otherCode.action, { ...otherCode.fields, code: nextCode });
      const otherId = otherBrowser.cookie('idp_account_session');
      assert.equal((await accountPageWith(otherId)).status, 200);

      const mfaForm = formOn(await b.get(`${idp}/account`), '/account/mfa');
      const off = await b.post(mfaForm.action, { ...mfaForm.fields, proof: person.password, action: 'disable' });
      assert.equal(off.location, `${idp}/account?notice=mfa_disabled`);
      await rotated('MFA off');
      assert.equal((await accountPageWith(otherId)).status, 200, 'MFA off leaves the other browser signed in');

      const newPassword = 'acct-rotate-pass2';
      const passwordForm = formOn(await b.get(`${idp}/account`), '/account/password');
      const changed = await b.post(passwordForm.action, {
        ...passwordForm.fields,
        current_password: person.password,
        new_password: newPassword,
      });
      assert.equal(changed.location, `${idp}/account?notice=password_changed`);
      await rotated('a password change');
      assert.equal((await accountPageWith(otherId)).status, 303, "a password change ends the other browser's session");

      const enrol = formOn(await b.get(`${idp}/account`), '/account/mfa/enrollment-email');
      assert.equal((await b.post(enrol.action, enrol.fields)).status, 303);
      const link = await sandbox.mail.waitForLink(person.email, 'Enable multi-factor authentication');
      const setup = await b.follow(await b.get(link));
      const secret = /<code class="secret" id="totp-secret">([A-Z2-7 ]+)<\/code>/
        .exec(setup.text)?.[1]
        ?.replace(/ /g, '');
      assert.ok(secret, 'Secure Your Account shows the secret');
      const setupForm = formOn(setup, '/mfa/setup');
      const almost = await b.follow(
        await b.post(setupForm.action, { ...setupForm.fields, code: (await nextStepCode(sandbox, secret)).code }),
      );
      const recorded = formOn(almost, '/mfa/recovery-code');
      const on = await b.post(recorded.action, { ...recorded.fields, recorded: 'on' });
      assert.equal(on.location, `${idp}/account?notice=mfa_enabled`);
      await rotated('MFA on');
    } finally {
      await sandbox.admin?.moveClock({ reset: true });
    }
  });

  test('IdP MFA: the session id before the second factor is not the one after it', async () => {
    const person = await sandbox.seedAccount({
      email: `mfa-rot-${Date.now()}@example.com`,
      password: 'mfa-rotate-pass1',
      mfa: true,
    });
    assert.ok(person.totpSecret);
    const secret = person.totpSecret;
    const b = newBrowser();
    const challenge = await j.throughIdp(b, await b.get(`${panel}/openid_connect/webpros`), person, 'mfa');
    const before = j.idpCookies(b);
    assert.equal(await j.idpSessionIsLive(before), false, 'no login before the second factor');
    const form = formOn(challenge, /\/mfa\/challenge$/);
    const { code } = await nextStepCode(sandbox, secret);
    await j.throughIdp(b, await b.post(form.action, { ...form.fields, code }), person, 'consent');
    assert.ok(b.cookie('_session'));
    assert.notEqual(j.idpCookies(b), before);
    assert.ok(await j.idpSessionIsLive(j.idpCookies(b)), 'logged in after the second factor');
    assert.equal(await j.idpSessionIsLive(before), false, 'the cookies from before MFA still open nothing');
    await sandbox.admin?.moveClock({ reset: true });
  });

  test('IdP signup: verifying the email code logs in on a new session id', async () => {
    const b = newBrowser();
    const { page } = await j.liveInteraction(b);
    const pre = j.idpCookies(b);
    const signupHref = /<a href="([^"]*\/signup)"/.exec(page.text)?.[1];
    assert.ok(signupHref, 'the login page links to signup');
    const signup = await b.get(new URL(signupHref, page.url));
    const form = formOn(signup, /\/signup$/);
    const email = `signup-rot-${Date.now()}@example.com`;
    const sent = await b.post(form.action, {
      ...form.fields,
      first_name: 'Ana',
      last_name: 'Lima',
      email,
      password: 'signup-rotate-pass',
      terms: 'on',
    });
    const codePage = await b.follow(sent, j.atPanel);
    const codeForm = formOn(codePage, /\/email-code$/);
    const code = await sandbox.outbox.waitForCode(email);
    await j.throughIdp(
      b,
      await b.post(codeForm.action, { ...codeForm.fields, code }),
      { email, password: '' },
      'consent',
    );
    assert.ok(b.cookie('_session'));
    assert.notEqual(j.idpCookies(b), pre);
    assert.ok(await j.idpSessionIsLive(j.idpCookies(b)), 'logged in after verifying');
    if (pre) assert.equal(await j.idpSessionIsLive(pre), false);
  });

  test('WHM two-factor: a forged security-code POST is refused and changes nothing; the pre-2FA session is worthless after the code', async () => {
    const auth = { authorization: `Basic ${Buffer.from(`root:${sandbox.rootPassword}`).toString('base64')}` };
    const api = async (fn: string, params: Record<string, string> = {}) => {
      const res = await sandbox.fetch(
        `${panel}/json-api/${fn}?${new URLSearchParams({ 'api.version': '1', ...params })}`,
        {
          headers: auth,
        },
      );
      return (await res.json()) as { metadata: { result: number }; data?: { secret?: string } };
    };
    const generated = await api('twofactorauth_generate_tfa_config');
    const secret = generated.data?.secret ?? '';
    assert.equal((await api('twofactorauth_set_tfa_config', { secret, tfa_token: totp(secret) })).metadata.result, 1);
    assert.equal((await api('twofactorauth_enable_policy')).metadata.result, 1);
    try {
      const b = newBrowser();
      const login = await j.panelPasswordLogin(b);
      const prompt = await b.get(login.location ?? '');
      assert.equal(prompt.status, 401, 'the security code prompt');
      const pending = b.cookie('whostmgrsession');
      const form = formOn(prompt, /^\/cpsess\d{10}\/$/);
      const field = form.labels['Security code'] ?? 'tfatoken';
      // The next step's code (within the ±1 window, later than the step set_tfa_config used up).
      const code = totp(secret, { at: Math.floor(Date.now() / 30_000) * 30_000 + 30_000 });

      // CSRF on the prompt: the sweep above never reaches it (its OPTIONS answer belongs to the
      // secured area), so a forged POST of the right code is tried here. Refused before the code is
      // looked at: the step stays unused and no failure is counted.
      const otherToken = formOn(await newBrowser().get(`${panel}/`), '/login/').fields._csrf ?? '';
      assert.ok(otherToken);
      const forgeries: Record<string, string>[] = [
        {},
        { _csrf: otherToken },
        { _csrf: randomBytes(32).toString('base64url') },
      ];
      for (const forged of forgeries) {
        const { _csrf: _, ...withoutToken } = form.fields;
        const res = await b.post(form.action, { ...withoutToken, [field]: code, ...forged });
        assert.equal(res.status, 403, `the prompt with ${JSON.stringify(forged)} answered ${res.status}`);
        assert.ok(res.text.includes(CSRF_MESSAGE), 'the 403 page says why');
        assert.equal(res.location, undefined);
        numbers.postRoutesCsrfChecked += 1;
      }
      assert.equal(b.cookie('whostmgrsession'), pending, 'still the same pending session');
      const still = await b.get(prompt.url);
      assert.equal(still.status, 401, 'the session still waits for its security code');
      assert.match(still.text, /Enter the security code for “root”/, 'the prompt, not a login page');

      const accepted = await b.post(form.action, { ...form.fields, [field]: code });
      assert.equal(accepted.status, 303, 'the right code with the right token still works');
      const home = j.homeUrlOf(accepted);
      const fresh = b.cookie('whostmgrsession');
      assert.ok(pending && fresh && fresh !== pending, 'a new session id after the security code');
      assert.equal(await j.panelHomeWith(pending, home), 401);
      assert.equal(await j.panelHomeWith(fresh, home), 200);
    } finally {
      assert.equal((await api('twofactorauth_disable_policy')).metadata.result, 1);
    }
  });
});

describe('RP-initiated logout (PANEL_IDP_LOGOUT=true)', () => {
  test('panel logout ends the IdP session through the registered /logout/ with state; the next login asks again', async () => {
    const person = await sandbox.seedAccount({
      email: `logout-${Date.now()}@example.com`,
      password: 'logout-password1',
    });
    const b = newBrowser();
    const home = j.homeUrlOf(await j.webprosLogin(b, person));
    assert.ok(await j.idpSessionIsLive(j.idpCookies(b)));
    const form = formOn(await b.get(home), /\/logout\/$/);
    const out = await b.post(form.action, form.fields);
    assert.equal(out.status, 303);
    const endSession = new URL(out.location ?? '');
    assert.equal(`${endSession.origin}${endSession.pathname}`, `${idp}/session/end`);
    assert.equal(endSession.searchParams.get('post_logout_redirect_uri'), `${panel}/logout/`);
    const state = endSession.searchParams.get('state');
    assert.ok(state && state.length >= 20, 'a fresh state');
    assert.ok(endSession.searchParams.get('id_token_hint'), 'our ID token as the hint');
    assert.ok(b.cookie('whm_logout_state'));

    const confirm = await b.get(endSession);
    assert.equal(confirm.status, 200);
    assert.match(confirm.text, /<h1>Log out<\/h1>/);
    const logoutForm = formOn(confirm, '/session/end/confirm');
    const back = await b.post(logoutForm.action, { ...logoutForm.fields, logout: 'yes' });
    assert.equal(back.location, `${panel}/logout/?state=${encodeURIComponent(state)}`);
    const page = await b.get(back.location);
    assert.equal(page.status, 200);
    assert.match(page.text, /You have logged out\./);
    assert.equal(b.cookie('whm_logout_state'), undefined, 'the state is used up');
    assert.equal(await j.idpSessionIsLive(j.idpCookies(b)), false, 'the IdP session is over');

    const again = await b.follow(await b.get(`${panel}/openid_connect/webpros`), j.atPanel);
    assert.ok(
      parseForms(again.text, again.url).some((f) => /\/interaction\/[^/]+\/login$/.test(new URL(f.action).pathname)),
      'the IdP asks for the password again',
    );
  });

  test('a password session logs out locally only', async () => {
    const b = newBrowser();
    const home = j.homeUrlOf(await j.panelPasswordLogin(b));
    const form = formOn(await b.get(home), /\/logout\/$/);
    const out = await b.post(form.action, form.fields);
    assert.equal(out.location, `${panel}/logout/`);
  });
});

describe('cookies', () => {
  test('every cookie either app set during this suite is Secure, HttpOnly and SameSite', () => {
    const lines = setCookieLines(seen);
    const names = new Set(lines.map((c) => c.name));
    for (const expected of [
      'whostmgrsession',
      'whm_csrf',
      'whm_logout_state',
      'idp_csrf',
      'idp_account_session',
      'idp_code_flow',
      'idp_mfa_flow',
      '_interaction',
      '_interaction.sig',
      '_interaction_resume',
      '_session',
      '_session.sig',
    ]) {
      assert.ok(names.has(expected), `the suite saw ${expected} being set (saw ${[...names].join(', ')})`);
    }
    assert.ok(
      [...names].some((n) => n.startsWith(TRUST_COOKIE_PREFIX)),
      'the suite saw a trust cookie being set',
    );
    numbers.cookiesChecked = names.size;
    assert.deepEqual(lines.flatMap(cookieProblems), []);
  });
});
