/** The 2FA issuer rules of WHM's Settings tab and `twofactorauth_set_issuer` (spec §8, §10). */
export const TFA_ISSUER_MAX_LENGTH = 32;
const ISSUER_FORMAT = /^[ a-zA-Z0-9._-]*$/;

export type IssuerInput = { ok: true; issuer: string } | { ok: false };

/**
 * Surrounding quotes are stripped (WHM does so for its own config values), then the issuer must be
 * at most 32 characters of letters, digits, space, `.`, `_` and `-`. An empty issuer clears the
 * setting, so the hostname is used again.
 */
export function parseTfaIssuer(input: string): IssuerInput {
  const trimmed = input.trim();
  const unquoted = /^(["'])(.*)\1$/s.exec(trimmed)?.[2] ?? trimmed;
  if (unquoted.length > TFA_ISSUER_MAX_LENGTH || !ISSUER_FORMAT.test(unquoted)) return { ok: false };
  return { ok: true, issuer: unquoted.trim() };
}

/** §10: the user's own (reseller) value → the owner's value → `system_wide_issuer` → the hostname. */
export function resolveTfaIssuer(chain: {
  own?: string | undefined;
  owner?: string | undefined;
  systemWide?: string | undefined;
  hostname: string;
}): string {
  return chain.own || chain.owner || chain.systemWide || chain.hostname;
}
