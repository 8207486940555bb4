import { openTfaSecret, requiresTwoFactor, type TfaDeps } from '../../accounts/two-factor.js';
import type { PanelDeps } from '../../deps.js';
import { checkTfaCode, TFA_LOCK_SECONDS, TFA_MAX_FAILURES } from '../../domain/totp.js';
import type { ExternalAuth } from '../../sessions/session-data.js';
import type { Session } from '../../sessions/session-manager.js';
import { startLoggedInSession } from '../sign-in/sign-in.js';

export type TfaLoginOutcome =
  | { ok: true }
  | { ok: false; error: 'invalid' }
  /** This failure was the fifth in a row: the pre-2FA session ends and the user is locked. */
  | { ok: false; error: 'attempts_exceeded' }
  | { ok: false; error: 'locked'; retryAfterSeconds: number };

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
 * one this user used (claimed atomically, so a code works once). Five wrong codes in a row lock the
 * user's attempts for 15 minutes; a valid code resets the count.
 */
export function verifyTfaLoginCode(deps: TfaDeps, username: string, input: string): TfaLoginOutcome {
  const retryAfterSeconds = tfaLockRemainingSeconds(deps, username);
  if (retryAfterSeconds !== undefined) return { ok: false, error: 'locked', retryAfterSeconds };
  const record = deps.twoFactor.findUserConfig(username);
  const check = record ? checkTfaCode(openTfaSecret(deps, record), input, deps.clock.now().getTime()) : { ok: false };
  if (check.ok && 'timeStep' in check && deps.twoFactor.claimTimeStep(username, check.timeStep)) {
    deps.twoFactor.clearFailures(username);
    return { ok: true };
  }
  const failures = deps.twoFactor.recordFailure(username);
  deps.logger.warn('two-factor: invalid security code', { username, failures });
  if (failures < TFA_MAX_FAILURES) return { ok: false, error: 'invalid' };
  deps.twoFactor.lockUser(username, deps.clock.now().getTime() + TFA_LOCK_SECONDS * 1000);
  deps.logger.warn('two-factor: attempts locked', { username, seconds: TFA_LOCK_SECONDS });
  return { ok: false, error: 'attempts_exceeded' };
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
