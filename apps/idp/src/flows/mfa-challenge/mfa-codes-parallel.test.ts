import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { HttpClient, HttpResponse } from '@extauth/server-kit/http-client';
import { createLogger } from '@extauth/server-kit/logger';
import { idpMessages } from '@extauth/shared/idp-messages';
import {
  completeEnrollment,
  createMfaUser,
  frozenClock,
  logInWithPassword,
  type MfaUser,
  oneTimeCodeError,
  openEnrollmentFromEmail,
  totpAt,
} from '../../testing/mfa.js';
import { createVerifiedAccount, formOf, hrefOf, uniqueEmail } from '../../testing/self-service.js';
import { startTestIdp, type TestIdp } from '../../testing/test-idp.js';

// One-time code limits must hold under a burst of parallel requests, like the password limits
// (flows/login/password-attempts-parallel.test.ts): a limit checked before an awaited check and
// written only after it lets every request of a burst pass the check. The TOTP check awaits
// otplib's `verify`, which today only wraps a synchronous HMAC, so the lock check, the code check
// and the recorded failure run without another request in between; these tests hold that (and
// fail if a check ever yields to other requests before its failure is counted).

const PARALLEL = 40;
const MFA_MAX_FAILURES = 5;
const MFA_LOCK_SECONDS = 15 * 60;
const PER_IP = 12;
const WINDOW_SECONDS = 600;
const logLines: Record<string, unknown>[] = [];
let t: TestIdp;

before(async () => {
  t = await startTestIdp({
    // A fixed time: every answer's Retry-After is exact, and no code crosses a step mid-burst.
    clock: frozenClock(),
    env: {
      IDP_MFA_MAX_FAILURES: String(MFA_MAX_FAILURES),
      IDP_MFA_LOCK_SECONDS: String(MFA_LOCK_SECONDS),
      IDP_CODE_MAX_FAILURES_PER_IP: String(PER_IP),
      IDP_CODE_FAILURE_WINDOW_SECONDS: String(WINDOW_SECONDS),
    },
    logger: createLogger('idp', { level: 'info', format: 'json' }, (line) =>
      logLines.push(JSON.parse(line) as Record<string, unknown>),
    ),
  });
});
after(() => t.close());

/** Every test starts in a fresh per-IP window (and a later TOTP step). */
const nextWindow = () => t.clock.advance((WINDOW_SECONDS + 1) * 1000);

const logged = (since: number, msg: string) => logLines.slice(since).filter((line) => line.msg === msg);

/** `count` distinct six-digit codes, none of them accepted at the sandbox's time (steps -1, 0, +1). */
async function wrongTotpCodes(user: MfaUser, count: number): Promise<string[]> {
  const right = new Set(await Promise.all([-1, 0, 1].map((steps) => totpAt(t, user.secret, steps))));
  const codes: string[] = [];
  for (let n = 100_000; codes.length < count; n += 7919) {
    if (!right.has(String(n))) codes.push(String(n));
  }
  return codes;
}

/** `count` distinct well-formed recovery codes (25 base32 characters) that are not the user's. */
function wrongRecoveryCodes(user: MfaUser, count: number): string[] {
  const base32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  return Array.from(
    { length: count },
    (_, i) => `ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ-ZZZ${base32[i >> 5]}${base32[i & 31]}`,
  ).filter((code) => code !== user.recoveryCode);
}

/** One page's form (CSRF token included) submitted by `browser` once per entry of `fields`, all at once. */
function burst(browser: HttpClient, page: HttpResponse, actionPart: string, fields: Record<string, string>[]) {
  const form = formOf(page, actionPart);
  return Promise.all(fields.map((f) => browser.post(form.action, { ...form.fields, ...f })));
}

/**
 * Exactly `checked` answers are the form's 400 (`wrongText` says the code was wrong), every other
 * one 429 with `retryAfter` (exact, or at most, when a function) and the refusal's `message`.
 */
