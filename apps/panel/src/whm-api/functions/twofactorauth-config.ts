import { z } from 'zod';
import {
  generateTfaConfig,
  listTfaUsers,
  readTfaIssuers,
  removeTfaConfigs,
  saveTfaIssuer,
  setTfaConfig,
} from '../../accounts/two-factor.js';
import { defineApiFunction } from '../api-function.js';
import { usernameParam } from './common.js';

/** §8: `{ <user>: { is_enabled, primary_domain } }` for one user or every account. */
export const twofactorauthGetUserConfigs = defineApiFunction({
  params: z.object({ user: usernameParam.optional() }),
  run(deps, p) {
    const listed = listTfaUsers(deps, p.user);
    if (!listed.ok) return listed;
    const data = Object.fromEntries(
      listed.users.map((u) => [u.username, { is_enabled: u.isEnabled ? 1 : 0, primary_domain: u.primaryDomain }]),
    );
    return { ok: true, data };
  },
});

/** §8: a new secret (16 base32 characters) and its otpauth URI, for the caller. Nothing is stored yet. */
export const twofactorauthGenerateTfaConfig = defineApiFunction({
  params: z.object({}),
  run(deps, _p, caller) {
    const { secret, otpauthUri } = generateTfaConfig(deps, caller.username);
    return { ok: true, data: { secret, otpauth_str: otpauthUri } };
  },
});

/**
 * §8: saves `secret` for the caller when `tfa_token` is a current code for it ("The security code is
 * invalid." otherwise). Like WHM, any valid secret is accepted, not only one from generate_tfa_config.
 */
export const twofactorauthSetTfaConfig = defineApiFunction({
  params: z.object({ secret: z.string().max(128), tfa_token: z.string().max(64) }),
  run(deps, p, caller) {
    const result = setTfaConfig(deps, caller.username, { secret: p.secret, token: p.tfa_token });
    return result.ok ? { ok: true, data: { success: 1 } } : result;
  },
});

/** WHM's repeated-argument convention: `user`, `user-1`, `user-2`, … */
const REPEATED_USER = /^user(-\d{1,4})?$/;

/** §8: `{ failed: { <user>: reason }, users_modified: [ … ] }`. */
export const twofactorauthRemoveUserConfig = defineApiFunction({
  params: z.object({ user: usernameParam }).catchall(z.string().max(64)),
  run(deps, p) {
    const usernames = Object.entries(p)
      .filter(([name]) => REPEATED_USER.test(name))
      .map(([, value]) => String(value));
    const { failed, usersModified } = removeTfaConfigs(deps, usernames);
    return { ok: true, data: { failed, users_modified: usersModified } };
  },
});

/** §8: `{ issuer, system_wide_issuer }`: the caller's effective issuer and the stored system-wide one. */
export const twofactorauthGetIssuer = defineApiFunction({
  params: z.object({}),
  run: (deps, _p, caller) => ({ ok: true, data: readTfaIssuers(deps, caller.username) }),
});

/** §8: ≤ 32 characters of `[ a-zA-Z0-9._-]`, surrounding quotes stripped; absent or empty clears it. */
export const twofactorauthSetIssuer = defineApiFunction({
  params: z.object({ issuer: z.string().max(256).optional() }),
  run(deps, p, caller) {
    const saved = saveTfaIssuer(deps, caller.username, p.issuer ?? '');
    return saved.ok ? { ok: true } : saved;
  },
});
