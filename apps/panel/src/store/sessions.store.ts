import type { Db } from '@extauth/server-kit/sqlite';

/**
 * Persisted sessions. The store sees only the SHA-256 of the cookie value and sealed data; the
 * session manager owns ids, sealing and timeouts. `username` null marks a pre-auth session
 * (WHM's `needs_auth=1`).
 */
export interface SessionRecord {
  idHash: string;
  securityToken: string;
  username: string | null;
  sealedData: string;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
}

export interface SessionStore {
  insertSession(record: SessionRecord): void;
  /** The session if it exists and has not expired at `nowMs`. */
  findLiveSession(idHash: string, nowMs: number): SessionRecord | undefined;
  saveSessionData(idHash: string, sealedData: string, lastSeenAt: number, expiresAt: number): void;
  extendSession(idHash: string, lastSeenAt: number, expiresAt: number): void;
  destroySession(idHash: string): void;
  /** Ends every session of `username`; returns how many there were. */
  destroySessionsOfUser(username: string): number;
}

interface SessionRow {
  id_hash: string;
  security_token: string;
  username: string | null;
  data: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
}

export function createSessionStore(db: Db): SessionStore {
  const insert = db.prepare<[string, string, string | null, string, number, number, number]>(
    `INSERT INTO sessions (id_hash, security_token, username, data, created_at, last_seen_at, expires_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const find = db.prepare<[string, number], SessionRow>('SELECT * FROM sessions WHERE id_hash = ? AND expires_at > ?');
  const save = db.prepare<[string, number, number, string]>(
    'UPDATE sessions SET data = ?, last_seen_at = ?, expires_at = ? WHERE id_hash = ?',
  );
  const extend = db.prepare<[number, number, string]>(
    'UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE id_hash = ?',
  );
  const destroy = db.prepare<[string]>('DELETE FROM sessions WHERE id_hash = ?');
  const destroyOfUser = db.prepare<[string]>('DELETE FROM sessions WHERE username = ?');
  return {
    insertSession(r) {
      insert.run(r.idHash, r.securityToken, r.username, r.sealedData, r.createdAt, r.lastSeenAt, r.expiresAt);
    },
    findLiveSession(idHash, nowMs) {
      const row = find.get(idHash, nowMs);
      return (
        row && {
          idHash: row.id_hash,
          securityToken: row.security_token,
          username: row.username,
          sealedData: row.data,
          createdAt: row.created_at,
          lastSeenAt: row.last_seen_at,
          expiresAt: row.expires_at,
        }
      );
    },
    saveSessionData(idHash, sealedData, lastSeenAt, expiresAt) {
      save.run(sealedData, lastSeenAt, expiresAt, idHash);
    },
    extendSession(idHash, lastSeenAt, expiresAt) {
      extend.run(lastSeenAt, expiresAt, idHash);
    },
    destroySession(idHash) {
      destroy.run(idHash);
    },
    destroySessionsOfUser(username) {
      return destroyOfUser.run(username).changes;
    },
  };
}