function assertLimited(
  answers: HttpResponse[],
  expected: {
    checked: number;
    wrongText: (a: HttpResponse) => boolean;
    message: string;
    retryAfter: (seconds: number) => boolean;
  },
) {
  const statuses = answers.map((a) => a.status).join(' ');
  const wrong = answers.filter((a) => a.status === 400);
  const refused = answers.filter((a) => a.status === 429);
  assert.equal(wrong.length, expected.checked, `codes checked; answers: ${statuses}`);
  assert.equal(refused.length, answers.length - expected.checked, `answers: ${statuses}`);
  for (const answer of wrong) assert.ok(expected.wrongText(answer), 'a checked wrong code is reported as wrong');
  for (const answer of refused) {
    const retryAfter = Number(answer.headers.get('retry-after'));
    assert.ok(expected.retryAfter(retryAfter), `Retry-After ${retryAfter}`);
    assert.ok(answer.text.includes(expected.message), 'the refusal sentence on the page');
  }
}

const lockedFor15Minutes = (seconds: number) => seconds === MFA_LOCK_SECONDS;

describe('one-time code limits under parallel requests', () => {
  test(`${PARALLEL} parallel wrong codes on one "Verify Your Identity": ${MFA_MAX_FAILURES} are checked, the rest 429; then the right code and the recovery code are refused`, async () => {
    nextWindow();
    const user = await createMfaUser(t, 'parallel-totp');
    const browser = t.browser();
    const page = await logInWithPassword(t, browser, user);
    const since = logLines.length;

    const answers = await burst(
      browser,
      page,
      '/mfa/challenge',
      (await wrongTotpCodes(user, PARALLEL)).map((code) => ({ code })),
    );
    assertLimited(answers, {
      checked: MFA_MAX_FAILURES,
      wrongText: (a) => oneTimeCodeError(a.text) === idpMessages.totp_wrong,
      message: idpMessages.mfa_locked,
      retryAfter: lockedFor15Minutes,
    });
    assert.equal(logged(since, 'MFA: one-time code refused').length, MFA_MAX_FAILURES, 'one line per checked code');
    const throttled = logged(since, 'attempts throttled');
    assert.equal(throttled.length, PARALLEL - MFA_MAX_FAILURES, 'one line per refusal');
    assert.ok(throttled.every((line) => line.attempts === 'mfa' && line.limit === 'account'));

    const right = await burst(browser, page, '/mfa/challenge', [{ code: await totpAt(t, user.secret) }]);
    assert.equal(right[0]?.status, 429, 'the right code is refused while locked');
    const recovery = await burst(browser, await browser.get(hrefOf(page, 'Use a recovery code')), '/mfa/recovery', [
      { recovery_code: user.recoveryCode },
    ]);
    assert.equal(recovery[0]?.status, 429, 'the recovery code is refused while locked');
  });

  test(`${PARALLEL} parallel wrong recovery codes: ${MFA_MAX_FAILURES} are checked, the rest 429; then the right one is refused`, async () => {
    nextWindow();
    const user = await createMfaUser(t, 'parallel-recovery');
    const browser = t.browser();
    const page = await browser.get(hrefOf(await logInWithPassword(t, browser, user), 'Use a recovery code'));
    const since = logLines.length;

    const answers = await burst(
      browser,
      page,
      '/mfa/recovery',
      wrongRecoveryCodes(user, PARALLEL).map((recovery_code) => ({ recovery_code })),
    );
    assertLimited(answers, {
      checked: MFA_MAX_FAILURES,
      wrongText: (a) => a.text.includes(idpMessages.recovery_code_wrong),
      message: idpMessages.mfa_locked,
      retryAfter: lockedFor15Minutes,
    });
    assert.equal(logged(since, 'MFA: recovery code refused').length, MFA_MAX_FAILURES, 'one line per checked code');

    const right = await burst(browser, page, '/mfa/recovery', [{ recovery_code: user.recoveryCode }]);
    assert.equal(right[0]?.status, 429, 'the right recovery code is refused while locked');
  });

  test(`${PARALLEL} parallel wrong codes from one address across accounts: ${PER_IP} are checked, the rest 429`, async () => {
    // Eight accounts, five guesses each: no account reaches its lock, so only the per-IP limit can stop the burst.
    nextWindow();
    // One after the other: each enrolment moves the shared clock.
    const users: MfaUser[] = [];
    for (let i = 0; i < 8; i += 1) users.push(await createMfaUser(t, `parallel-ip${i}`));
    const victim = await createMfaUser(t, 'parallel-ip-victim');
    const challenges = await Promise.all(
      users.map(async (user) => {
        const browser = t.browser();
        return { user, browser, page: await logInWithPassword(t, browser, user) };
      }),
    );
    const victimBrowser = t.browser();
    const victimPage = await logInWithPassword(t, victimBrowser, victim);
    nextWindow();
    const since = logLines.length;

    const answers = (
      await Promise.all(
        challenges.map(async ({ user, browser, page }) =>
          burst(
            browser,
            page,
            '/mfa/challenge',
            (await wrongTotpCodes(user, PARALLEL / users.length)).map((code) => ({ code })),
          ),
        ),
      )
    ).flat();
    assertLimited(answers, {
      checked: PER_IP,
      wrongText: (a) => oneTimeCodeError(a.text) === idpMessages.totp_wrong,
      message: idpMessages.code_throttled_ip,
      retryAfter: (seconds) => seconds > 0 && seconds <= WINDOW_SECONDS,
    });
    const throttled = logged(since, 'attempts throttled');
    assert.equal(throttled.length, PARALLEL - PER_IP, 'one line per refusal');
    assert.ok(throttled.every((line) => line.attempts === 'code' && line.limit === 'ip'));

    const right = await burst(victimBrowser, victimPage, '/mfa/challenge', [{ code: await totpAt(t, victim.secret) }]);
    assert.equal(right[0]?.status, 429, 'a right code from the address is refused too');
    assert.ok(right[0]?.text.includes(idpMessages.code_throttled_ip));
  });

  test(`${PARALLEL} parallel wrong codes as proof on the account page's MFA form: ${MFA_MAX_FAILURES} are checked`, async () => {
    nextWindow();
    const email = uniqueEmail('parallel-account-code');
    const browser = t.browser();
    await createVerifiedAccount(t, browser, { email, password: 'parallel-account-code-password' });
    const { secret } = await completeEnrollment(t, browser, await openEnrollmentFromEmail(t, browser, email));
    nextWindow();
    const account = await browser.get(`${t.issuer}/account`);
    const user = { email, password: '', secret, recoveryCode: '' };

    const answers = await burst(
      browser,
      account,
      '/account/mfa',
      (await wrongTotpCodes(user, PARALLEL)).map((proof) => ({ proof, action: 'disable' })),
    );
    assertLimited(answers, {
      checked: MFA_MAX_FAILURES,
      wrongText: (a) => a.text.includes(idpMessages.mfa_proof_wrong),
      message: idpMessages.mfa_locked,
      retryAfter: lockedFor15Minutes,
    });
    const right = await burst(browser, account, '/account/mfa', [
      { proof: await totpAt(t, secret), action: 'disable' },
    ]);
    assert.equal(right[0]?.status, 429, 'the right code is refused while locked');
    assert.ok(right[0]?.text.includes(idpMessages.mfa_locked));
  });

  test('20 parallel right codes on one "Verify Your Identity": exactly one signs in, the others are told, and nothing locks', async () => {
    nextWindow();
    const user = await createMfaUser(t, 'parallel-right');
    const browser = t.browser();
    const page = await logInWithPassword(t, browser, user);
    const code = await totpAt(t, user.secret);

    const answers = await burst(
      browser,
      page,
      '/mfa/challenge',
      Array.from({ length: 20 }, () => ({ code })),
    );
    const statuses = answers.map((a) => a.status).join(' ');
    assert.equal(answers.filter((a) => a.status === 303).length, 1, `one winner; answers: ${statuses}`);
    for (const loser of answers.filter((a) => a.status !== 303)) {
      assert.equal(loser.status, 400, `answers: ${statuses}`);
      assert.ok(
        loser.text.includes(idpMessages.mfa_flow_expired) || oneTimeCodeError(loser.text) === idpMessages.totp_replayed,
        'the step was used: told so, not locked out',
      );
    }

    // The single-use rule holds for every other login too; a code of the next step signs in.
    const other = t.browser();
    const again = await logInWithPassword(t, other, user);
    const replay = await burst(other, again, '/mfa/challenge', [{ code }]);
    assert.equal(oneTimeCodeError(replay[0]?.text ?? ''), idpMessages.totp_replayed);
    t.clock.advance(30_000);
    const next = await burst(other, again, '/mfa/challenge', [{ code: await totpAt(t, user.secret) }]);
    assert.equal(next[0]?.status, 303, 'the next step’s code signs in: no lock');
  });
});
