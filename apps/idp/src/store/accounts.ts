import { domainToASCII } from 'node:url';
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
  /** When the person ticked the Terms of Use box, and which version it named (seeded accounts: none). */
  termsAcceptedAt: Date | undefined;
  termsVersion: string | undefined;
  newsletter: boolean;
  /** Raised by every password change or reset; trust (issue 4) is bound to it. */
  credentialVersion: number;
}

export type NewAccount = Omit<Account, 'termsAcceptedAt' | 'termsVersion' | 'newsletter' | 'credentialVersion'> &
  Partial<Pick<Account, 'termsAcceptedAt' | 'termsVersion' | 'newsletter'>>;

/** What a signup sets; an unverified account's signup data may be replaced by a later signup. */
export type SignupDetails = Pick<
  Account,
  'passwordHash' | 'givenName' | 'familyName' | 'termsAcceptedAt' | 'termsVersion' | 'newsletter'
>;

export type CreateAccountResult = { ok: true; account: Account } | { ok: false; error: 'EMAIL_TAKEN' };

export interface AccountsStore {
  findAccountById(id: string): Account | undefined;
  /** Case-insensitive, on the trimmed address. */
  findAccountByEmail(email: string): Account | undefined;
  createAccount(account: NewAccount): CreateAccountResult;
  /** Only while the address is unverified (nobody has proved they own it); false otherwise. */
  replaceUnverifiedSignup(id: string, details: SignupDetails): boolean;
  markEmailVerified(id: string): void;
  changeName(id: string, givenName: string, familyName: string): void;
  chooseNewsletter(id: string, newsletter: boolean): void;
  /** Sets the hash and raises the credential version (revoking trust); returns the new version. */
  replacePassword(id: string, passwordHash: string): number;
  /**
   * `replacePassword` only while the stored hash is still `expectedHash` (compare-and-set: of
   * concurrent changes proved with the same current password, one wins); false when it is not.
   */
  replacePasswordIfUnchanged(id: string, expectedHash: string, passwordHash: string): boolean;
  /** Revokes all trust without a new password (MFA changes); returns the new version. */
  raiseCredentialVersion(id: string): number;
  /** Oldest first (the admin API's and CLI's listing). */
  listAccounts(): Account[];
  /** A seed file's names and flags, applied again at every start. */
  applySeededProfile(
    id: string,
    profile: Pick<Account, 'givenName' | 'familyName' | 'emailVerified' | 'newsletter'>,
  ): void;
  /**
   * Deletes the account and everything kept for it here (MFA, trust, codes, sessions, tickets) in
   * one transaction; OIDC sessions and tokens are revoked separately. False when there was none.
   */
  eraseAccount(id: string): boolean;
}

/**
 * The form in which emails are compared and kept unique (spec: matched case-insensitively): the
 * local part lower-cased, the domain as its lower-cased ASCII (punycode) form, so `bücher.example`
 * and `xn--bcher-kva.example` are one mailbox. A domain that is not a valid IDN is only lower-cased.
 */
export function normalizeEmail(email: string): string {
  const trimmed = email.trim();
  const at = trimmed.lastIndexOf('@');
  if (at < 0) return trimmed.toLowerCase();
  const domain = trimmed.slice(at + 1);
  return `${trimmed.slice(0, at).toLowerCase()}@${(domainToASCII(domain) || domain).toLowerCase()}`;
}

interface AccountRow {
  id: string;
  email: string;
  email_verified: number;
  given_name: string;
  family_name: string;
  password_hash: string;
  created_at: number;
  terms_accepted_at: number | null;
  terms_version: string | null;
  newsletter: number;
  credential_version: number;
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
    termsAcceptedAt: row.terms_accepted_at === null ? undefined : new Date(row.terms_accepted_at),
    termsVersion: row.terms_version ?? undefined,
    newsletter: row.newsletter === 1,
    credentialVersion: row.credential_version,
  };
}

