import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { HttpClient, HttpResponse } from '@extauth/server-kit/http-client';
import { createLogger } from '@extauth/server-kit/logger';
import { idpMessages } from '@extauth/shared/idp-messages';
import { completeEnrollment, openEnrollmentFromEmail } from '../../testing/mfa.js';
import { alertText, createVerifiedAccount, formOf, logInDirectly, uniqueEmail } from '../../testing/self-service.js';
import { startTestIdp, type TestIdp } from '../../testing/test-idp.js';

// Password attempt limits must hold under a burst of parallel requests: scrypt runs off the event
// loop, so when a failure was written only after the check, 100 parallel wrong passwords for one
// account (limit 10) were all checked and none was answered 429. The shipped (secure) scrypt cost
// is used so each check takes as long as in production.

const PARALLEL = 40;
const PER_ACCOUNT = 10;
const PER_IP = 25;
const WINDOW_SECONDS = 600;
const logLines: Record<string, unknown>[] = [];
let t: TestIdp;

before(async () => {
  t = await startTestIdp({
    env: {
      SANDBOX_PASSWORD_HASH: 'secure',
      IDP_LOGIN_MAX_FAILURES_PER_ACCOUNT: String(PER_ACCOUNT),
      IDP_LOGIN_MAX_FAILURES_PER_IP: String(PER_IP),
      IDP_LOGIN_FAILURE_WINDOW_SECONDS: String(WINDOW_SECONDS),
    },
    logger: createLogger('idp', { level: 'info', format: 'json' }, (line) =>
      logLines.push(JSON.parse(line) as Record<string, unknown>),
    ),
  });
});
after(() => t.close());

/** Every test starts in fresh rate-limit windows. */
const nextWindow = () => t.clock.advance((WINDOW_SECONDS + 1) * 1000);

const logged = (since: number, msg: string) => logLines.slice(since).filter((line) => line.msg === msg);

/** One page's form (CSRF token included) submitted by `browser` once per entry of `fields`, all at once. */
async function burst(browser: HttpClient, page: HttpResponse, actionPart: string, fields: Record<string, string>[]) {
  const form = formOf(page, actionPart);
  return Promise.all(fields.map((f) => browser.post(form.action, { ...form.fields, ...f })));
}

/** `PARALLEL` wrong passwords on the account pages' login form, one browser each (all from this test's address). */
async function parallelWrongLogins(emailFor: (i: number) => string) {
  return Promise.all(
    Array.from({ length: PARALLEL }, (_, i) =>
      logInDirectly(t, t.browser(), { email: emailFor(i), password: `wrong-password-${i}` }),
    ),
  );
}

/** Exactly `checked` answers are the form's 400, every other one 429 with Retry-After and `message`. */
function assertLimited(
  answers: HttpResponse[],
  checked: number,
  message: string,
  wrongText: (a: HttpResponse) => boolean,
) {
  const statuses = answers.map((a) => a.status).join(' ');
  const wrong = answers.filter((a) => a.status === 400);
  const refused = answers.filter((a) => a.status === 429);
  assert.equal(wrong.length, checked, `passwords checked; answers: ${statuses}`);
  assert.equal(refused.length, answers.length - checked, `answers: ${statuses}`);
  for (const answer of wrong) assert.ok(wrongText(answer), 'a checked wrong password is reported as wrong');
  for (const answer of refused) {
    const retryAfter = Number(answer.headers.get('retry-after'));
    assert.ok(retryAfter > 0 && retryAfter <= WINDOW_SECONDS, `Retry-After ${retryAfter}`);
    assert.ok(answer.text.includes(message), 'the throttle sentence');
  }
}

