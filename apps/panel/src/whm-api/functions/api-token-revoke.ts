import { z } from 'zod';
import { revokeApiToken } from '../../accounts/api-tokens.js';
import { defineApiFunction } from '../api-function.js';

const tokenName = z.object({ token_name: z.string().max(64) });

export const apiTokenRevoke = defineApiFunction({
  params: tokenName,
  run(deps, p, caller) {
    const result = revokeApiToken(deps, { username: caller.username, name: p.token_name });
    return result.ok ? { ok: true } : result;
  },
});
