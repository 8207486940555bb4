import type { Db } from '@extauth/server-kit/sqlite';

/** Where a user's current password came from; decides whether a restart may replace it. */
export type PasswordOrigin = 'env' | 'file' | 'memory';

export interface PanelUser {
  username: string;
  passwordHash: string;
  passwordOrigin: PasswordOrigin;
}

/** Local WHM accounts. Only hashes are stored; the caller decides how passwords are hashed. */
export interface UserStore {
  findUser(username: string): PanelUser | undefined;
  /** Creates the user or replaces its password hash. */
  setPassword(username: string, passwordHash: string, origin: PasswordOrigin, now: Date): void;
}

interface UserRow {
  username: string;
  password_hash: string;
  password_origin: PasswordOrigin;
}

export function createUserStore(db: Db): UserStore {
  const find = db.prepare<[string], UserRow>(
    'SELECT username, password_hash, password_origin FROM users WHERE username = ?',
  );
  const upsert = db.prepare<[string, string, string, number, number]>(
    `INSERT INTO users (username, password_hash, password_origin, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (username) DO UPDATE SET password_hash = excluded.password_hash,
       password_origin = excluded.password_origin, updated_at = excluded.updated_at`,
  );
  return {
    findUser(username) {
      const row = find.get(username);
      return row && { username: row.username, passwordHash: row.password_hash, passwordOrigin: row.password_origin };
    },
    setPassword(username, passwordHash, origin, now) {
      upsert.run(username, passwordHash, origin, now.getTime(), now.getTime());
    },
  };
}
