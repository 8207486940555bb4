import type { Clock } from '@extauth/server-kit/clock';
import { sha256Hex } from '@extauth/server-kit/crypto';
import { hashPassword, type ScryptParams } from '@extauth/server-kit/passwords';
import { type RandomSource, randomTokenFrom } from '../../domain/random.js';
import { revokeOidcAccessOfAccount } from '../../oidc/adapter.js';
import type { AccountSessionStore } from '../../store/account-sessions.js';
import type { AccountsStore } from '../../store/accounts.js';
import type { OidcModelStore } from '../../store/oidc-models.js';
import type { PasswordResetTicketStore } from '../../store/password-reset-tickets.js';
import type { TrustedSiteStore } from '../../store/trusted-sites.js';

/**
 * Password reset ("Forgot password?"). The code step is the shared email-code page; the states:
 *
 * ```mermaid
 * stateDiagram-v2
 *   [*] --> requesting_code: Forgot password?
 *   requesting_code --> awaiting_code: Email (any address, same answer)
 *   awaiting_code --> awaiting_code: wrong code / Resend code
 *   awaiting_code --> choosing_password: right code (single-use ticket)
 *   choosing_password --> completed: Reset password
 *   completed --> [*]: sessions, grants, tokens and trust revoked; log in again
 * ```
 */
export type PasswordResetState = 'requesting_code' | 'awaiting_code' | 'choosing_password' | 'completed';

/** How long the person has to choose the new password once the code was right. */
export const RESET_TICKET_TTL_SECONDS = 15 * 60;

interface ResetDeps {
  accounts: AccountsStore;
  resetTickets: PasswordResetTicketStore;
  accountSessions: AccountSessionStore;
  oidcModels: OidcModelStore;
  trustedSites: TrustedSiteStore;
  passwordHashing: ScryptParams;
  clock: Clock;
  random: RandomSource;
}

/** awaiting_code → choosing_password: a right code becomes a single-use ticket (only its hash is stored). */
export function allowPasswordChoice(
  deps: Pick<ResetDeps, 'resetTickets' | 'clock' | 'random'>,
  accountId: string,
): string {
  const ticket = randomTokenFrom(deps.random);
  deps.resetTickets.issuePasswordResetTicket({
    tokenHash: sha256Hex(ticket),
    accountId,
    expiresAt: deps.clock.now().getTime() + RESET_TICKET_TTL_SECONDS * 1000,
  });
  return ticket;
}

export function isPasswordChoiceAllowed(deps: Pick<ResetDeps, 'resetTickets' | 'clock'>, ticket: string): boolean {
  return deps.resetTickets.findPasswordResetTicket(sha256Hex(ticket), deps.clock.now().getTime()) !== undefined;
}

export type ResetPasswordResult = { ok: true; accountId: string } | { ok: false; error: 'TICKET_EXPIRED' };

/**
 * choosing_password → completed. The ticket is consumed first (once, even under concurrency).
 * Receiving the code proved the mailbox, so the address counts as verified.
 */
export async function resetPassword(
  deps: ResetDeps,
  input: { ticket: string; password: string },
): Promise<ResetPasswordResult> {
  const passwordHash = await hashPassword(input.password, deps.passwordHashing);
  const consumed = deps.resetTickets.consumePasswordResetTicket(sha256Hex(input.ticket), deps.clock.now().getTime());
  if (!consumed) return { ok: false, error: 'TICKET_EXPIRED' };
  revokeEverything(deps, consumed.accountId, passwordHash);
  deps.accounts.markEmailVerified(consumed.accountId);
  return { ok: true, accountId: consumed.accountId };
}

/**
 * A new password ends every way in that the old one opened: the account pages' sessions (except
 * `keepAccountSessionIdHash`), oidc-provider's sessions, grants and tokens, and, by raising the
 * credential version that trust cookies are bound to (issue 4), every "Trust HOSTNAME" choice.
 */
export function revokeEverything(
  deps: Pick<ResetDeps, 'accounts' | 'accountSessions' | 'oidcModels' | 'trustedSites'>,
  accountId: string,
  newPasswordHash: string,
  keepAccountSessionIdHash?: string,
): void {
  deps.accounts.replacePassword(accountId, newPasswordHash);
  endAccessOfOldPassword(deps, accountId, keepAccountSessionIdHash);
}

/** What `revokeEverything` does once the new hash is stored (with its credential version raised). */
export function endAccessOfOldPassword(
  deps: Pick<ResetDeps, 'accountSessions' | 'oidcModels' | 'trustedSites'>,
  accountId: string,
  keepAccountSessionIdHash?: string,
): void {
  deps.accountSessions.endAccountSessionsOfAccount(accountId, keepAccountSessionIdHash);
  revokeOidcAccessOfAccount(deps.oidcModels, accountId);
  deps.trustedSites.revokeAllTrustOfAccount(accountId);
}
