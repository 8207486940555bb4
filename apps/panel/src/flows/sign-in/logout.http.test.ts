import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  logInViaWebPros,
  noticeTextOf,
  startTestEnv,
  submitLoginForm,
  TEST_ROOT_PASSWORD,
  type TestEnv,
} from '../../test-support/harness.js';

// PANEL_IDP_LOGOUT (ADR 013): logging out of a session that came through WebPros also ends the
// IdP session by RP-initiated logout, and the IdP's return is checked against the state sent.

/** "Log in via WebPros" (linked to root with the WHM password the first time): the browser is on WHM Home. */
async function logInToWhmHomeViaWebPros(env: TestEnv): Promise<string> {
  const answer = await logInViaWebPros(env);
  const toHome = answer.location ? answer : await submitLoginForm(env.browser, answer, 'root', TEST_ROOT_PASSWORD);
  assert.ok(toHome.status === 302 || toHome.status === 303, toHome.text);
  const home = await env.browser.get(new URL(toHome.location ?? '', env.url).href);
  assert.match(home.text, /<title>WHM Home<\/title>/);
  return home.url;
}

const stateCookie = (setCookies: string[]) => setCookies.find((c) => c.startsWith('whm_logout_state='));

describe('PANEL_IDP_LOGOUT=true: logout ends the IdP session too', () => {
  let env: TestEnv;
  before(async () => {
    env = await startTestEnv({ env: { PANEL_IDP_LOGOUT: 'true' } });
  });
  after(() => env.close());
  beforeEach(() => {
    env.browser.cookies.clear();
    env.op.state.endSession = true;
    env.logger.lines.length = 0;
  });

  test('a WebPros session: the panel session ends, then the IdP end_session_endpoint with hint, return address and state', async () => {
    const homeUrl = await logInToWhmHomeViaWebPros(env);
    const out = await env.browser.get(`${env.url}/logout/`);
    assert.equal(out.status, 302);
    const endSession = new URL(out.location ?? '');
    assert.equal(`${endSession.origin}${endSession.pathname}`, `${env.op.issuer}/session/end`);
    assert.equal(endSession.searchParams.get('post_logout_redirect_uri'), `${env.url}/logout/`);
    assert.match(endSession.searchParams.get('id_token_hint') ?? '', /^[\w-]+\.[\w-]+\.[\w-]+$/);
    const state = endSession.searchParams.get('state') ?? '';
    assert.match(state, /^[\w-]{32,}$/);
    const cookie = stateCookie(out.headers.getSetCookie()) ?? '';
    assert.match(cookie, /; path=\/logout\//i);
    assert.match(cookie, /; secure/i);
    assert.match(cookie, /; httponly/i);
    assert.match(cookie, /; samesite=lax/i);
    assert.match((await env.browser.get(homeUrl)).text, /<title>WHM Login<\/title>/, 'the panel session is over');

    const back = await env.browser.get(`${env.url}/logout/?state=${encodeURIComponent(state)}`);
    assert.equal(back.status, 200);
    assert.equal(noticeTextOf(back), 'You have logged out.');
    assert.ok(env.logger.lines.some((l) => l.message === 'logout: the IdP session ended (RP-initiated logout)'));
    assert.match(stateCookie(back.headers.getSetCookie()) ?? '', /^whm_logout_state=;/, 'the state is used up');
  });

  test('a return with a state this browser did not send is logged; the page is the same', async () => {
    await logInToWhmHomeViaWebPros(env);
    await env.browser.get(`${env.url}/logout/`);
    const forged = await env.browser.get(`${env.url}/logout/?state=not-the-state-we-sent`);
    assert.equal(forged.status, 200);
    assert.equal(noticeTextOf(forged), 'You have logged out.');
    assert.ok(env.logger.lines.some((l) => l.message === 'logout: the IdP returned a state this browser did not send'));
    assert.ok(!env.logger.lines.some((l) => l.message.startsWith('logout: the IdP session ended')));
  });

  test('an IdP without end_session_endpoint: the panel session still ends, locally, and that is logged', async () => {
    const homeUrl = await logInToWhmHomeViaWebPros(env);
    env.op.state.endSession = false;
    // The discovery document is cached per provider: a fresh panel reads the changed one.
    const fresh = await startTestEnv({ env: { PANEL_IDP_LOGOUT: 'true' } });
    try {
      fresh.op.state.endSession = false;
      await logInToWhmHomeViaWebPros(fresh);
      const out = await fresh.browser.get(`${fresh.url}/logout/`);
      assert.equal(out.status, 200);
      assert.equal(noticeTextOf(out), 'You have logged out.');
      assert.ok(fresh.logger.lines.some((l) => l.message === 'logout: the IdP session could not be ended'));
    } finally {
      await fresh.close();
    }
    assert.match((await env.browser.get(homeUrl)).text, /<title>WHM Home<\/title>/, 'the other browser is untouched');
  });

  test('a password session never goes to the IdP', async () => {
    const page = await env.browser.get(`${env.url}/`);
    const loggedIn = await submitLoginForm(env.browser, page, 'root', TEST_ROOT_PASSWORD);
    assert.equal(loggedIn.status, 303);
    const out = await env.browser.get(`${env.url}/logout/`);
    assert.equal(out.status, 200);
    assert.equal(noticeTextOf(out), 'You have logged out.');
    assert.equal(stateCookie(out.headers.getSetCookie()), undefined);
  });
});

describe('PANEL_IDP_LOGOUT off (the default, as real WHM)', () => {
  let env: TestEnv;
  before(async () => {
    env = await startTestEnv();
  });
  after(() => env.close());

  test('logging out of a WebPros session ends only the panel session', async () => {
    await logInToWhmHomeViaWebPros(env);
    const out = await env.browser.get(`${env.url}/logout/`);
    assert.equal(out.status, 200);
    assert.equal(noticeTextOf(out), 'You have logged out.');
    assert.equal(stateCookie(out.headers.getSetCookie()), undefined);
  });
});
