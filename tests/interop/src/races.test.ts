import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { createHttpClient, type HttpClient, type HttpResponse, parseForms } from '@extauth/server-kit/http-client';
import { createSandbox, type Sandbox } from '@extauth/testkit';
import { caFetch, createIdpBrowser } from './support/idp-browser.js';
import { printRaceTally, race } from './support/races.js';
import { nextStepCode } from './support/totp-step.js';

// Every single-use secret of the IdP, submitted 20 times at once through its real HTTP path (SQLite
// storage, hashing, CSRF, cookies): exactly one submit wins, the other 19 lose.

const SUBMITS = 20;
const RP = 'https://race-rp.interop.test';
const REDIRECT_URI = `${RP}/callback`;
const CONFIDENTIAL = { id: 'race-confidential', secret: 'race-confidential-secret-0123456789' };
const PUBLIC_ID = 'race-public';

let sandbox: Sandbox;
let http: ReturnType<typeof caFetch>;
const browsers: HttpClient[] = [];

before(async () => {
  sandbox = await createSandbox({ storage: 'sqlite' });
  assert.ok(sandbox.admin);
  await sandbox.admin.addClient({
    client_id: CONFIDENTIAL.id,
    client_secret: CONFIDENTIAL.secret,
    redirect_uris: [REDIRECT_URI],
    grant_types: ['authorization_code', 'refresh_token'],
  });
  await sandbox.admin.addClient({
    client_id: PUBLIC_ID,
    redirect_uris: [REDIRECT_URI],
    grant_types: ['authorization_code', 'refresh_token'],
    token_endpoint_auth_method: 'none',
  });
  http = caFetch(sandbox.ca);
});
after(async () => {
  await Promise.all(browsers.map((b) => b.close()));
  await http?.close();
  await sandbox?.stop();
  if (sandbox) fs.rmSync(sandbox.dataDir, { recursive: true, force: true });
  printRaceTally();
});

function browser(): HttpClient {
  const b = createHttpClient({ ca: sandbox.ca, userAgent: 'extauth-race-test' });
  browsers.push(b);
  return b;
}

function formOn(page: HttpResponse, pathEnd: string) {
  const form = parseForms(page.text, page.url).find((f) => new URL(f.action).pathname.endsWith(pathEnd));
  assert.ok(form, `no form ${pathEnd} on ${page.url} (${page.status})`);
  return form;
}

/** Password login on the account pages; returns the page it leads to (for an MFA account, "Verify Your Identity"). */
async function logIn(b: HttpClient, account: { email: string; password: string }): Promise<HttpResponse> {
  const page = await b.get(`${sandbox.issuer}/account/login`);
  const form = formOn(page, '/account/login');
  return b.follow(await b.post(form.action, { ...form.fields, email: account.email, password: account.password }));
}

const statusOf = (r: HttpResponse) => `${r.status}${r.location ? ` → ${new URL(r.location).pathname}` : ''}`;

