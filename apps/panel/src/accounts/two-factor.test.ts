import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createAdjustableClock } from '@extauth/server-kit/clock';
import { createSealer, randomToken } from '@extauth/server-kit/crypto';
import { loadPanelConfig } from '../config.js';
import { tfaCodeAt, timeStepAt } from '../domain/totp.js';
import { startSessionAfterPrimaryLogin, verifyTfaLoginCode } from '../flows/two-factor/tfa-login.js';
import { createSessionManager } from '../sessions/session-manager.js';
import { openPanelDatabase } from '../store/database.js';
import { createLoginFailureStore } from '../store/login-failures.store.js';
import { createSessionStore } from '../store/sessions.store.js';
import { createTwoFactorStore } from '../store/two-factor.store.js';
import { createUserStore } from '../store/users.store.js';
import { createRecordingLogger } from '../test-support/harness.js';
import { generateTfaConfig, requiresTwoFactor, setTfaConfig, setTwoFactorPolicy } from './two-factor.js';

// Ten seconds into a 30-second step, fixed: only `advance` moves time.
const BASE_MS = Date.UTC(2026, 11, 3, 12, 0, 10);

function setup(env: Record<string, string> = {}) {
  const db = openPanelDatabase(':memory:');
  const clock = createAdjustableClock({ now: () => new Date(BASE_MS) });
  const users = createUserStore(db);
  users.setPassword('root', 'scrypt$x', 'env', new Date(BASE_MS));
  users.setPassword('rita', 'scrypt$y', 'env', new Date(BASE_MS));
  const twoFactor = createTwoFactorStore(db);
  const deps = {
    db,
    clock,
    users,
    twoFactor,
    tfaSealer: createSealer(randomToken(32)),
    loginFailures: createLoginFailureStore(db),
    config: loadPanelConfig({ SANDBOX_STORAGE: 'memory', PANEL_HOSTNAME: 'whm.example.test', ...env }),
    logger: createRecordingLogger(),
    sessions: createSessionManager({ store: createSessionStore(db), sealer: createSealer(randomToken(32)), clock }),
  };
  const { secret } = generateTfaConfig(deps, 'root');
  const code = (offsetSteps = 0) => tfaCodeAt(secret, timeStepAt(clock.now().getTime()) + offsetSteps);
  /** A code typed at the prompt by `username` from `clientIp`. */
  const attempt = (username: string, typed: string, clientIp = '192.0.2.1') => ({ username, code: typed, clientIp });
  return { ...deps, deps, secret, code, attempt };
}