export function createSqliteAccountsStore(db: Db): AccountsStore {
  const columns = `id, email, email_verified, given_name, family_name, password_hash, created_at,
    terms_accepted_at, terms_version, newsletter, credential_version`;
  const byId = db.prepare<[string], AccountRow>(`SELECT ${columns} FROM accounts WHERE id = ?`);
  const byEmail = db.prepare<[string], AccountRow>(`SELECT ${columns} FROM accounts WHERE email_normalized = ?`);
  const insert = db.prepare(
    `INSERT INTO accounts (id, email, email_normalized, password_hash, given_name, family_name, email_verified,
       created_at, terms_accepted_at, terms_version, newsletter)
     VALUES (@id, @email, @emailNormalized, @passwordHash, @givenName, @familyName, @emailVerified,
       @createdAt, @termsAcceptedAt, @termsVersion, @newsletter)
     ON CONFLICT (email_normalized) DO NOTHING`,
  );
  const replaceSignup = db.prepare(
    `UPDATE accounts SET password_hash = @passwordHash, given_name = @givenName, family_name = @familyName,
       terms_accepted_at = @termsAcceptedAt, terms_version = @termsVersion, newsletter = @newsletter,
       credential_version = credential_version + 1
     WHERE id = @id AND email_verified = 0`,
  );
  const verify = db.prepare('UPDATE accounts SET email_verified = 1 WHERE id = ?');
  const rename = db.prepare('UPDATE accounts SET given_name = ?, family_name = ? WHERE id = ?');
  const newsletter = db.prepare('UPDATE accounts SET newsletter = ? WHERE id = ?');
  const password = db.prepare<[string, string], { credential_version: number }>(
    'UPDATE accounts SET password_hash = ?, credential_version = credential_version + 1 WHERE id = ? RETURNING credential_version',
  );
  const passwordIfUnchanged = db.prepare<[string, string, string]>(
    'UPDATE accounts SET password_hash = ?, credential_version = credential_version + 1 WHERE id = ? AND password_hash = ?',
  );
  const raise = db.prepare<[string], { credential_version: number }>(
    'UPDATE accounts SET credential_version = credential_version + 1 WHERE id = ? RETURNING credential_version',
  );
  const list = db.prepare<[], AccountRow>(`SELECT ${columns} FROM accounts ORDER BY created_at, email_normalized`);
  const profile = db.prepare(
    `UPDATE accounts SET given_name = @givenName, family_name = @familyName, email_verified = @emailVerified,
       newsletter = @newsletter WHERE id = @id`,
  );
  const erase = db.transaction((id: string) => {
    for (const table of ['mfa_factors', 'mfa_enrollment_links', 'mfa_flows', 'trusted_sites', 'account_sessions']) {
      db.prepare(`DELETE FROM ${table} WHERE account_id = ?`).run(id);
    }
    db.prepare('DELETE FROM password_reset_tickets WHERE account_id = ?').run(id);
    db.prepare('DELETE FROM email_codes WHERE account_id = ?').run(id);
    return db.prepare('DELETE FROM accounts WHERE id = ?').run(id).changes === 1;
  });
  const toDb = (d: Partial<Pick<Account, 'termsAcceptedAt' | 'termsVersion' | 'newsletter'>>) => ({
    termsAcceptedAt: d.termsAcceptedAt?.getTime() ?? null,
    termsVersion: d.termsVersion ?? null,
    newsletter: d.newsletter ? 1 : 0,
  });
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
        ...toDb(account),
      });
      if (changes === 0) return { ok: false, error: 'EMAIL_TAKEN' };
      const created = byId.get(account.id);
      if (!created) throw new Error('account vanished after insert');
      return { ok: true, account: toAccount(created) };
    },
    replaceUnverifiedSignup: (id, d) =>
      replaceSignup.run({
        id,
        passwordHash: d.passwordHash,
        givenName: d.givenName,
        familyName: d.familyName,
        ...toDb(d),
      }).changes === 1,
    markEmailVerified: (id) => {
      verify.run(id);
    },
    changeName: (id, givenName, familyName) => {
      rename.run(givenName, familyName, id);
    },
    chooseNewsletter: (id, choice) => {
      newsletter.run(choice ? 1 : 0, id);
    },
    replacePassword: (id, passwordHash) => {
      const row = password.get(passwordHash, id);
      if (!row) throw new Error(`no account ${id}`);
      return row.credential_version;
    },
    replacePasswordIfUnchanged: (id, expectedHash, passwordHash) =>
      passwordIfUnchanged.run(passwordHash, id, expectedHash).changes === 1,
    raiseCredentialVersion: (id) => {
      const row = raise.get(id);
      if (!row) throw new Error(`no account ${id}`);
      return row.credential_version;
    },
    listAccounts: () => list.all().map(toAccount),
    applySeededProfile: (id, p) => {
      profile.run({
        id,
        givenName: p.givenName,
        familyName: p.familyName,
        emailVerified: p.emailVerified ? 1 : 0,
        newsletter: p.newsletter ? 1 : 0,
      });
    },
    eraseAccount: (id) => erase(id),
  };
}
