import { dummyPasswordHash, verifyPassword } from '@extauth/server-kit/passwords';
import { mayUseWhm } from '../../accounts/accounts.js';
import type { PanelDeps } from '../../deps.js';
import type { SessionData } from '../../sessions/session-data.js';
import type { Session } from '../../sessions/session-manager.js';

export type PasswordCheck = { ok: true; username: string } | { ok: false; error: 'invalid_login' };

/**
 * Checks a local password for WHM: only root and resellers may log in here (a plain cPanel account
 * gets the same "invalid login" as a wrong password). Unknown users cost the same scrypt work, so
 * timing does not reveal them.
 */
export async function verifyLocalPassword(
  deps: Pick<PanelDeps, 'users' | 'hashParams'>,
  username: string,
  password: string,
): Promise<PasswordCheck> {
  const user = deps.users.findUser(username);
  const hash = user?.passwordHash ?? (await dummyPasswordHash(deps.hashParams));
  const valid = await verifyPassword(password, hash);
  return user && valid && mayUseWhm(user)
    ? { ok: true, username: user.username }
    : { ok: false, error: 'invalid_login' };
}

/**
 * Logs a user in on a fresh session (new id, new security token), destroying the previous one, so a
 * session id seen before login is worthless after it (session fixation).
 */
export function startLoggedInSession(
  deps: Pick<PanelDeps, 'sessions'>,
  previous: Session | undefined,
  username: string,
  data: SessionData,
): Session {
  if (previous) deps.sessions.destroySession(previous);
  return deps.sessions.startSession(username, data);
}