describe('WHM 2FA use cases', () => {
  test('keeps only ciphertext bound to the user: a row copied to another user does not open', () => {
    const { deps, db, secret, code, attempt } = setup();
    assert.deepEqual(setTfaConfig(deps, 'root', { secret, token: code() }), { ok: true });
    const row = db.prepare("SELECT * FROM tfa_user_configs WHERE username = 'root'").get() as Record<string, unknown>;
    assert.match(String(row.secret_sealed), /^v1\./);
    assert.ok(!JSON.stringify(row).includes(secret));
    db.prepare(
      "INSERT INTO tfa_user_configs SELECT 'rita', secret_sealed, 0, configured_at FROM tfa_user_configs",
    ).run();
    assert.throws(() => verifyTfaLoginCode(deps, attempt('rita', code(1))));
  });

  test('the set-up code’s step counts as used, so that code cannot log in afterwards', () => {
    const { deps, secret, code, attempt } = setup();
    assert.deepEqual(setTfaConfig(deps, 'root', { secret, token: code(-1) }), { ok: true });
    assert.deepEqual(verifyTfaLoginCode(deps, attempt('root', code(-1))), { ok: false, error: 'invalid' });
    assert.deepEqual(verifyTfaLoginCode(deps, attempt('root', code(0))), { ok: true });
    assert.deepEqual(verifyTfaLoginCode(deps, attempt('root', code(0))), { ok: false, error: 'invalid' }, 'replay');
    assert.deepEqual(
      verifyTfaLoginCode(deps, attempt('root', code(-1))),
      { ok: false, error: 'invalid' },
      'older step',
    );
  });

  test('refuses a wrong set-up code and a secret that is not base32 of 16–32 characters', () => {
    const { deps, secret, code } = setup();
    assert.deepEqual(setTfaConfig(deps, 'root', { secret, token: code(2) }), {
      ok: false,
      problem: { code: 'invalid_security_code' },
    });
    assert.deepEqual(setTfaConfig(deps, 'root', { secret: 'SHORT', token: code() }), {
      ok: false,
      problem: { code: 'invalid_secret' },
    });
    assert.equal(deps.twoFactor.findUserConfig('root'), undefined);
  });

  test('five wrong codes in a row lock the user for 15 minutes; a valid code before that resets the count', () => {
    const { deps, clock, secret, code, attempt } = setup();
    setTfaConfig(deps, 'root', { secret, token: code(-1) });
    for (let i = 0; i < 4; i += 1)
      assert.deepEqual(verifyTfaLoginCode(deps, attempt('root', '000000')), { ok: false, error: 'invalid' });
    assert.deepEqual(verifyTfaLoginCode(deps, attempt('root', code())), { ok: true });
    for (let i = 0; i < 4; i += 1) verifyTfaLoginCode(deps, attempt('root', '000000'));
    assert.deepEqual(verifyTfaLoginCode(deps, attempt('root', '000000')), {
      ok: false,
      error: 'attempts_exceeded',
      lockSeconds: 900,
    });
    assert.deepEqual(verifyTfaLoginCode(deps, attempt('root', code(1))), {
      ok: false,
      error: 'locked',
      retryAfterSeconds: 900,
    });
    clock.advance(15 * 60_000 - 1000);
    assert.deepEqual(verifyTfaLoginCode(deps, attempt('root', code())), {
      ok: false,
      error: 'locked',
      retryAfterSeconds: 1,
    });
    clock.advance(1000);
    assert.deepEqual(verifyTfaLoginCode(deps, attempt('root', code())), { ok: true });
  });

  test('PANEL_TFA_MAX_FAILURES and PANEL_TFA_LOCK_SECONDS set how many wrong codes lock the user, and for how long', () => {
    const { deps, clock, secret, code, attempt, logger } = setup({
      PANEL_TFA_MAX_FAILURES: '2',
      PANEL_TFA_LOCK_SECONDS: '60',
    });
    setTfaConfig(deps, 'root', { secret, token: code(-1) });
    assert.deepEqual(verifyTfaLoginCode(deps, attempt('root', '000000')), { ok: false, error: 'invalid' });
    assert.deepEqual(verifyTfaLoginCode(deps, attempt('root', '000000')), {
      ok: false,
      error: 'attempts_exceeded',
      lockSeconds: 60,
    });
    assert.deepEqual(verifyTfaLoginCode(deps, attempt('root', code())), {
      ok: false,
      error: 'locked',
      retryAfterSeconds: 60,
    });
    assert.deepEqual(
      logger.lines.filter((l) => l.level === 'warn').map((l) => [l.message, l.fields]),
      [
        ['two-factor: invalid security code', { username: 'root', ip: '192.0.2.1', failures: 1 }],
        ['two-factor: invalid security code', { username: 'root', ip: '192.0.2.1', failures: 2 }],
        ['two-factor: attempts locked', { username: 'root', ip: '192.0.2.1', seconds: 60 }],
        ['two-factor: code refused: the user is locked', { username: 'root', ip: '192.0.2.1', retryAfterSeconds: 60 }],
      ],
    );
    clock.advance(60_000);
    assert.deepEqual(verifyTfaLoginCode(deps, attempt('root', code())), { ok: true });
  });

  test('PANEL_TFA_MAX_FAILURES_PER_IP: wrong codes for any user count against the address, which then waits out the window', () => {
    const { deps, clock, secret, code, attempt, logger } = setup({
      PANEL_TFA_MAX_FAILURES_PER_IP: '3',
      PANEL_LOGIN_FAILURE_WINDOW_SECONDS: '600',
    });
    setTfaConfig(deps, 'root', { secret, token: code(-1) });
    const rita = generateTfaConfig(deps, 'rita').secret;
    const ritaCode = (offset = 0) => tfaCodeAt(rita, timeStepAt(clock.now().getTime()) + offset);
    setTfaConfig(deps, 'rita', { secret: rita, token: ritaCode(-1) });
    const attacker = '198.51.100.7';

    // One wrong code for each user in turn: no user reaches its own limit of five.
    for (const username of ['root', 'rita', 'root']) {
      assert.deepEqual(verifyTfaLoginCode(deps, attempt(username, '000000', attacker)), {
        ok: false,
        error: 'invalid',
      });
      clock.advance(10_000);
    }
    const refused = verifyTfaLoginCode(deps, attempt('rita', ritaCode(), attacker));
    assert.deepEqual(refused, { ok: false, error: 'too_many_failures', retryAfterSeconds: 570 }, 'even a right code');
    assert.deepEqual(logger.lines.at(-1), {
      level: 'warn',
      message: 'two-factor: code refused: too many failed attempts',
      fields: { username: 'rita', ip: attacker, retryAfterSeconds: 570 },
    });
    assert.equal(deps.loginFailures.countFailuresSince('tfa_ip', attacker, 0), 3, 'a refusal is not counted');
    assert.equal(deps.loginFailures.countFailuresSince('ip', attacker, 0), 0, 'apart from wrong passwords');

    assert.deepEqual(verifyTfaLoginCode(deps, attempt('rita', ritaCode(), '192.0.2.1')), { ok: true }, 'other address');
    assert.equal(deps.loginFailures.countFailuresSince('tfa_ip', attacker, 0), 3, 'a success clears nothing');

    clock.advance(570_000); // the first failure leaves the 600-second window
    assert.deepEqual(verifyTfaLoginCode(deps, attempt('root', code(), attacker)), { ok: true });
  });

  test('after a primary login the session stays pre-auth only when the policy is on and the user has a secret', () => {
    const { deps, secret, code } = setup();
    const login = { username: 'root', gotoUri: '/' };
    assert.equal(startSessionAfterPrimaryLogin(deps, undefined, login).username, 'root', 'no secret, no policy');
    setTfaConfig(deps, 'root', { secret, token: code() });
    assert.equal(requiresTwoFactor(deps, 'root'), false, 'policy off');
    assert.equal(startSessionAfterPrimaryLogin(deps, undefined, login).username, 'root');
    setTwoFactorPolicy(deps, true);
    const previous = deps.sessions.startSession(null, {});
    const pending = startSessionAfterPrimaryLogin(deps, previous, login);
    assert.equal(pending.username, null);
    assert.deepEqual(pending.data.pendingTwoFactor, { username: 'root', gotoUri: '/', startedAt: BASE_MS });
    assert.notEqual(pending.id, previous.id);
    assert.equal(deps.sessions.loadSession(previous.id).status, 'expired', 'the previous session is gone');
  });
});
