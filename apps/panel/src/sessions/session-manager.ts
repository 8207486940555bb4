import { randomInt } from 'node:crypto';
import type { Clock } from '@extauth/server-kit/clock';
import { randomToken, type Sealer, sha256Hex } from '@extauth/server-kit/crypto';
import type { SessionStore } from '../store/sessions.store.js';
import { type SessionData, sessionDataSchema } from './session-data.js';

/**
 * Idle timeouts (the session ends after this long without a request). WHM does not document them
 * for this flow (spec §13.9): pre-auth sessions follow the 15-minute idle rule of WHM's temporary
 * SSO sessions; authenticated sessions get one hour, a common WHM "session idle time" setting.
 * There is no absolute lifetime yet: a busy session lives as long as it is used.
 */
export const PRE_AUTH_IDLE_TIMEOUT_MS = 15 * 60_000;
export const AUTHENTICATED_IDLE_TIMEOUT_MS = 60 * 60_000;
/** Requests closer together than this do not rewrite the row just to slide the expiry. */
const TOUCH_INTERVAL_MS = 60_000;

/** A live session. `id` is the cookie value: it exists only in memory; the store keeps its hash. */
export interface Session {
  readonly id: string;
  readonly idHash: string;
  /** The 10 digits of the `/cpsessNNNNNNNNNN/` URL prefix. */
  readonly securityToken: string;
  /** null while pre-auth (`needs_auth`). */
  readonly username: string | null;
  data: SessionData;
}

export type SessionLookup =
  | { status: 'none' }
  | { status: 'malformed' }
  | { status: 'expired' }
  | { status: 'active'; session: Session };

const COOKIE_VALUE = /^[A-Za-z0-9_-]{43}$/;

function newSecurityToken(): string {
  return randomInt(0, 10_000_000_000).toString().padStart(10, '0');
}

export function createSessionManager(deps: { store: SessionStore; sealer: Sealer; clock: Clock }) {
  const { store, sealer, clock } = deps;
  const idleTimeout = (username: string | null) =>
    username === null ? PRE_AUTH_IDLE_TIMEOUT_MS : AUTHENTICATED_IDLE_TIMEOUT_MS;
  // The row's hash is the associated data, so sealed data cannot be moved to another session.
  const seal = (idHash: string, data: SessionData) => sealer.seal(JSON.stringify(data), idHash);

  function open(idHash: string, sealed: string): SessionData | undefined {
    try {
      const parsed = sessionDataSchema.safeParse(JSON.parse(sealer.open(sealed, idHash)));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }

  return {
    /** A new session with a fresh id and security token (expired ones go with the row sweeper). */
    startSession(username: string | null, data: SessionData): Session {
      const now = clock.now().getTime();
      const id = randomToken(32);
      const session: Session = { id, idHash: sha256Hex(id), securityToken: newSecurityToken(), username, data };
      store.insertSession({
        idHash: session.idHash,
        securityToken: session.securityToken,
        username,
        sealedData: seal(session.idHash, data),
        createdAt: now,
        lastSeenAt: now,
        expiresAt: now + idleTimeout(username),
      });
      return session;
    },

    /** Finds the cookie's session and slides its idle expiry. */
    loadSession(cookieValue: string | undefined): SessionLookup {
      if (cookieValue === undefined) return { status: 'none' };
      if (!COOKIE_VALUE.test(cookieValue)) return { status: 'malformed' };
      const now = clock.now().getTime();
      const idHash = sha256Hex(cookieValue);
      const record = store.findLiveSession(idHash, now);
      if (!record) return { status: 'expired' };
      const data = open(idHash, record.sealedData);
      if (!data) {
        store.destroySession(idHash);
        return { status: 'malformed' };
      }
      if (now - record.lastSeenAt >= TOUCH_INTERVAL_MS) {
        store.extendSession(idHash, now, now + idleTimeout(record.username));
      }
      const session: Session = {
        id: cookieValue,
        idHash,
        securityToken: record.securityToken,
        username: record.username,
        data,
      };
      return { status: 'active', session };
    },

    saveSession(session: Session): void {
      const now = clock.now().getTime();
      store.saveSessionData(
        session.idHash,
        seal(session.idHash, session.data),
        now,
        now + idleTimeout(session.username),
      );
    },

    destroySession(session: Session): void {
      store.destroySession(session.idHash);
    },

    /** Ends every session of a user, in every browser; returns how many ended. */
    destroySessionsOfUser(username: string): number {
      return store.destroySessionsOfUser(username);
    },
  };
}

export type SessionManager = ReturnType<typeof createSessionManager>;
