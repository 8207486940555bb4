import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { createAdjustableClock } from '@extauth/server-kit/clock';
import {
  msgCodeOf,
  noticeTextOf,
  startTestEnv,
  submitLoginForm,
  TEST_ROOT_PASSWORD,
  type TestEnv,
} from '../../test-support/harness.js';

const clock = createAdjustableClock();
const WINDOW_SECONDS = 600;

function basic(user: string, pass: string): string {
  return `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
}

describe('attempt limit on WHM passwords (login form and API Basic auth)', () => {
  let env: TestEnv;
  before(async () => {
    env = await startTestEnv({
      clock,
      env: {
        PANEL_LOGIN_MAX_FAILURES_PER_USER: '3',
        PANEL_LOGIN_MAX_FAILURES_PER_IP: '5',
        PANEL_LOGIN_FAILURE_WINDOW_SECONDS: String(WINDOW_SECONDS),
      },
    });
  });
  after(() => env.close());
  // Each test starts with an empty window.
  beforeEach(() => clock.advance((WINDOW_SECONDS + 1) * 1000));

  async function wrongLogin(user: string) {
    env.browser.cookies.clear();
    return submitLoginForm(env.browser, await env.browser.get(`${env.url}/`), user, 'wrong-password');
  }

  test('refuses a user’s login with 429 and Retry-After after too many wrong passwords, even the right one', async () => {
    for (let i = 0; i < 3; i++) assert.equal((await wrongLogin('root')).status, 401);
    env.browser.cookies.clear();
    const page = await env.browser.get(`${env.url}/`);
    const refused = await submitLoginForm(env.browser, page, 'root', TEST_ROOT_PASSWORD);
    assert.equal(refused.status, 429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    assert.ok(retryAfter > 0 && retryAfter <= WINDOW_SECONDS, `Retry-After ${retryAfter}`);
    assert.equal(msgCodeOf(refused), 'too_many_failures');
    assert.match(noticeTextOf(refused) ?? '', /^Too many failed login attempts\. Wait \d+ minutes?, then try again\.$/);
    assert.equal(env.browser.cookies.get('localhost', 'whostmgrsession'), undefined);

    clock.advance(retryAfter * 1000);
    const again = await submitLoginForm(env.browser, await env.browser.get(`${env.url}/`), 'root', TEST_ROOT_PASSWORD);
    assert.equal(again.status, 303, 'the window has passed');
  });

  test('API Basic auth shares the count with the login form and answers 429 with the envelope', async () => {
    for (let i = 0; i < 2; i++) assert.equal((await wrongLogin('root')).status, 401);
    const url = `${env.url}/json-api/get_available_authentication_providers?api.version=1`;
    const denied = await env.browser.get(url, { authorization: basic('root', 'wrong-password') });
    assert.equal(denied.status, 403);
    const limited = await env.browser.get(url, { authorization: basic('root', TEST_ROOT_PASSWORD) });
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers.get('retry-after')) > 0);
    const body = JSON.parse(limited.text) as { metadata: { result: number; reason: string } };
    assert.equal(body.metadata.result, 0);
    assert.match(body.metadata.reason, /^Too many failed login attempts\./);
    // The form is locked too: one mechanism.
    env.browser.cookies.clear();
    const page = await env.browser.get(`${env.url}/`);
    assert.equal((await submitLoginForm(env.browser, page, 'root', TEST_ROOT_PASSWORD)).status, 429);
  });

  test('counts failures per client address across user names, and a success does not reset that count', async () => {
    await wrongLogin('nobody1');
    await wrongLogin('nobody2');
    env.browser.cookies.clear();
    const ok = await submitLoginForm(env.browser, await env.browser.get(`${env.url}/`), 'root', TEST_ROOT_PASSWORD);
    assert.equal(ok.status, 303);
    await wrongLogin('nobody3');
    await wrongLogin('nobody4');
    assert.equal((await wrongLogin('nobody5')).status, 401, 'the fifth failure from this address');
    assert.equal((await wrongLogin('nobody6')).status, 429, 'a user name never tried before');
    env.browser.cookies.clear();
    const root = await submitLoginForm(env.browser, await env.browser.get(`${env.url}/`), 'root', TEST_ROOT_PASSWORD);
    assert.equal(root.status, 429);
  });

  test('logs one warning per failure, without the password', async () => {
    const before = env.logger.lines.length;
    await wrongLogin('root');
    await env.browser.get(`${env.url}/json-api/get_available_authentication_providers?api.version=1`, {
      authorization: basic('root', 'wrong-password'),
    });
    const lines = env.logger.lines.slice(before).filter((l) => l.level === 'warn');
    assert.equal(lines.length, 2);
    for (const line of lines) {
      assert.equal(line.message, 'login failed: wrong password');
      assert.equal(line.fields?.username, 'root');
      assert.doesNotMatch(JSON.stringify(line), /wrong-password/);
    }
    assert.deepEqual(
      lines.map((l) => l.fields?.via),
      ['login_form', 'json_api'],
    );
  });
});

describe('attempt limit on WHM passwords under parallel requests (shipped scrypt cost)', () => {
  // A burst must not slip past the limit while scrypt runs: with the failure written only after
  // the check, 100 parallel guesses had 67 passwords checked against a limit of 10.
  const PARALLEL = 40;
  const PER_USER = 10;
  const PER_IP = 25;
  let env: TestEnv;
  before(async () => {
    env = await startTestEnv({
      clock,
      env: {
        SANDBOX_PASSWORD_HASH: 'secure',
        PANEL_LOGIN_MAX_FAILURES_PER_USER: String(PER_USER),
        PANEL_LOGIN_MAX_FAILURES_PER_IP: String(PER_IP),
        PANEL_LOGIN_FAILURE_WINDOW_SECONDS: String(WINDOW_SECONDS),
      },
    });
  });
  after(() => env.close());
  beforeEach(() => clock.advance((WINDOW_SECONDS + 1) * 1000));

  /** One login page's form, submitted `PARALLEL` times at once, each with its own user name. */
  async function burst(userFor: (i: number) => string) {
    env.browser.cookies.clear();
    const page = await env.browser.get(`${env.url}/`);
    return Promise.all(
      Array.from({ length: PARALLEL }, (_, i) => submitLoginForm(env.browser, page, userFor(i), `wrong-password-${i}`)),
    );
  }

  const checkedPasswordsSince = (line: number) =>
    env.logger.lines.slice(line).filter((l) => l.message === 'login failed: wrong password').length;

  function assertRefusedBeyond(limit: number, answers: { status: number; headers: Headers }[]) {
    const statuses = answers.map((a) => a.status);
    assert.equal(statuses.filter((s) => s === 401).length, limit, `answers: ${statuses.join(' ')}`);
    const refused = answers.filter((a) => a.status === 429);
    assert.equal(refused.length, PARALLEL - limit, `answers: ${statuses.join(' ')}`);
    for (const answer of refused) {
      const retryAfter = Number(answer.headers.get('retry-after'));
      assert.ok(retryAfter > 0 && retryAfter <= WINDOW_SECONDS, `Retry-After ${retryAfter}`);
    }
  }

  test(`${PARALLEL} parallel wrong passwords for one user: ${PER_USER} are checked, the rest get 429; then even the right one`, async () => {
    const firstLine = env.logger.lines.length;
    assertRefusedBeyond(PER_USER, await burst(() => 'root'));
    assert.equal(checkedPasswordsSince(firstLine), PER_USER, 'passwords actually checked');

    env.browser.cookies.clear();
    const right = await submitLoginForm(env.browser, await env.browser.get(`${env.url}/`), 'root', TEST_ROOT_PASSWORD);
    assert.equal(right.status, 429, 'the right password is refused while the user is locked');
    assert.equal(msgCodeOf(right), 'too_many_failures');
    assert.equal(env.browser.cookies.get('localhost', 'whostmgrsession'), undefined);
  });

  test(`${PARALLEL} parallel wrong passwords from one address across user names: ${PER_IP} are checked`, async () => {
    const firstLine = env.logger.lines.length;
    assertRefusedBeyond(PER_IP, await burst((i) => `nobody${i}`));
    assert.equal(checkedPasswordsSince(firstLine), PER_IP, 'passwords actually checked');

    env.browser.cookies.clear();
    const right = await submitLoginForm(env.browser, await env.browser.get(`${env.url}/`), 'root', TEST_ROOT_PASSWORD);
    assert.equal(right.status, 429, 'the right password is refused while the address is locked');
  });

  test(`${PARALLEL} parallel right passwords for one user all log in: checks in flight are not failures`, async () => {
    env.browser.cookies.clear();
    const page = await env.browser.get(`${env.url}/`);
    const answers = await Promise.all(
      Array.from({ length: PARALLEL }, () => submitLoginForm(env.browser, page, 'root', TEST_ROOT_PASSWORD)),
    );
    assert.deepEqual(
      answers.map((a) => a.status),
      answers.map(() => 303),
    );
  });

  test('a right password in a parallel burst still logs in and clears only its user’s count', async () => {
    env.browser.cookies.clear();
    const page = await env.browser.get(`${env.url}/`);
    const answers = await Promise.all([
      ...Array.from({ length: 5 }, (_, i) => submitLoginForm(env.browser, page, `nobody${i}`, 'wrong-password')),
      submitLoginForm(env.browser, page, 'root', TEST_ROOT_PASSWORD),
    ]);
    assert.deepEqual(
      answers.map((a) => a.status),
      [401, 401, 401, 401, 401, 303],
    );
    // The address keeps its 5 failures (the success took back only its own count): 20 more fill it.
    const more = await burst((i) => `other${i}`);
    assert.equal(more.filter((a) => a.status === 401).length, PER_IP - 5);
  });
});
