import { z } from 'zod';
import { linkIdentity } from '../../accounts/authn-links.js';
import { defineApiFunction } from '../api-function.js';
import { providerIdParam, usernameParam } from './common.js';

const subjectParam = z.string().max(255);

export const linkUserAuthnProvider = defineApiFunction({
  params: z.object({
    username: usernameParam,
    provider_id: providerIdParam,
    subject_unique_identifier: subjectParam,
    preferred_username: z.string().max(255),
  }),
  run(deps, p) {
    const result = linkIdentity(deps, {
      username: p.username,
      providerId: p.provider_id,
      subject: p.subject_unique_identifier,
      preferredUsername: p.preferred_username,
    });
    return result.ok ? { ok: true } : result;
  },
});
