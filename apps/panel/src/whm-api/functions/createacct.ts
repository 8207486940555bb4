import { z } from 'zod';
import { createAccount } from '../../accounts/accounts.js';
import { defineApiFunction } from '../api-function.js';
import { usernameParam } from './common.js';

/** A cPanel account: username, password, domain and an optional contact email. */
export const createacct = defineApiFunction({
  params: z.object({
    username: usernameParam,
    password: z.string().max(1024),
    domain: z.string().max(253),
    contactemail: z.string().max(254).optional(),
  }),
  async run(deps, p) {
    const result = await createAccount(deps, {
      username: p.username,
      password: p.password,
      domain: p.domain,
      contactemail: p.contactemail,
    });
    return result.ok ? { ok: true, data: { username: result.username, domain: result.domain } } : result;
  },
});
