import type { Db } from '@extauth/server-kit/sqlite';

export interface Account {
  /** Opaque, random and stable: the `sub` claim. Never the email. */
  id: string;
  /** As entered (trimmed). */
  email: string;
  emailVerified: boolean;
  givenName: string;
  familyName: string;
  passwordHash: string;
  createdAt: Date;
}

export type NewAccount = Omit<Account, 'createdAt'> & { createdAt: Date };

export type CreateAccountResult = { ok: true; account: Account } | { ok: false; error: 'EMAIL_TAKEN' };

export interface AccountsStore {
  findAccountById(id: string): Account | undefined;
  /** Case-insensitive, on the trimmed address. */
  findAccountByEmail(email: string): Account | undefined;
  createAccount(account: NewAccount): CreateAccountResult;
}

/** The form in which emails are compared and kept unique (spec: matched case-insensitively). */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

interface AccountRow {
  id: string;
  email: string;
  email_verified: number;
  given_name: string;
  family_name: string;
  password_hash: string;
  created_at: number;
}

function toAccount(row: AccountRow): Account {
  return {
    id: row.id,
    email: row.email,
    emailVerified: row.email_verified === 1,
    givenName: row.given_name,
    familyName: row.family_name,
    passwordHash: row.password_hash,
    createdAt: new Date(row.created_at),
  };
}

export function createSqliteAccountsStore(db: Db): AccountsStore {
  const columns = 'id, email, email_verified, given_name, family_name, password_hash, created_at';
  const byId = db.prepare<[string], AccountRow>(`SELECT ${columns} FROM accounts WHERE id = ?`);
  const byEmail = db.prepare<[string], AccountRow>(`SELECT ${columns} FROM accounts WHERE email_normalized = ?`);
  const insert = db.prepare(
    `INSERT INTO accounts (id, email, email_normalized, password_hash, given_name, family_name, email_verified, created_at)
     VALUES (@id, @email, @emailNormalized, @passwordHash, @givenName, @familyName, @emailVerified, @createdAt)
     ON CONFLICT (email_normalized) DO NOTHING`,
  );
  return {
    findAccountById: (id) => {
      const row = byId.get(id);
      return row ? toAccount(row) : undefined;
    },
    findAccountByEmail: (email) => {
      const row = byEmail.get(normalizeEmail(email));
      return row ? toAccount(row) : undefined;
    },
    createAccount: (account) => {
      const email = account.email.trim();
      const { changes } = insert.run({
        id: account.id,
        email,
        emailNormalized: normalizeEmail(email),
        passwordHash: account.passwordHash,
        givenName: account.givenName,
        familyName: account.familyName,
        emailVerified: account.emailVerified ? 1 : 0,
        createdAt: account.createdAt.getTime(),
      });
      if (changes === 0) return { ok: false, error: 'EMAIL_TAKEN' };
      return { ok: true, account: { ...account, email } };
    },
  };
}
