const EMAILS_KEYS = ['preferred', 'account', 'business', 'personal'] as const;
const MAX_LENGTH = 255;

/** A label WHM accepts for a link (§5.4 step 4): text without line breaks or `/`. */
function usable(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  if (!trimmed || trimmed.length > MAX_LENGTH || /[\r\n/]/.test(trimmed)) return undefined;
  return trimmed;
}

function fromEmails(emails: unknown): string | undefined {
  if (Array.isArray(emails)) return emails.map(usable).find(Boolean);
  if (emails && typeof emails === 'object') {
    const record = emails as Record<string, unknown>;
    return EMAILS_KEYS.map((key) => usable(record[key])).find(Boolean);
  }
  return undefined;
}

/**
 * The link's display label from the userinfo claims, in WHM's order (§5.4): `email`, `emails`
 * (preferred, account, business, personal), `preferred_username`, `name`, then the subject.
 * Email wins, but it is only a label: links are keyed by subject.
 */
export function choosePreferredUsername(userinfo: Record<string, unknown>, subject: string): string {
  return (
    usable(userinfo.email) ??
    fromEmails(userinfo.emails) ??
    usable(userinfo.preferred_username) ??
    usable(userinfo.name) ??
    subject
  );
}
