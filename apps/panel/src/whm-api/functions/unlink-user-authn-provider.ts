import { z } from 'zod';
import { unlinkIdentity } from '../../accounts/authn-links.js';
import { defineApiFunction } from '../api-function.js';
import { providerIdParam, usernameParam } from './common.js';

const subjectParam = z.string().max(255);

export const unlinkUserAuthnProvider = defineApiFunction({
  params: z.object({
    username: usernameParam,
    provider_id: providerIdParam,
    subject_unique_identifier: subjectParam,
  }),
  run(deps, p) {
    const result = unlinkIdentity(deps, {
      username: p.username,
      providerId: p.provider_id,
      subject: p.subject_unique_identifier,
    });
    return result.ok ? { ok: true } : result;
  },
});
