import type { Clock } from '@extauth/server-kit/clock';
import type { ExternalAuthProblem } from '@extauth/shared/external-auth-texts';
import type { ProviderRegistry } from '../providers/provider-state.js';
import type { AuthnLink, LinkStore } from '../store/links.store.js';
import type { UserStore } from '../store/users.store.js';

/**
 * Adding and removing links between an external identity and a local account (spec §5.4, §6.3,
 * §8): the one place that applies the rules, for the login path, the users tab and the API.
 * Links are keyed by (provider, subject), never by email.
 */
export interface LinkDeps {
  providers: ProviderRegistry;
  links: LinkStore;
  users: UserStore;
  clock: Clock;
}

export type LinkResult<T extends object = object> = ({ ok: true } & T) | { ok: false; problem: ExternalAuthProblem };

const MAX_SUBJECT_LENGTH = 255;

export function linkIdentity(
  deps: LinkDeps,
  input: { username: string; providerId: string; subject: string; preferredUsername: string },
): LinkResult<{ link: AuthnLink }> {
  const provider = deps.providers.findProvider(input.providerId);
  if (!provider?.available) return { ok: false, problem: { code: 'unknown_provider', providerId: input.providerId } };
  if (!deps.users.findUser(input.username)) {
    return { ok: false, problem: { code: 'no_access_to_user', username: input.username } };
  }
  if (!input.subject || input.subject.length > MAX_SUBJECT_LENGTH || /[\r\n]/.test(input.subject)) {
    return { ok: false, problem: { code: 'invalid_parameter', name: 'subject_unique_identifier' } };
  }
  // §5.4 step 4: no line breaks or "/" in the label.
  if (!input.preferredUsername || /[\r\n/]/.test(input.preferredUsername) || input.preferredUsername.length > 255) {
    return { ok: false, problem: { code: 'invalid_preferred_username' } };
  }
  if (provider.enabledServices.size === 0) {
    return { ok: false, problem: { code: 'not_enabled_anywhere', provider: provider.displayName } };
  }
  const link: AuthnLink = {
    providerId: provider.id,
    subject: input.subject,
    username: input.username,
    preferredUsername: input.preferredUsername,
    linkTime: Math.floor(deps.clock.now().getTime() / 1000),
  };
  deps.links.linkIdentity(link);
  return { ok: true, link };
}

/** Works for an unavailable provider too: its links stay and remain removable (§7). */
export function unlinkIdentity(
  deps: LinkDeps,
  input: { username: string; providerId: string; subject: string },
): LinkResult<{ link: AuthnLink }> {
  if (!deps.providers.findProvider(input.providerId)) {
    return { ok: false, problem: { code: 'unknown_provider', providerId: input.providerId } };
  }
  if (!deps.users.findUser(input.username)) {
    return { ok: false, problem: { code: 'no_access_to_user', username: input.username } };
  }
  const link = deps.links
    .listLinksOfUser(input.username)
    .find((l) => l.providerId === input.providerId && l.subject === input.subject);
  if (!link || !deps.links.unlinkIdentity(input.providerId, input.subject, input.username)) {
    return { ok: false, problem: { code: 'invalid_subject' } };
  }
  return { ok: true, link };
}
