import type { Db } from '@extauth/server-kit/sqlite';

/** Where a user's current password came from; decides whether a restart may replace it. */
export type PasswordOrigin = 'env' | 'file' | 'memory' | 'api';

export interface PanelUser {
  username: string;
  passwordHash: string;
  passwordOrigin: PasswordOrigin;
  /** The account's main domain (createacct); null for root. */
  domain: string | null;
  contactEmail: string | null;
  /** Set by setupreseller: the account may log in to WHM. */
  reseller: boolean;
}

export type CreateAccountResult = 'created' | 'username_taken' | 'domain_taken';

/** Local WHM accounts. Only hashes are stored; the caller decides how passwords are hashed. */
export interface UserStore {
  findUser(username: string): PanelUser | undefined;
  listUsers(): PanelUser[];
  /** Creates the user or replaces its password hash. */
  setPassword(username: string, passwordHash: string, origin: PasswordOrigin, now: Date): void;
  createAccount(
    account: { username: string; passwordHash: string; domain: string; contactEmail: string | null },
    now: Date,
  ): CreateAccountResult;
  /** Returns whether the user exists. */
  markReseller(username: string, now: Date): boolean;
}

interface UserRow {
  username: string;
  password_hash: string;
  password_origin: PasswordOrigin;
  domain: string | null;
  contact_email: string | null;
  reseller: number;
}

const COLUMNS = 'username, password_hash, password_origin, domain, contact_email, reseller';

function toUser(row: UserRow): PanelUser {
  return {
    username: row.username,
    passwordHash: row.password_hash,
    passwordOrigin: row.password_origin,
    domain: row.domain,
    contactEmail: row.contact_email,
    reseller: row.reseller === 1,
  };
}

export function createUserStore(db: Db): UserStore {
  const find = db.prepare<[string], UserRow>(`SELECT ${COLUMNS} FROM users WHERE username = ?`);
  const all = db.prepare<[], UserRow>(`SELECT ${COLUMNS} FROM users ORDER BY username`);
  const upsert = db.prepare<[string, string, string, number, number]>(
    `INSERT INTO users (username, password_hash, password_origin, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (username) DO UPDATE SET password_hash = excluded.password_hash,
       password_origin = excluded.password_origin, updated_at = excluded.updated_at`,
  );
  const insertAccount = db.prepare<[string, string, string, string | null, number, number]>(
    `INSERT INTO users (username, password_hash, password_origin, domain, contact_email, created_at, updated_at)
     VALUES (?, ?, 'api', ?, ?, ?, ?)`,
  );
  const byDomain = db.prepare<[string], { username: string }>('SELECT username FROM users WHERE domain = ?');
  const reseller = db.prepare<[number, string]>('UPDATE users SET reseller = 1, updated_at = ? WHERE username = ?');
  const createTx = db.transaction(
    (a: { username: string; passwordHash: string; domain: string; contactEmail: string | null }, now: number) => {
      if (find.get(a.username)) return 'username_taken' as const;
      if (byDomain.get(a.domain)) return 'domain_taken' as const;
      insertAccount.run(a.username, a.passwordHash, a.domain, a.contactEmail, now, now);
      return 'created' as const;
    },
  );
  return {
    findUser(username) {
      const row = find.get(username);
      return row && toUser(row);
    },
    listUsers: () => all.all().map(toUser),
    setPassword(username, passwordHash, origin, now) {
      upsert.run(username, passwordHash, origin, now.getTime(), now.getTime());
    },
    createAccount: (account, now) => createTx(account, now.getTime()),
    markReseller: (username, now) => reseller.run(now.getTime(), username).changes > 0,
  };
}
