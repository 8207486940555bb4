import type { Clock } from '@extauth/server-kit/clock';
import type { Context } from 'koa';
import { type RandomSource, randomTokenFrom } from '../../domain/random.js';
import { openTrustClaim, signTrustClaim, TRUST_TTL_SECONDS, trustCookieName } from '../../domain/trust.js';
import type { AccountsStore } from '../../store/accounts.js';
import type { TrustedSiteStore } from '../../store/trusted-sites.js';

export interface TrustTriple {
  accountId: string;
  clientId: string;
  /** The host name of this request's redirect_uri. */
  hostname: string;
}

/**
 * "Trust HOSTNAME for 365 days": a server-side record (listed and revocable on the account page)
 * plus a cookie signed with HMAC-SHA-256 (HttpOnly, Secure, SameSite=Lax, 365 days) naming that
 * record and the (account, client, hostname, credential version) it covers. Both must be present
 * and agree, so a revoked record, a raised credential version (password or MFA change) or a cookie
 * presented for anything else is worthless.
 */
export interface TrustCookies {
  rememberTrust(ctx: Context, triple: TrustTriple): void;
  isTrusted(ctx: Pick<Context, 'cookies'>, triple: TrustTriple): boolean;
}

export function createTrustCookies(deps: {
  accounts: AccountsStore;
  trustedSites: TrustedSiteStore;
  key: string;
  clock: Clock;
  random: RandomSource;
}): TrustCookies {
  return {
    rememberTrust: (ctx, triple) => {
      const account = deps.accounts.findAccountById(triple.accountId);
      if (!account) throw new Error(`no account ${triple.accountId}`);
      const now = deps.clock.now().getTime();
      const site = {
        id: randomTokenFrom(deps.random, 16),
        accountId: account.id,
        clientId: triple.clientId,
        hostname: triple.hostname.toLowerCase(),
        credentialVersion: account.credentialVersion,
        createdAt: now,
        expiresAt: now + TRUST_TTL_SECONDS * 1000,
      };
      deps.trustedSites.recordTrust(site);
      const value = signTrustClaim(deps.key, {
        trustId: site.id,
        accountId: site.accountId,
        clientId: site.clientId,
        hostname: site.hostname,
        credentialVersion: site.credentialVersion,
        expiresAt: site.expiresAt,
      });
      ctx.cookies.set(trustCookieName(triple), value, {
        httpOnly: true,
        secure: true,
        sameSite: 'lax',
        path: '/',
        maxAge: TRUST_TTL_SECONDS * 1000,
        signed: false,
        overwrite: true,
      });
    },
    isTrusted: (ctx, triple) => {
      const value = ctx.cookies.get(trustCookieName(triple));
      const now = deps.clock.now().getTime();
      const claim = value ? openTrustClaim(deps.key, value, now) : undefined;
      const account = deps.accounts.findAccountById(triple.accountId);
      const site = claim ? deps.trustedSites.findTrust(claim.trustId, now) : undefined;
      if (!claim || !account || !site) return false;
      const hostname = triple.hostname.toLowerCase();
      // The cookie, the record and this request must all name the same four things.
      return [claim, site].every(
        (t) =>
          t.accountId === account.id &&
          t.clientId === triple.clientId &&
          t.hostname === hostname &&
          t.credentialVersion === account.credentialVersion,
      );
    },
  };
}
