import type { Clock } from '@extauth/server-kit/clock';
import { hashPassword, type ScryptParams } from '@extauth/server-kit/passwords';
import type { ExternalAuthProblem } from '@extauth/shared/external-auth-texts';
import { ROOT_USERNAME } from '../bootstrap/root-password.js';
import type { PanelUser, UserStore } from '../store/users.store.js';

/**
 * Panel accounts beyond root: created by WHM API 1 `createacct`, made resellers by
 * `setupreseller`. Only root and resellers may log in to WHM, and so link an identity there
 * (spec §5.2 step 8, §13.11).
 */
export function mayUseWhm(user: Pick<PanelUser, 'username' | 'reseller'> | undefined): boolean {
  return user !== undefined && (user.username === ROOT_USERNAME || user.reseller);
}

export type AccountResult<T extends object = object> = ({ ok: true } & T) | { ok: false; problem: ExternalAuthProblem };

/** cPanel's rule, simplified: a lowercase letter, then up to 15 lowercase letters or digits. */
const USERNAME = /^[a-z][a-z0-9]{0,15}$/;
const RESERVED_USERNAMES = new Set([ROOT_USERNAME, 'all', 'cpanel', 'nobody', 'mysql', 'virtfs', 'test']);
const DOMAIN = /^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,253}$/;
export const MIN_ACCOUNT_PASSWORD_LENGTH = 8;

export interface CreateAccountInput {
  username: string;
  password: string;
  domain: string;
  contactemail: string | undefined;
}

export async function createAccount(
  deps: { users: UserStore; clock: Clock; hashParams: ScryptParams },
  input: CreateAccountInput,
): Promise<AccountResult<{ username: string; domain: string }>> {
  const username = input.username;
  const domain = input.domain.toLowerCase();
  if (!USERNAME.test(username) || RESERVED_USERNAMES.has(username)) {
    return { ok: false, problem: { code: 'invalid_parameter', name: 'username' } };
  }
  if (!DOMAIN.test(domain)) return { ok: false, problem: { code: 'invalid_parameter', name: 'domain' } };
  if (input.password.length < MIN_ACCOUNT_PASSWORD_LENGTH || input.password.length > 1024) {
    return { ok: false, problem: { code: 'invalid_parameter', name: 'password' } };
  }
  if (input.contactemail !== undefined && input.contactemail !== '' && !EMAIL.test(input.contactemail)) {
    return { ok: false, problem: { code: 'invalid_parameter', name: 'contactemail' } };
  }
  const passwordHash = await hashPassword(input.password, deps.hashParams);
  const created = deps.users.createAccount(
    { username, passwordHash, domain, contactEmail: input.contactemail || null },
    deps.clock.now(),
  );
  if (created === 'username_taken') return { ok: false, problem: { code: 'username_taken', username } };
  if (created === 'domain_taken') return { ok: false, problem: { code: 'domain_taken', domain } };
  return { ok: true, username, domain };
}

export function setupReseller(deps: { users: UserStore; clock: Clock }, username: string): AccountResult {
  if (username === ROOT_USERNAME) return { ok: false, problem: { code: 'root_is_not_an_account' } };
  if (!deps.users.markReseller(username, deps.clock.now())) {
    return { ok: false, problem: { code: 'no_access_to_user', username } };
  }
  return { ok: true };
}
