import { createHash, createHmac } from 'node:crypto';
import { constantTimeEqual } from '@extauth/server-kit/crypto';

/** spec: "Trust HOSTNAME for 365 days". */
export const TRUST_TTL_SECONDS = 365 * 24 * 60 * 60;
const COOKIE_PREFIX = 'idp_trust_';

/** What a trust cookie vouches for; every field must match the authorization it is used for. */
export interface TrustClaim {
  /** The server-side record, so the account page can list and revoke it. */
  trustId: string;
  accountId: string;
  clientId: string;
  hostname: string;
  credentialVersion: number;
  expiresAt: number;
}

/** One cookie per (account, client, hostname): its name is a hash of the three, so it says nothing. */
export function trustCookieName(triple: { accountId: string; clientId: string; hostname: string }): string {
  const digest = createHash('sha256')
    .update(JSON.stringify([triple.accountId, triple.clientId, triple.hostname.toLowerCase()]))
    .digest('base64url')
    .slice(0, 22);
  return `${COOKIE_PREFIX}${digest}`;
}

const mac = (key: string, payload: string) => createHmac('sha256', key).update(payload).digest('base64url');

/** `<base64url JSON>.<HMAC-SHA-256>`: readable by nobody but useless to forge. */
export function signTrustClaim(key: string, claim: TrustClaim): string {
  const payload = Buffer.from(JSON.stringify(claim)).toString('base64url');
  return `${payload}.${mac(key, payload)}`;
}

/** The claim when the signature is right and it has not expired; undefined otherwise. */
export function openTrustClaim(key: string, value: string, nowMs: number): TrustClaim | undefined {
  const [payload, signature, extra] = value.split('.');
  if (!payload || !signature || extra !== undefined || !constantTimeEqual(mac(key, payload), signature))
    return undefined;
  let claim: TrustClaim;
  try {
    claim = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as TrustClaim;
  } catch {
    return undefined;
  }
  return typeof claim.expiresAt === 'number' && claim.expiresAt > nowMs ? claim : undefined;
}
