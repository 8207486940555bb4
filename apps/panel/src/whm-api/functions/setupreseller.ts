import { z } from 'zod';
import { setupReseller } from '../../accounts/accounts.js';
import { defineApiFunction } from '../api-function.js';
import { usernameParam } from './common.js';

/** Makes an account a reseller, so it may log in to WHM (and link an identity there). */
export const setupreseller = defineApiFunction({
  params: z.object({ user: usernameParam }),
  run(deps, p) {
    const result = setupReseller(deps, p.user);
    return result.ok ? { ok: true } : result;
  },
});
