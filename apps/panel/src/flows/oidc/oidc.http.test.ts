import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import https from 'node:https';
import { after, before, beforeEach, describe, test } from 'node:test';
import { createAdjustableClock } from '@extauth/server-kit/clock';
import { findFreePort } from '@extauth/server-kit/ports';
import {
  answerToWebProsCallback,
  logInViaWebPros,
  msgCodeOf,
  noticeTextOf,
  startTestEnv,
  type TestEnv,
  testCertificates,
} from '../../test-support/harness.js';

const clock = createAdjustableClock();

describe('GET /openid_connect/webpros and the callback', () => {
  let env: TestEnv;
  before(async () => {
    env = await startTestEnv({ clock });
  });
  after(() => env.close());
  beforeEach(() => {
    env.browser.cookies.clear();
    env.op.state.fault = 'none';
    clock.reset();
  });

  const start = () => env.browser.get(`${env.url}/openid_connect/webpros?user=&theme=&parameterized_form=`);
  const callback = (query: string) => env.browser.get(`${env.url}/openid_connect_callback/webpros?${query}`);
  /** Starts a round trip and returns the state the panel sent, without visiting the provider. */
  const startedState = async () => new URL((await start()).location ?? '').searchParams.get('state') ?? '';

  test('redirects to the authorization endpoint with WHM state JSON, PKCE S256, a nonce and the client', async () => {
    const res = await start();
    assert.equal(res.status, 302);
    const location = new URL(res.location ?? '');
    assert.equal(`${location.origin}${location.pathname}`, `${env.op.issuer}/auth`);
    const q = location.searchParams;
    assert.equal(q.get('response_type'), 'code');
    assert.equal(q.get('client_id'), 'whm-test-client');
    assert.equal(q.get('redirect_uri'), `${env.url}/openid_connect_callback/webpros`);
    assert.equal(q.get('scope'), 'openid profile email');
    assert.equal(q.get('code_challenge_method'), 'S256');
    assert.match(q.get('code_challenge') ?? '', /^[A-Za-z0-9_-]{43}$/);
    assert.match(q.get('nonce') ?? '', /^[A-Za-z0-9_-]{20,}$/);
    assert.match(q.get('state') ?? '', /^\{"service":"whostmgrd","external_validation_token":"[A-Za-z0-9_-]{43}"\}$/);
    assert.match(res.location ?? '', /state=%7B%22service%22%3A%22whostmgrd%22/, 'plain JSON, URL-encoded');
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('whostmgrsession='));
    assert.match(cookie ?? '', /; samesite=lax/i);
  });

  test('sends the PKCE verifier and client_secret_post to the token endpoint', async () => {
    await logInViaWebPros(env);
    const request = env.op.state.tokenRequests.at(-1);
    const challenge = env.op.state.lastAuthorization?.get('code_challenge');
    const verifier = request?.body.get('code_verifier') ?? '';
    assert.equal(createHash('sha256').update(verifier).digest('base64url'), challenge);
    assert.equal(request?.body.get('client_secret'), 'whm-test-client-secret-0123456789abcdef');
    assert.equal(request?.authorization, undefined);
  });

  test('each start uses a new external_validation_token', async () => {
    assert.notEqual(await startedState(), await startedState());
  });

  test('error=access_denied gives openid_access_denied', async () => {
    const state = await startedState();
    const res = await callback(`error=access_denied&state=${encodeURIComponent(state)}`);
    assert.equal(msgCodeOf(res), 'openid_access_denied');
    assert.match(noticeTextOf(res) ?? '', /^WebPros denied access to information that this system needs/);
  });

  test('any other error gives openid_communication with the log-in-again link', async () => {
    await startedState();
    const res = await callback('error=server_error&error_description=boom');
    // The error arrives in the browser's request (anyone can send it): a 400, not a 502.
    assert.equal(res.status, 400);
    assert.equal(msgCodeOf(res), 'openid_communication');
    assert.equal(
      noticeTextOf(res),
      'The server failed to communicate with WebPros. Log in to WebPros again. If this condition persists, contact your system administrator.',
    );
    assert.match(
      res.text,
      /<a class="log-in-again" href="\/openid_connect\/webpros\?goto_uri=\/">Log in to WebPros again\.<\/a>/,
    );
  });

  test('an authorization response with another issuer is refused as a bad request (400), not an IdP failure', async () => {
    const state = await startedState();
    const tokenRequests = env.op.state.tokenRequests.length;
    const res = await callback(
      `code=abc&state=${encodeURIComponent(state)}&iss=${encodeURIComponent('https://evil.test')}`,
    );
    assert.equal(res.status, 400);
    assert.equal(msgCodeOf(res), 'openid_provider_misconfigured');
    assert.equal(env.op.state.tokenRequests.length, tokenRequests, 'the code is never sent to the token endpoint');
  });

  test('an authorization response with iss twice (even the right one) is a bad request (400), not an IdP failure', async () => {
    const state = await startedState();
    const tokenRequests = env.op.state.tokenRequests.length;
    const iss = encodeURIComponent(env.op.issuer);
    const res = await callback(`code=abc&state=${encodeURIComponent(state)}&iss=${iss}&iss=${iss}`);
    assert.equal(res.status, 400);
    assert.equal(msgCodeOf(res), 'openid_provider_misconfigured');
    assert.equal(env.op.state.tokenRequests.length, tokenRequests, 'the code is never sent to the token endpoint');
  });

  test('a callback without code gives missing_openid_code; without state, missing_openid_state', async () => {
    const state = await startedState();
    const noCode = await callback(`state=${encodeURIComponent(state)}`);
    assert.equal(noCode.status, 400);
    assert.equal(msgCodeOf(noCode), 'missing_openid_code');
    assert.match(noticeTextOf(noCode) ?? '', /^WebPros did not return an authorization code\./);
    const noState = await callback('code=abc');
    assert.equal(msgCodeOf(noState), 'missing_openid_state');
    const repeated = await callback(`code=a&code=b&state=${encodeURIComponent(state)}`);
    assert.equal(msgCodeOf(repeated), 'missing_openid_code');
  });

  test('a tampered or malformed state gives invalid_openid_external_validation_token', async () => {
    const state = await startedState();
    const tampered = state.replace(/"external_validation_token":"./, '"external_validation_token":"!');
    const reordered = JSON.stringify({
      external_validation_token: JSON.parse(state).external_validation_token,
      service: 'whostmgrd',
    });
    const otherService = '{"service":"nobody","external_validation_token":"x"}';
    for (const bad of [tampered, reordered, '{not json', '[]', otherService, 'x'.repeat(5000)]) {
      const res = await callback(`code=abc&state=${encodeURIComponent(bad)}`);
      assert.equal(res.status, 400, bad.slice(0, 40));
      assert.equal(msgCodeOf(res), 'invalid_openid_external_validation_token', bad.slice(0, 40));
      assert.match(noticeTextOf(res) ?? '', /^WebPros did not return the correct validation token\./);
    }
    assert.equal(env.op.state.tokenRequests.filter((r) => r.body.get('code') === 'abc').length, 0);
  });

  test('a state naming cPanel or Webmail goes to that service’s root, without the query (§3)', async () => {
    const state = JSON.parse(await startedState()) as { external_validation_token: string };
    for (const [service, port] of [
      ['cpaneld', 2083],
      ['webmaild', 2096],
    ] as const) {
      const res = await callback(
        `code=abc&state=${encodeURIComponent(JSON.stringify({ service, external_validation_token: state.external_validation_token }))}`,
      );
      assert.equal(res.status, 302, service);
      assert.equal(res.location, `https://localhost:${port}/`, service);
    }
    assert.equal(env.op.state.tokenRequests.filter((r) => r.body.get('code') === 'abc').length, 0);
  });

  test('no session, or a pre-auth session idle past 15 minutes, gives expired_session', async () => {
    const state = await startedState();
    clock.advance(16 * 60_000);
    const expired = await callback(`code=abc&state=${encodeURIComponent(state)}`);
    assert.equal(expired.status, 401);
    assert.equal(msgCodeOf(expired), 'expired_session');
    env.browser.cookies.clear();
    const none = await callback(`code=abc&state=${encodeURIComponent(state)}`);
    assert.equal(msgCodeOf(none), 'expired_session');
  });

  test('a replayed callback finds no request in progress', async () => {
    const first = await answerToWebProsCallback(env);
    assert.equal(first.status, 303);
    const replay = await env.browser.get(first.url);
    assert.equal(msgCodeOf(replay), 'expired_session');
  });

  const faults = [
    [
      'token_error',
      'openid_unable_to_get_access_token',
      /^The system failed to retrieve an access token from WebPros\./,
    ],
    ['no_id_token', 'openid_missing_id_token', /^WebPros did not send back the ID token\./],
    [
      'bad_signature',
      'openid_provider_misconfigured',
      /^The system failed to complete an OpenID Connect authentication/,
    ],
    ['unknown_kid', 'openid_provider_misconfigured', /possible misconfiguration\./],
    ['wrong_nonce', 'openid_provider_misconfigured', /possible misconfiguration\./],
    ['no_sub', 'openid_provider_misconfigured', /possible misconfiguration\./],
  ] as const;
  for (const [fault, code, text] of faults) {
    test(`a provider fault "${fault}" gives ${code}`, async () => {
      env.op.state.fault = fault;
      const res = await logInViaWebPros(env);
      // invalid_grant refuses the code the browser brought: a bad request; a bad ID token (even one
      // without `sub`) is the IdP's failure: a gateway error.
      assert.equal(res.status, fault === 'token_error' ? 400 : 502);
      assert.equal(msgCodeOf(res), code);
      assert.match(noticeTextOf(res) ?? '', text);
      assert.doesNotMatch(res.text, /link-account-banner/);
      assert.deepEqual(
        env.logger.lines.filter((l) => l.level === 'error'),
        [],
      );
    });
  }

  test('query arrays and unknown providers never give a 500', async () => {
    await startedState();
    const arrays = await callback('error=a&error=b');
    assert.equal(msgCodeOf(arrays), 'openid_communication');
    const startArrays = await env.browser.get(`${env.url}/openid_connect/webpros?goto_uri=/a&goto_uri=/b&action[x]=1`);
    assert.equal(startArrays.status, 302);
    const unknown = await env.browser.get(`${env.url}/openid_connect/other`);
    assert.equal(unknown.status, 404);
    assert.doesNotMatch(unknown.text, /other/);
  });

  test('a request on another host name is sent to the canonical host', async () => {
    // fetch may not set Host, so this request goes through node:https.
    const ca = (await testCertificates()).caPem;
    const res = await new Promise<{ status: number; location: string | undefined }>((resolve, reject) => {
      https
        .get(
          { host: '127.0.0.1', port: env.panel.port, path: '/openid_connect/webpros', ca, servername: 'localhost' },
          (r) => {
            r.resume();
            resolve({ status: r.statusCode ?? 0, location: r.headers.location });
          },
        )
        .on('error', reject);
    });
    assert.equal(res.status, 302);
    assert.equal(res.location, `${env.url}/`);
  });
});

describe('starting the flow when the provider cannot be reached', () => {
  test('shows openid_communication_no_login on the login page', async () => {
    const env = await startTestEnv({ env: { IDP_ISSUER: `https://localhost:${await findFreePort()}` } });
    try {
      const res = await env.browser.get(`${env.url}/openid_connect/webpros?user=&theme=&parameterized_form=`);
      assert.equal(res.status, 502);
      assert.equal(msgCodeOf(res), 'openid_communication_no_login');
      assert.equal(
        noticeTextOf(res),
        'The server failed to communicate with WebPros. If this condition persists, contact your system administrator.',
      );
      assert.match(res.text, /<form id="login_form"/);
    } finally {
      await env.close();
    }
  });
});
