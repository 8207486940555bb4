import { z } from 'zod';
import { createApiToken } from '../../accounts/api-tokens.js';
import { defineApiFunction } from '../api-function.js';

const tokenName = z.object({ token_name: z.string().max(64) });

/** `data.token` is the only time the token is shown; the store keeps its hash. */
export const apiTokenCreate = defineApiFunction({
  params: tokenName,
  run(deps, p, caller) {
    const result = createApiToken(deps, { username: caller.username, name: p.token_name });
    if (!result.ok) return result;
    return { ok: true, data: { token: result.token, name: result.name, create_time: result.createTime } };
  },
});
