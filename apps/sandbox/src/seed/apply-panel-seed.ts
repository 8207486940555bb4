import { createHttpClient, type HttpResponse } from '@extauth/server-kit/http-client';
import { WEBPROS_PROVIDER_ID } from '@extauth/shared/contract';
import type { PanelSeed } from '@extauth/shared/seed';

/** A panel seed step the panel refused (its WHM API reason), after the panel had started. */
export class PanelSeedError extends Error {
  constructor(readonly problems: string[]) {
    super(`the panel refused part of the seed:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'PanelSeedError';
  }
}

/**
 * The panel refused root's credentials (403 wrong password, 429 locked out). Seeding stops at the
 * first such answer: every further call would be one more failed login towards root's lockout
 * (10 failures lock root for 15 minutes, after which even the right password gets 429).
 */
export class PanelAuthError extends Error {
  constructor(
    readonly status: number,
    readonly retryAfterSeconds: number | undefined,
  ) {
    super(
      status === 429
        ? `the panel locked root out after too many wrong passwords${retryAfterSeconds === undefined ? '' : ` (for ${retryAfterSeconds} s more)`}: no WHM API call was made`
        : `the panel refused root's password (HTTP ${status}): no further WHM API call was made`,
    );
    this.name = 'PanelAuthError';
  }
}

/** WHM API answers that refuse the caller rather than the call. */
const isAuthRefusal = (status: number) => status === 401 || status === 403 || status === 429;

const basicRoot = (password: string) => `Basic ${Buffer.from(`root:${password}`).toString('base64')}`;

function authErrorOf(res: Pick<HttpResponse, 'status' | 'headers'>) {
  const retryAfter = Number(res.headers.get('retry-after'));
  return new PanelAuthError(res.status, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined);
}

/**
 * One cheap, read-only WHM API call as root with this password: does the running panel take it?
 * `refused` costs one failed login; `locked` means no password is tried until the lockout ends.
 */
export async function checkRootPassword(options: {
  panelUrl: string;
  ca: string;
  rootPassword: string;
}): Promise<{ ok: true } | { ok: false; error: PanelAuthError }> {
  const http = createHttpClient({ ca: options.ca, userAgent: 'extauth-sandbox-seed' });
  try {
    const res = await http.get(`${options.panelUrl}/json-api/get_available_authentication_providers?api.version=1`, {
      authorization: basicRoot(options.rootPassword),
      accept: 'application/json',
    });
    if (isAuthRefusal(res.status)) return { ok: false, error: authErrorOf(res) };
    return { ok: true };
  } finally {
    await http.close();
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
 * idempotent on the panel's side, so a restart changes nothing. The first call the panel refuses
 * for root's credentials throws PanelAuthError and nothing more is sent.
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
  const authorization = basicRoot(options.rootPassword);
  const problems: string[] = [];
  let calls = 0;
  const call = async (fn: string, params: Record<string, string>, where: string) => {
    calls += 1;
    const res = await http.request('POST', `${options.panelUrl}/json-api/${fn}?api.version=1`, {
      body: new URLSearchParams(params),
      headers: { authorization, accept: 'application/json' },
    });
    if (isAuthRefusal(res.status)) throw authErrorOf(res);
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