async function tokenRequest(form: Record<string, string>) {
  const res = await http.fetch(`${sandbox.issuer}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  const body = (await res.json()) as Record<string, string>;
  return { status: res.status, body };
}
const tokenOutcome = (r: { status: number; body: Record<string, string> }) =>
  r.status === 200 ? '200' : `${r.status} ${r.body.error}`;

/**
 * The losers of a race replayed the code or refresh token the winner used: a reuse, so the grant
 * is revoked as it is for a reuse that comes later (RFC 6749 §4.1.2). The winner's tokens are dead.
 */
async function assertGrantRevoked(tokens: Record<string, string>, client: { id: string; secret?: string }) {
  const userinfo = await http.fetch(`${sandbox.issuer}/me`, {
    headers: { authorization: `Bearer ${tokens.access_token ?? ''}` },
  });
  assert.equal(userinfo.status, 401, "the winner's access token is refused after the reuse");
  await userinfo.arrayBuffer();
  const refreshed = await tokenRequest({
    grant_type: 'refresh_token',
    refresh_token: tokens.refresh_token ?? '',
    client_id: client.id,
    ...(client.secret ? { client_secret: client.secret } : {}),
  });
  assert.deepEqual(tokenOutcome(refreshed), '400 invalid_grant', "the winner's refresh token is refused too");
}

describe(`single-use secrets under ${SUBMITS} parallel submits`, () => {
  test('an email code (signup): exactly one submit verifies the account', async () => {
    const email = 'race-signup@interop.test';
    const b = browser();
    const signup = await b.get(`${sandbox.issuer}/signup`);
    const form = formOn(signup, '/signup');
    const since = new Date(Date.now() - 1000);
    const codePage = await b.follow(
      await b.post(form.action, {
        ...form.fields,
        email,
        password: 'race-signup-password-123',
        first_name: 'Rae',
        last_name: 'Signup',
        terms: 'on',
      }),
    );
    const codeForm = formOn(codePage, '/email-code');
    const code = await sandbox.outbox.waitForCode(email, { since });
    const winner = await race(
      'email code',
      SUBMITS,
      () => b.post(codeForm.action, { ...codeForm.fields, code }),
      (r) => r.status === 303,
      (r) => r.status === 400,
      statusOf,
    );
    assert.equal((await b.follow(winner)).status, 200);
    assert.equal((await sandbox.admin?.getAccount(email))?.verified, true);
  });

  test('an MFA enrolment link: exactly one opening starts the enrolment', async () => {
    const account = await sandbox.seedAccount({ email: 'race-enrol@interop.test' });
    const b = browser();
    const accountPage = await logIn(b, account);
    const request = formOn(accountPage, '/account/mfa/enrollment-email');
    const sent = await b.post(request.action, request.fields);
    assert.equal(sent.status, 303, await b.follow(sent).then((p) => p.text.slice(0, 300)));
    const link = await sandbox.mail.waitForLink(account.email, 'Enable multi-factor authentication');
    const openers = Array.from({ length: SUBMITS }, () => browser());
    await race(
      'MFA enrolment link',
      SUBMITS,
      (i) => (openers[i] as HttpClient).get(link),
      (r) => r.status === 303 && r.location?.endsWith('/mfa/setup') === true,
      (r) => r.status === 400,
      statusOf,
    );
  });

  test('a recovery code: of 20 pending logins exactly one gets in with it', async () => {
    const account = await sandbox.seedAccount({ email: 'race-recovery@interop.test', mfa: true });
    assert.ok(account.recoveryCode);
    const people = Array.from({ length: SUBMITS }, () => browser());
    const forms = await Promise.all(
      people.map(async (b) => {
        const challenge = await logIn(b, account);
        const recovery = await b.get(new URL('/mfa/recovery', challenge.url));
        return formOn(recovery, '/mfa/recovery');
      }),
    );
    await race(
      'recovery code',
      SUBMITS,
      (i) =>
        (people[i] as HttpClient).post(forms[i]?.action ?? '', {
          ...forms[i]?.fields,
          recovery_code: account.recoveryCode ?? '',
        }),
      (r) => r.status === 303,
      // Replays count as failures: after five the account is locked (429), a refusal too.
      (r) => r.status === 400 || r.status === 429,
      statusOf,
    );
  });

  test('a TOTP step: of 20 pending logins exactly one gets in with the same code', async () => {
    const account = await sandbox.seedAccount({ email: 'race-totp@interop.test', mfa: true });
    assert.ok(account.totpSecret);
    const people = Array.from({ length: SUBMITS }, () => browser());
    const forms = await Promise.all(people.map(async (b) => formOn(await logIn(b, account), '/mfa/challenge')));
    const { code } = await nextStepCode(sandbox, account.totpSecret);
    await race(
      'TOTP step',
      SUBMITS,
      (i) => (people[i] as HttpClient).post(forms[i]?.action ?? '', { ...forms[i]?.fields, code }),
      (r) => r.status === 303,
      // Replays count as failures: after five the account is locked (429), a refusal too.
      (r) => r.status === 400 || r.status === 429,
      statusOf,
    );
    await sandbox.admin?.moveClock({ reset: true });
  });

  test('an authorization code: exactly one token request gets tokens', async () => {
    const account = await sandbox.seedAccount({ email: 'race-code@interop.test' });
    const url = new URL('/auth', sandbox.issuer);
    for (const [k, v] of Object.entries({
      client_id: CONFIDENTIAL.id,
      redirect_uri: REDIRECT_URI,
      response_type: 'code',
      scope: 'openid email',
      state: 'race',
    }))
      url.searchParams.set(k, v);
    const person = createIdpBrowser({ ca: sandbox.ca, redirectPrefix: RP });
    const { callback } = await person.signIn(url, account).finally(() => person.close());
    const code = callback.searchParams.get('code') ?? '';
    const winner = await race(
      'authorization code',
      SUBMITS,
      () =>
        tokenRequest({
          grant_type: 'authorization_code',
          code,
          redirect_uri: REDIRECT_URI,
          client_id: CONFIDENTIAL.id,
          client_secret: CONFIDENTIAL.secret,
        }),
      (r) => r.status === 200,
      (r) => r.status === 400 && r.body.error === 'invalid_grant',
      tokenOutcome,
    );
    await assertGrantRevoked(winner.body, CONFIDENTIAL);
  });

  test('a refresh token of a public client (rotating): exactly one refresh succeeds', async () => {
    const account = await sandbox.seedAccount({ email: 'race-refresh@interop.test' });
    const verifier = randomBytes(32).toString('base64url');
    const url = new URL('/auth', sandbox.issuer);
    for (const [k, v] of Object.entries({
      client_id: PUBLIC_ID,
      redirect_uri: REDIRECT_URI,
      response_type: 'code',
      scope: 'openid email',
      state: 'race',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    }))
      url.searchParams.set(k, v);
    const person = createIdpBrowser({ ca: sandbox.ca, redirectPrefix: RP });
    const { callback } = await person.signIn(url, account).finally(() => person.close());
    const tokens = await tokenRequest({
      grant_type: 'authorization_code',
      code: callback.searchParams.get('code') ?? '',
      redirect_uri: REDIRECT_URI,
      client_id: PUBLIC_ID,
      code_verifier: verifier,
    });
    assert.equal(tokens.status, 200);
    const refreshToken = tokens.body.refresh_token ?? '';
    assert.ok(refreshToken);
    const winner = await race(
      'refresh token (public client)',
      SUBMITS,
      () => tokenRequest({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: PUBLIC_ID }),
      (r) => r.status === 200,
      (r) => r.status === 400 && r.body.error === 'invalid_grant',
      tokenOutcome,
    );
    await assertGrantRevoked(winner.body, { id: PUBLIC_ID });
  });
});
