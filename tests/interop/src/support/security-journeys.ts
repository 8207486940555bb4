import assert from 'node:assert/strict';
import { type HttpResponse, parseForms } from '@extauth/server-kit/http-client';
import type { Sandbox } from '@extauth/testkit';
import { formOn, type SecurityBrowser } from './security-browser.js';

/** Someone with an IdP account, as the browser-security journeys log them in. */
export interface IdpPerson {
  email: string;
  password: string;
  /** A TOTP code, asked for when the IdP shows "Verify Your Identity". */
  oneTimeCode?: () => Promise<string>;
  /** Tick "Trust HOSTNAME for 365 days" on "Confirm Sending Data". */
  trust?: boolean;
}

/**
 * The journeys of the browser-security suite (panel password and WebPros logins, the IdP's pages,
 * replaying an old cookie), bound to one sandbox and the panel's client at its IdP.
 */
export function createSecurityJourneys(sandbox: Sandbox, panelClient: { clientId: string; redirectUri: string }) {
  const panel = sandbox.panelUrl;
  const idp = sandbox.issuer;

  const atPanel = (location: URL) => location.origin === panel;

  /** The panel's password login as WHM's form sends it (plus `goto_uri`, as WHM's page script adds). */
  async function panelPasswordLogin(
    b: SecurityBrowser,
    extra: Record<string, string> = {},
    credentials = { user: 'root', pass: sandbox.rootPassword },
  ): Promise<HttpResponse> {
    const form = formOn(await b.get(`${panel}/`), '/login/');
    return b.post(form.action, { ...form.fields, ...credentials, ...extra });
  }

  /**
   * From an answer that leads to the IdP, through its pages (login, MFA, consent) back to the panel's
   * callback; returns the callback's answer (not followed), or the IdP page `stopBefore` names.
   */
  async function throughIdp(
    b: SecurityBrowser,
    first: HttpResponse,
    person: IdpPerson,
    stopBefore?: 'mfa' | 'consent',
  ): Promise<HttpResponse> {
    let page = await b.follow(first, atPanel);
    for (let step = 0; step < 6; step += 1) {
      if (page.location && atPanel(new URL(page.location))) return b.get(page.location);
      const action = (end: RegExp) => parseForms(page.text, page.url).find((f) => end.test(new URL(f.action).pathname));
      const login = action(/\/interaction\/[^/]+\/login$/);
      const challenge = action(/\/interaction\/[^/]+\/mfa\/challenge$/);
      const consent = action(/\/interaction\/[^/]+\/consent$/);
      if (challenge && stopBefore === 'mfa') return page;
      if (consent && stopBefore === 'consent') return page;
      let sent: HttpResponse;
      if (login) sent = await b.post(login.action, { ...login.fields, email: person.email, password: person.password });
      else if (challenge && person.oneTimeCode)
        sent = await b.post(challenge.action, { ...challenge.fields, code: await person.oneTimeCode() });
      else if (consent)
        sent = await b.post(consent.action, { ...consent.fields, ...(person.trust ? { trust: 'on' } : {}) });
      else assert.fail(`unexpected IdP page ${page.status} at ${page.url}: ${page.text.slice(0, 300)}`);
      page = await b.follow(sent, atPanel);
    }
    assert.fail('the IdP did not send the browser back to the panel');
  }

  /** "Log in via WebPros" until WHM Home; links with root's password when the panel asks. */
  async function webprosLogin(b: SecurityBrowser, person: IdpPerson, gotoUri?: string): Promise<HttpResponse> {
    const start = await b.get(
      `${panel}/openid_connect/webpros${gotoUri === undefined ? '' : `?goto_uri=${encodeURIComponent(gotoUri)}`}`,
    );
    let page = await b.follow(await throughIdp(b, start, person), (u) => !atPanel(u));
    if (page.text.includes('msg_code:[link_account]')) {
      page = await panelPasswordLogin(b);
    }
    return page;
  }

  const homeUrlOf = (res: HttpResponse) => {
    const url = new URL(res.location ?? res.url);
    assert.match(url.pathname, /^\/cpsess\d{10}\//, `not WHM Home: ${res.status} ${url.href}`);
    return `${url.origin}${/^\/cpsess\d{10}\//.exec(url.pathname)?.[0]}`;
  };

  /** What a browser holding only this session cookie gets at WHM Home. */
  async function panelHomeWith(session: string, homeUrl: string): Promise<number> {
    const res = await sandbox.fetch(homeUrl, { headers: { cookie: `whostmgrsession=${session}` }, redirect: 'manual' });
    await res.text();
    return res.status;
  }

  /** An authorization request as the panel's client, with these parameters. */
  function panelAuthorizationUrl(params: Record<string, string>): URL {
    return new URL(`/auth?${new URLSearchParams({ client_id: panelClient.clientId, ...params })}`, idp);
  }

  /**
   * `prompt=none` at the IdP with only these cookies: true unless it answers `login_required` (a live
   * login gets a code, or `consent_required` since the panel's client asks for consent every time).
   */
  async function idpSessionIsLive(cookies: string): Promise<boolean> {
    const url = panelAuthorizationUrl({
      redirect_uri: panelClient.redirectUri,
      response_type: 'code',
      scope: 'openid',
      prompt: 'none',
      state: 'probe',
    });
    const res = await sandbox.fetch(url, { headers: { cookie: cookies }, redirect: 'manual' });
    await res.text();
    const location = new URL(res.headers.get('location') ?? '', idp);
    assert.equal(location.origin + location.pathname, panelClient.redirectUri, `prompt=none answered ${res.status}`);
    const error = location.searchParams.get('error');
    assert.ok(location.searchParams.has('code') || error, `prompt=none answered ${location.href}`);
    return error !== 'login_required';
  }

  function idpCookies(b: SecurityBrowser): string {
    return ['_session', '_session.sig']
      .map((name) => [name, b.cookie(name)] as const)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}=${v}`)
      .join('; ');
  }

  /** A live interaction at the IdP: the panel's authorization request, up to its login page. */
  async function liveInteraction(b: SecurityBrowser): Promise<{ uid: string; page: HttpResponse }> {
    const page = await b.follow(await b.get(`${panel}/openid_connect/webpros`), atPanel);
    const uid = /^\/interaction\/([^/]+)$/.exec(new URL(page.url).pathname)?.[1];
    assert.ok(uid, `no interaction at ${page.url}`);
    return { uid, page };
  }

  async function signedInAtAccountPages(b: SecurityBrowser, person: { email: string; password: string }) {
    const form = formOn(await b.get(`${idp}/account/login`), '/account/login');
    const res = await b.post(form.action, { ...form.fields, email: person.email, password: person.password });
    assert.equal(res.status, 303, res.text.slice(0, 300));
    assert.equal(new URL(res.location ?? '').pathname, '/account');
  }

  return {
    atPanel,
    panelPasswordLogin,
    throughIdp,
    webprosLogin,
    homeUrlOf,
    panelHomeWith,
    panelAuthorizationUrl,
    idpSessionIsLive,
    idpCookies,
    liveInteraction,
    signedInAtAccountPages,
  };
}

export type SecurityJourneys = ReturnType<typeof createSecurityJourneys>;
