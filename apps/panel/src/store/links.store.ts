import type { Db } from '@extauth/server-kit/sqlite';

/**
 * Links between an external identity and a local account (spec §11): keyed by (provider, subject),
 * never by email; many-to-many, so one subject may link several accounts and one account several
 * subjects. `preferredUsername` is only a display label.
 */
export interface AuthnLink {
  providerId: string;
  subject: string;
  username: string;
  preferredUsername: string;
  /** Unix seconds, as WHM records it. */
  linkTime: number;
}

export interface LinkStore {
  /** Adds the link, or refreshes its label and time when it already exists. */
  linkIdentity(link: AuthnLink): void;
  findUsernamesLinkedTo(providerId: string, subject: string): string[];
  listLinksOfUser(username: string): AuthnLink[];
  /** Every link, ordered by username, then link time. */
  listAllLinks(): AuthnLink[];
  /** Returns whether a link was removed. */
  unlinkIdentity(providerId: string, subject: string, username: string): boolean;
}

const PROTOCOL = 'openid_connect';

interface LinkRow {
  provider_id: string;
  subject: string;
  username: string;
  preferred_username: string;
  link_time: number;
}

function toLink(r: LinkRow): AuthnLink {
  return {
    providerId: r.provider_id,
    subject: r.subject,
    username: r.username,
    preferredUsername: r.preferred_username,
    linkTime: r.link_time,
  };
}

export function createLinkStore(db: Db): LinkStore {
  const upsert = db.prepare<[string, string, string, string, string, number]>(
    `INSERT INTO authn_links (provider_protocol, provider_id, subject, username, preferred_username, link_time)
     VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (provider_protocol, provider_id, subject, username)
     DO UPDATE SET preferred_username = excluded.preferred_username, link_time = excluded.link_time`,
  );
  const bySubject = db.prepare<[string, string, string], { username: string }>(
    `SELECT username FROM authn_links WHERE provider_protocol = ? AND provider_id = ? AND subject = ?
     ORDER BY username`,
  );
  const byUser = db.prepare<[string], LinkRow>(
    `SELECT provider_id, subject, username, preferred_username, link_time FROM authn_links
     WHERE username = ? ORDER BY link_time, provider_id, subject`,
  );
  const everything = db.prepare<[], LinkRow>(
    `SELECT provider_id, subject, username, preferred_username, link_time FROM authn_links
     WHERE provider_protocol = 'openid_connect' ORDER BY username, link_time, provider_id, subject`,
  );
  const remove = db.prepare<[string, string, string, string]>(
    'DELETE FROM authn_links WHERE provider_protocol = ? AND provider_id = ? AND subject = ? AND username = ?',
  );
  return {
    linkIdentity(link) {
      upsert.run(PROTOCOL, link.providerId, link.subject, link.username, link.preferredUsername, link.linkTime);
    },
    findUsernamesLinkedTo(providerId, subject) {
      return bySubject.all(PROTOCOL, providerId, subject).map((r) => r.username);
    },
    listLinksOfUser: (username) => byUser.all(username).map(toLink),
    listAllLinks: () => everything.all().map(toLink),
    unlinkIdentity(providerId, subject, username) {
      return remove.run(PROTOCOL, providerId, subject, username).changes > 0;
    },
  };
}
