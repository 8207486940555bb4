import { z } from 'zod';
import { defineApiFunction } from '../api-function.js';

const _subjectParam = z.string().max(255);

export const getUsersAuthnLinkedAccounts = defineApiFunction({
  params: z.object({}),
  run(deps) {
    const username_linked_accounts = deps.links.listAllLinks().map((l) => ({
      username: l.username,
      provider_protocol: 'openid_connect',
      provider_id: l.providerId,
      subject_unique_identifier: l.subject,
      link_time: l.linkTime,
      preferred_username: l.preferredUsername,
    }));
    return { ok: true, data: { username_linked_accounts } };
  },
});
