import { createHttpClient } from '@extauth/server-kit/http-client';
import { WEBPROS_PROVIDER_ID } from '@extauth/shared/contract';
import type { PanelSeed } from '@extauth/shared/seed';

/** A panel seed step the panel refused (its WHM API reason), after the panel had started. */
export class PanelSeedError extends Error {
  constructor(readonly problems: string[]) {
    super(`the panel refused part of the seed:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'PanelSeedError';
  }
}

interface WhmEnvelope {
  metadata?: { result?: number; reason?: string };
}

/** WHM API 1 reasons that mean the seed's wish holds already (createacct of an existing account). */
const ALREADY_DONE = /already exists/;

/**
 * Applies the panel part of a seed through the panel's own WHM API 1 over HTTPS, as root with HTTP
 * Basic (spec §8): services first (links need WebPros enabled somewhere), then resellers
 * (createacct + setupreseller; "already exists" counts as done), then links. Every call is
 * idempotent on the panel's side, so a restart changes nothing.
 */
export async function applyPanelSeed(options: {
  panelUrl: string;
  ca: string;
  rootPassword: string;
  seed: PanelSeed;
  /** The IdP `sub` of an account, for links given by email. */
  subjectOf: (email: string) => Promise<string | undefined> | string | undefined;
}): Promise<{ calls: number }> {
  const http = createHttpClient({ ca: options.ca, userAgent: 'extauth-sandbox-seed' });
  const authorization = `Basic ${Buffer.from(`root:${options.rootPassword}`).toString('base64')}`;
  const problems: string[] = [];
  let calls = 0;
  const call = async (fn: string, params: Record<string, string>, where: string) => {
    calls += 1;
    const res = await http.request('POST', `${options.panelUrl}/json-api/${fn}?api.version=1`, {
      body: new URLSearchParams(params),
      headers: { authorization, accept: 'application/json' },
    });
    const envelope = (res.text.startsWith('{') ? res.json() : {}) as WhmEnvelope;
    if (res.status === 200 && envelope.metadata?.result === 1) return;
    const reason = envelope.metadata?.reason ?? `HTTP ${res.status}`;
    if (fn === 'createacct' && ALREADY_DONE.test(reason)) return;
    problems.push(`${where}: ${fn} failed: ${reason}`);
  };
  try {
    for (const [service, enabled] of Object.entries(options.seed.services ?? {})) {
      if (enabled === undefined) continue;
      const fn = enabled ? 'enable_authentication_provider' : 'disable_authentication_provider';
      await call(fn, { provider_id: WEBPROS_PROVIDER_ID, service_name: service }, `panel.services.${service}`);
    }
    for (const [i, reseller] of options.seed.resellers.entries()) {
      const where = `panel.resellers[${i}]`;
      const { contactemail, ...account } = reseller;
      await call('createacct', { ...account, ...(contactemail ? { contactemail } : {}) }, where);
      await call('setupreseller', { user: reseller.username }, where);
    }
    for (const [i, link] of options.seed.links.entries()) {
      const where = `panel.links[${i}]`;
      const subject = link.subject ?? (link.email ? await options.subjectOf(link.email) : undefined);
      if (!subject) {
        problems.push(`${where}: no IdP account has the email ${link.email}`);
        continue;
      }
      await call(
        'link_user_authn_provider',
        {
          username: link.username,
          provider_id: WEBPROS_PROVIDER_ID,
          subject_unique_identifier: subject,
          preferred_username: link.preferred_username ?? link.email ?? subject,
        },
        where,
      );
    }
  } finally {
    await http.close();
  }
  if (problems.length > 0) throw new PanelSeedError(problems);
  return { calls };
}