describe('password attempt limits under parallel requests', () => {
  test(`${PARALLEL} parallel wrong passwords for one account: ${PER_ACCOUNT} are checked, the rest 429; the right one is refused too`, async () => {
    nextWindow();
    const email = uniqueEmail('parallel-login');
    await createVerifiedAccount(t, t.browser(), { email, password: 'parallel-login-password' });
    const since = logLines.length;

    const answers = await parallelWrongLogins(() => email);
    assertLimited(
      answers,
      PER_ACCOUNT,
      idpMessages.login_throttled_account,
      (a) => alertText(a) === idpMessages.invalid_credentials,
    );
    assert.equal(logged(since, 'login refused').length, PER_ACCOUNT, 'one log line per checked password');
    const throttled = logged(since, 'attempts throttled');
    assert.equal(throttled.length, PARALLEL - PER_ACCOUNT, 'one log line per refusal');
    assert.ok(throttled.every((line) => line.attempts === 'login' && line.limit === 'account'));

    const right = await logInDirectly(t, t.browser(), { email, password: 'parallel-login-password' });
    assert.equal(right.status, 429, 'the right password is refused while the account is locked');
    assert.equal(alertText(right), idpMessages.login_throttled_account);
  });

  test(`${PARALLEL} parallel wrong passwords from one address across accounts: ${PER_IP} are checked`, async () => {
    nextWindow();
    const email = uniqueEmail('parallel-ip-victim');
    await createVerifiedAccount(t, t.browser(), { email, password: 'parallel-ip-password' });
    const answers = await parallelWrongLogins((i) => uniqueEmail(`spray${i}`));
    assertLimited(
      answers,
      PER_IP,
      idpMessages.login_throttled_ip,
      (a) => alertText(a) === idpMessages.invalid_credentials,
    );
    const right = await logInDirectly(t, t.browser(), { email, password: 'parallel-ip-password' });
    assert.equal(right.status, 429, 'the right password is refused while the address is locked');
    assert.equal(alertText(right), idpMessages.login_throttled_ip);
  });

  test(`${PARALLEL} parallel right passwords for one account all log in: checks in flight are not failures`, async () => {
    nextWindow();
    const email = uniqueEmail('parallel-ci');
    await createVerifiedAccount(t, t.browser(), { email, password: 'parallel-ci-password' });
    const answers = await Promise.all(
      Array.from({ length: PARALLEL }, () =>
        logInDirectly(t, t.browser(), { email, password: 'parallel-ci-password' }),
      ),
    );
    assert.deepEqual(
      answers.map((a) => a.status),
      answers.map(() => 303),
    );
    assert.equal(
      (await logInDirectly(t, t.browser(), { email, password: 'wrong-password' })).status,
      400,
      'no count left',
    );
  });

  test('a right password in a parallel burst logs in, and takes back only its own count', async () => {
    nextWindow();
    const email = uniqueEmail('parallel-right');
    await createVerifiedAccount(t, t.browser(), { email, password: 'parallel-right-password' });
    const answers = await Promise.all([
      ...Array.from({ length: 5 }, (_, i) =>
        logInDirectly(t, t.browser(), { email: uniqueEmail(`other${i}`), password: 'guess-password' }),
      ),
      logInDirectly(t, t.browser(), { email, password: 'parallel-right-password' }),
    ]);
    assert.deepEqual(
      answers.map((a) => a.status),
      [400, 400, 400, 400, 400, 303],
    );
    // The address keeps its 5 failures: 20 more of the 40 are checked, then it is full.
    const more = await parallelWrongLogins((i) => uniqueEmail(`more${i}`));
    assert.equal(more.filter((a) => a.status === 400).length, PER_IP - 5);
  });

  test(`${PARALLEL} parallel wrong current passwords on "Change password" and on the MFA form: ${PER_ACCOUNT} are checked`, async () => {
    nextWindow();
    const email = uniqueEmail('parallel-account');
    const password = 'parallel-account-password';
    const browser = t.browser();
    await createVerifiedAccount(t, browser, { email, password });
    await completeEnrollment(t, browser, await openEnrollmentFromEmail(t, browser, email));
    const account = await browser.get(`${t.issuer}/account`);

    const changes = await burst(
      browser,
      account,
      '/account/password',
      Array.from({ length: PARALLEL }, (_, i) => ({
        current_password: `wrong-${i}-password`,
        new_password: 'never-set-password',
      })),
    );
    assertLimited(changes, PER_ACCOUNT, idpMessages.login_throttled_account, (a) =>
      a.text.includes(idpMessages.current_password_wrong),
    );

    nextWindow();
    const proofs = await burst(
      browser,
      account,
      '/account/mfa',
      Array.from({ length: PARALLEL }, (_, i) => ({ proof: `wrong-${i}-password`, action: 'disable' })),
    );
    assertLimited(proofs, PER_ACCOUNT, idpMessages.login_throttled_account, (a) =>
      a.text.includes(idpMessages.mfa_proof_wrong),
    );
    const right = (await burst(browser, account, '/account/mfa', [{ proof: password, action: 'disable' }]))[0];
    assert.equal(right?.status, 429, 'the right password is refused while the account is locked');
  });

  test('20 parallel password changes from one session: exactly one wins, the others are told, and only its password works', async () => {
    nextWindow();
    const email = uniqueEmail('parallel-change');
    const password = 'parallel-change-password';
    const browser = t.browser();
    const account = await createVerifiedAccount(t, browser, { email, password });
    const newPasswords = Array.from({ length: 20 }, (_, i) => `changed-password-${i}`);

    const answers = await burst(
      browser,
      account,
      '/account/password',
      newPasswords.map((new_password) => ({ current_password: password, new_password })),
    );
    const statuses = answers.map((a) => a.status).join(' ');
    const winners = answers.flatMap((a, i) => (a.status === 303 ? [i] : []));
    assert.equal(winners.length, 1, `exactly one "password changed"; answers: ${statuses}`);
    assert.match(answers[winners[0] ?? -1]?.location ?? '', /notice=password_changed/);
    for (const loser of answers.filter((a) => a.status !== 303)) {
      assert.equal(loser.status, 409, `answers: ${statuses}`);
      assert.ok(loser.text.includes(idpMessages.password_changed_meanwhile), 'the sentence at the field');
      assert.ok(!loser.text.includes(idpMessages.password_changed), 'no false success');
    }

    nextWindow();
    const winner = newPasswords[winners[0] ?? -1] ?? '';
    const loser = newPasswords.find((p) => p !== winner) ?? '';
    assert.equal(
      (await logInDirectly(t, t.browser(), { email, password: winner })).status,
      303,
      'the winner’s password',
    );
    assert.equal((await logInDirectly(t, t.browser(), { email, password: loser })).status, 400, 'a loser’s password');
    assert.equal((await logInDirectly(t, t.browser(), { email, password })).status, 400, 'the old password');
  });
});
