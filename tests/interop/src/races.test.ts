import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { createHttpClient, type HttpClient, type HttpResponse, parseForms } from '@extauth/server-kit/http-client';
import { createSandbox, type Sandbox, totp } from '@extauth/testkit';
import { caFetch, createIdpBrowser } from './support/idp-browser.js';
import { printRaceTally, race } from './support/races.js';
import { nextStepCode } from './support/totp-step.js';

// Every single-use secret of the IdP, and the panel's own (its WHM 2FA step, the OIDC state at its
// callback), submitted 20 times at once through the real HTTP path (SQLite storage, hashing, CSRF,
// cookies): exactly one submit wins, the other 19 lose.

const SUBMITS = 20;
const RP = 'https://race-rp.interop.test';
const REDIRECT_URI = `${RP}/callback`;
const CONFIDENTIAL = { id: 'race-confidential', secret: 'race-confidential-secret-0123456789' };
const PUBLIC_ID = 'race-public';

let sandbox: Sandbox;
let http: ReturnType<typeof caFetch>;
const browsers: HttpClient[] = [];

before(async () => {
  // The shipped password hashing (scrypt N=2^15), not the test default: with it a password submit
  // really waits on the thread pool between reading its secret and using it up, where a race would bite.
  sandbox = await createSandbox({ storage: 'sqlite', env: { SANDBOX_PASSWORD_HASH: 'secure' } });
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

/** "Forgot password?" on the account pages up to the code page; returns the code page and the code. */
async function requestResetCode(b: HttpClient, email: string) {
  const since = new Date(Date.now() - 1000);
  const form = formOn(await b.get(`${sandbox.issuer}/password-reset`), '/password-reset');
  const codePage = await b.follow(await b.post(form.action, { ...form.fields, email }));
  return { codePage, code: await sandbox.outbox.waitForCode(email, { since }) };
}

/** A WHM API 1 call as root with header credentials (how a script sets the panel up). */
async function whmApi(fn: string, params: Record<string, string> = {}) {
  const res = await http.fetch(
    `${sandbox.panelUrl}/json-api/${fn}?${new URLSearchParams({ 'api.version': '1', ...params })}`,
    {
      headers: { authorization: `Basic ${Buffer.from(`root:${sandbox.rootPassword}`).toString('base64')}` },
    },
  );
  return (await res.json()) as { metadata: { result: number; reason?: string }; data?: { secret?: string } };
}

const atPanelHome = (r: HttpResponse) =>
  r.status >= 300 && r.status < 400 && /^\/cpsess\d{10}\//.test(new URL(r.location ?? '', sandbox.panelUrl).pathname);
/** The whostmgrsession cookie an answer set, if any. */
const panelSessionSetBy = (r: HttpResponse) =>
  r.headers
    .getSetCookie()
    .map((line) => /^whostmgrsession=([^;]+)/.exec(line)?.[1])
    .find(Boolean);

async function panelHomeStatus(location: string, session: string): Promise<number> {
  const res = await http.fetch(location, { headers: { cookie: `whostmgrsession=${session}` }, redirect: 'manual' });
  await res.arrayBuffer();
  return res.status;
}

/** Status and where it leads; the panel's per-session security token is left out so outcomes group. */
const statusOf = (r: HttpResponse) =>
  `${r.status}${r.location ? ` → ${new URL(r.location).pathname.replace(/^\/cpsess\d{10}\//, '/cpsessN/')}` : ''}`;

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

  test('a password-reset email code: exactly one submit is let through to "New password"', async () => {
    const account = await sandbox.seedAccount({ email: 'race-reset-code@interop.test' });
    const b = browser();
    const { codePage, code } = await requestResetCode(b, account.email);
    const codeForm = formOn(codePage, '/email-code');
    const winner = await race(
      'password-reset email code',
      SUBMITS,
      () => b.post(codeForm.action, { ...codeForm.fields, code }),
      (r) => r.status === 303 && r.location?.endsWith('/password-reset/new') === true,
      (r) => r.status === 400,
      statusOf,
    );
    const choose = await b.follow(winner);
    assert.equal(choose.status, 200);
    assert.ok(formOn(choose, '/password-reset/new'), 'the winner chooses the new password');
  });

  test('a password-reset ticket: of 20 "Reset password" submits exactly one sets its password', async () => {
    const account = await sandbox.seedAccount({ email: 'race-reset-ticket@interop.test' });
    const b = browser();
    const { codePage, code } = await requestResetCode(b, account.email);
    const codeForm = formOn(codePage, '/email-code');
    const choose = await b.follow(await b.post(codeForm.action, { ...codeForm.fields, code }));
    const form = formOn(choose, '/password-reset/new');
    // A different password per submit: the one that works afterwards names the winner.
    const passwordOf = (i: number) => `race-reset-password-${String(i).padStart(2, '0')}`;
    const winner = await race(
      'password-reset ticket',
      SUBMITS,
      async (i) => ({ i, res: await b.post(form.action, { ...form.fields, password: passwordOf(i) }) }),
      ({ res }) =>
        res.status === 303 && new URL(res.location ?? '').searchParams.get('notice') === 'password_reset_done',
      ({ res }) => res.status === 400,
      ({ res }) => statusOf(res),
    );
    const loser = (winner.i + 1) % SUBMITS;
    const withWinner = await logIn(browser(), { email: account.email, password: passwordOf(winner.i) });
    assert.equal(new URL(withWinner.url).pathname, '/account', "the winner's password logs in");
    const withLoser = await logIn(browser(), { email: account.email, password: passwordOf(loser) });
    assert.equal(withLoser.status, 400, "a loser's password was never set");
    const withOld = await logIn(browser(), account);
    assert.equal(withOld.status, 400, 'nor is the old one left');
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

  test("the panel's OIDC state: the same callback URL replayed 20 times opens exactly one WHM session", async () => {
    const account = await sandbox.seedAccount({ email: 'race-state@interop.test' });
    // Linked to root first, so the callback that wins logs straight in.
    await sandbox.loginViaWebPros({ email: account.email, password: account.password });
    const person = createIdpBrowser({ ca: sandbox.ca, redirectPrefix: `${sandbox.panelUrl}/openid_connect_callback/` });
    browsers.push(person.http);
    const { callback } = await person.signIn(`${sandbox.panelUrl}/openid_connect/webpros`, account);
    assert.ok(callback.searchParams.get('state') && callback.searchParams.get('code'));
    const winner = await race(
      'panel OIDC state',
      SUBMITS,
      () => person.http.get(callback),
      atPanelHome,
      // A replay finds no round trip in its session (the state is used up): the login page, 4xx. A
      // replay that got as far as the IdP would come back 502 (invalid_grant), not a clean refusal.
      (r) => r.status >= 400 && r.status < 500,
      statusOf,
    );
    const session = panelSessionSetBy(winner);
    assert.ok(session, 'the winner got a session cookie');
    assert.equal(await panelHomeStatus(winner.location ?? '', session), 200, "the winner's session opens WHM Home");
  });

  test('the WHM 2FA step: of 20 logins waiting for the security code exactly one gets in with the same code', async () => {
    const generated = await whmApi('twofactorauth_generate_tfa_config');
    const secret = generated.data?.secret ?? '';
    assert.ok(secret);
    assert.equal(
      (await whmApi('twofactorauth_set_tfa_config', { secret, tfa_token: totp(secret) })).metadata.result,
      1,
    );
    assert.equal((await whmApi('twofactorauth_enable_policy')).metadata.result, 1);
    try {
      const people = Array.from({ length: SUBMITS }, () => browser());
      const prompts = await Promise.all(
        people.map(async (b) => {
          const form = formOn(await b.get(`${sandbox.panelUrl}/`), '/login/');
          const login = await b.post(form.action, { ...form.fields, user: 'root', pass: sandbox.rootPassword });
          const prompt = await b.get(login.location ?? '');
          assert.equal(prompt.status, 401, 'the security code prompt');
          return parseForms(prompt.text, prompt.url).find((f) => /^\/cpsess\d{10}\/$/.test(new URL(f.action).pathname));
        }),
      );
      // The next step's code: within the ±1 window and later than the step set_tfa_config used up.
      const code = totp(secret, { at: Math.floor(Date.now() / 30_000) * 30_000 + 30_000 });
      const winner = await race(
        'WHM 2FA step',
        SUBMITS,
        (i) => (people[i] as HttpClient).post(prompts[i]?.action ?? '', { ...prompts[i]?.fields, tfatoken: code }),
        atPanelHome,
        // A replayed step is a wrong code (401); the fifth locks root, whose codes then get 429. The
        // lock outlives the test but not the policy, which is turned off below.
        (r) => r.status === 401 || r.status === 429,
        statusOf,
      );
      const session = panelSessionSetBy(winner);
      assert.ok(session);
      assert.equal(await panelHomeStatus(winner.location ?? '', session), 200);
    } finally {
      assert.equal((await whmApi('twofactorauth_disable_policy')).metadata.result, 1);
    }
  });
});
