import { openTfaSecret, requiresTwoFactor, type TfaDeps } from '../../accounts/two-factor.js';
import type { PanelDeps } from '../../deps.js';
import { checkTfaCode } from '../../domain/totp.js';
import type { ExternalAuth } from '../../sessions/session-data.js';
import type { Session } from '../../sessions/session-manager.js';
import { blockedUntil } from '../sign-in/password-attempts.js';
import { startLoggedInSession } from '../sign-in/sign-in.js';

export type TfaLoginDeps = TfaDeps & Pick<PanelDeps, 'loginFailures'>;

export type TfaLoginOutcome =
  | { ok: true }
  | { ok: false; error: 'invalid' }
  /** This failure reached PANEL_TFA_MAX_FAILURES in a row: the pre-2FA session ends and the user is locked. */
  | { ok: false; error: 'attempts_exceeded'; lockSeconds: number }
  | { ok: false; error: 'locked'; retryAfterSeconds: number }
  /** The client address reached PANEL_TFA_MAX_FAILURES_PER_IP wrong codes within the window. */
  | { ok: false; error: 'too_many_failures'; retryAfterSeconds: number };

export interface TfaLoginAttempt {
  username: string;
  code: string;
  clientIp: string;
}

/** Seconds until the user may try security codes again, or undefined when not locked. */
export function tfaLockRemainingSeconds(
  deps: Pick<TfaDeps, 'twoFactor' | 'clock'>,
  username: string,
): number | undefined {
  const lockedUntil = deps.twoFactor.findFailure(username)?.lockedUntil ?? 0;
  const remainingMs = lockedUntil - deps.clock.now().getTime();
  return remainingMs > 0 ? Math.ceil(remainingMs / 1000) : undefined;
}

/**
 * TFA_PROMPT → HOME (§10): a code within ±1 step of the panel clock whose step is later than the last
 * one this user used (claimed atomically, so a code works once). PANEL_TFA_MAX_FAILURES wrong codes in
 * a row (WHM: 5) lock the user's attempts for PANEL_TFA_LOCK_SECONDS (WHM: 15 minutes); a valid code
 * resets the count. Like the password limit, wrong codes also count against the client address
 * (PANEL_TFA_MAX_FAILURES_PER_IP within the login window), so one address cannot try codes for many
 * users; while either limit holds the code is not even checked, and the refusal is not counted.
 */
export function verifyTfaLoginCode(deps: TfaLoginDeps, attempt: TfaLoginAttempt): TfaLoginOutcome {
  const { username, clientIp } = attempt;
  const { maxFailures, lockSeconds, maxFailuresPerIp } = deps.config.tfaFailureLimit;
  const nowMs = deps.clock.now().getTime();
  const retryAfterSeconds = tfaLockRemainingSeconds(deps, username);
  if (retryAfterSeconds !== undefined) {
    deps.logger.warn('two-factor: code refused: the user is locked', { username, ip: clientIp, retryAfterSeconds });
    return { ok: false, error: 'locked', retryAfterSeconds };
  }
  const ipFreeAt = blockedUntil(deps, 'tfa_ip', clientIp, maxFailuresPerIp, nowMs);
  if (ipFreeAt !== undefined && ipFreeAt > nowMs) {
    const seconds = Math.max(1, Math.ceil((ipFreeAt - nowMs) / 1000));
    deps.logger.warn('two-factor: code refused: too many failed attempts', {
      username,
      ip: clientIp,
      retryAfterSeconds: seconds,
    });
    return { ok: false, error: 'too_many_failures', retryAfterSeconds: seconds };
  }
  const record = deps.twoFactor.findUserConfig(username);
  const check = record ? checkTfaCode(openTfaSecret(deps, record), attempt.code, nowMs) : { ok: false };
  if (check.ok && 'timeStep' in check && deps.twoFactor.claimTimeStep(username, check.timeStep)) {
    deps.twoFactor.clearFailures(username);
    return { ok: true };
  }
  deps.loginFailures.recordFailure('tfa_ip', clientIp, nowMs);
  const failures = deps.twoFactor.recordFailure(username);
  deps.logger.warn('two-factor: invalid security code', { username, ip: clientIp, failures });
  if (failures < maxFailures) return { ok: false, error: 'invalid' };
  deps.twoFactor.lockUser(username, nowMs + lockSeconds * 1000);
  deps.logger.warn('two-factor: attempts locked', { username, ip: clientIp, seconds: lockSeconds });
  return { ok: false, error: 'attempts_exceeded', lockSeconds };
}

export interface PrimaryLogin {
  username: string;
  gotoUri: string;
  externalAuth?: ExternalAuth | undefined;
}

/**
 * Every primary login (password, WebPros, link-then-password, user selection) ends here: with the
 * 2FA policy on and a secret configured, a fresh pre-auth session waits for the security code
 * (TFA_PROMPT); otherwise a fresh logged-in session. Either way the previous session is destroyed.
 */
export function startSessionAfterPrimaryLogin(
  deps: Pick<PanelDeps, 'sessions' | 'twoFactor' | 'clock'>,
  previous: Session | undefined,
  login: PrimaryLogin,
): Session {
  if (!requiresTwoFactor(deps, login.username)) {
    return startLoggedInSession(
      deps,
      previous,
      login.username,
      login.externalAuth ? { externalAuth: login.externalAuth } : {},
    );
  }
  if (previous) deps.sessions.destroySession(previous);
  return deps.sessions.startSession(null, {
    pendingTwoFactor: {
      username: login.username,
      gotoUri: login.gotoUri,
      ...(login.externalAuth ? { externalAuth: login.externalAuth } : {}),
      startedAt: deps.clock.now().getTime(),
    },
  });
}
