import { Agent, fetch as undiciFetch } from 'undici';
import { MailTimeoutError, type WaitOptions } from './mail.js';

/** An answer of the admin API other than 2xx: its status and OAuth-style error. */
export class AdminApiError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    description: string,
  ) {
    super(`admin API ${status} ${error}: ${description}`);
    this.name = 'AdminApiError';
  }
}

export interface AdminAccount {
  sub: string;
  email: string;
  givenName: string;
  familyName: string;
  verified: boolean;
  newsletter: boolean;
  mfa: 'off' | 'enrolling' | 'active';
  hasRecoveryCode: boolean;
  createdAt: string;
}

export interface NewAccount {
  email: string;
  /** Left out: one is generated and returned once. */
  password?: string;
  givenName?: string;
  familyName?: string;
  verified?: boolean;
  newsletter?: boolean;
  totpSecret?: string;
  recoveryCode?: string;
}

export interface MfaSecrets {
  totpSecret: string;
  recoveryCode: string;
  otpauthUri: string;
}

export interface NewClient {
  client_id: string;
  client_secret?: string;
  client_name?: string;
  redirect_uris: string[];
  post_logout_redirect_uris?: string[];
  grant_types?: ('authorization_code' | 'refresh_token')[];
  token_endpoint_auth_method?: 'client_secret_basic' | 'client_secret_post' | 'none';
  pkce_required?: boolean;
}

export interface OutboxMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  sentAt: string;
}

export interface Fault {
  endpoint: 'token' | 'userinfo';
  times?: number;
  delayMs?: number;
  respond?: { status?: number; error?: string; error_description?: string };
  idToken?: 'expired' | 'wrong_iss' | 'wrong_aud' | 'bad_signature';
}

/**
 * The IdP admin API (apps/idp/ADMIN-API.md) as typed calls. `issuer` is the IdP's issuer, `token`
 * its IDP_ADMIN_TOKEN, `ca` the sandbox CA's PEM.
 */
export function createAdminClient(options: { issuer: string; token: string; ca: string }) {
  const dispatcher = new Agent({ connect: { ca: options.ca } });
  const base = `${options.issuer.replace(/\/$/, '')}/admin`;
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await undiciFetch(`${base}${path}`, {
      method,
      dispatcher,
      headers: {
        authorization: `Bearer ${options.token}`,
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    let json: Record<string, unknown> = {};
    try {
      json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      // Not the admin API (a proxy's page, another program on the port): say so, with the status.
      throw new AdminApiError(res.status, 'not_json', `the answer of ${base}${path} is not JSON`);
    }
    if (!res.ok) throw new AdminApiError(res.status, String(json.error), String(json.error_description));
    return json as T;
  }
  const account = (email: string) => `/accounts/${encodeURIComponent(email)}`;
  return {
    createAccount: (input: NewAccount) =>
      call<{ account: AdminAccount; password?: string }>('POST', '/accounts', input),
    /** Undefined when no account has this email. */
    getAccount: async (email: string) => {
      try {
        return (await call<{ account: AdminAccount }>('GET', account(email))).account;
      } catch (err) {
        if (err instanceof AdminApiError && err.status === 404) return undefined;
        throw err;
      }
    },
    listAccounts: async () => (await call<{ accounts: AdminAccount[] }>('GET', '/accounts')).accounts,
    deleteAccount: (email: string) => call<void>('DELETE', account(email)),
    setMfa: (email: string, input: { totpSecret?: string; recoveryCode?: string } = {}) =>
      call<MfaSecrets>('PUT', `${account(email)}/mfa`, input),
    clearMfa: (email: string) => call<void>('DELETE', `${account(email)}/mfa`),
    revokeAccess: (email: string) =>
      call<{ accountSessions: number; oidcArtefacts: number }>('POST', `${account(email)}/revoke`, {}),
    addClient: (client: NewClient) => call<{ client: Record<string, unknown> }>('POST', '/clients', client),
    listClients: async () =>
      (await call<{ clients: (Record<string, unknown> & { client_id: string })[] }>('GET', '/clients')).clients,
    removeClient: (clientId: string) => call<void>('DELETE', `/clients/${encodeURIComponent(clientId)}`),
    rotateSigningKey: (graceSeconds?: number) =>
      call<{ kid: string; retireAfter: string }>(
        'POST',
        '/signing-keys/rotate',
        graceSeconds === undefined ? {} : { graceSeconds },
      ),
    /** `removedAccounts`: accounts added since the start (or the last reset) that are gone. */
    reset: () => call<{ accounts: number; clients: number; removedAccounts: number }>('POST', '/reset', {}),
    /** The `idp` part of a seed file (accounts upserted by email, clients by client_id). */
    applySeed: (idp: { accounts?: unknown[]; clients?: unknown[] }) =>
      call<{ accounts: { email: string; sub: string; outcome: string }[]; clients: string[] }>('POST', '/seed', idp),
    /** Newest first. */
    outbox: async (to: string, limit = 10) =>
      (await call<{ messages: OutboxMessage[] }>('GET', `/outbox?to=${encodeURIComponent(to)}&limit=${limit}`))
        .messages,
    clock: () => call<{ now: string; offsetSeconds: number }>('GET', '/clock'),
    moveClock: (move: { advanceSeconds: number } | { set: string } | { reset: true }) =>
      call<{ now: string; offsetSeconds: number }>('POST', '/clock', move),
    addFault: (fault: Fault) => call<{ fault: Fault & { id: number } }>('POST', '/faults', fault),
    clearFaults: () => call<void>('DELETE', '/faults'),
    close: () => dispatcher.close(),
  };
}

export type AdminClient = ReturnType<typeof createAdminClient>;

const CODE = /\b(\d{6})\b/;

/**
 * The IdP's in-memory outbox read through the admin API: the same `waitForCode` as the MailDev
 * mailbox, without a mail catcher.
 */
export function createOutbox(admin: Pick<AdminClient, 'outbox'>) {
  return {
    /** The newest 6-digit code sent to the address (after `since`, if given). */
    async waitForCode(address: string, options: WaitOptions = {}): Promise<string> {
      const timeoutMs = options.timeoutMs ?? 10_000;
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const code = (await admin.outbox(address, 20))
          .filter((m) => !options.since || Date.parse(m.sentAt) >= options.since.getTime() - 1000)
          .filter((m) => !options.subjectIncludes || m.subject.includes(options.subjectIncludes))
          .map((m) => CODE.exec(m.subject)?.[1] ?? CODE.exec(m.text)?.[1])
          .find((c) => c !== undefined);
        if (code) return code;
        if (Date.now() > deadline) throw new MailTimeoutError('code', address, timeoutMs);
        // The IdP sends in the background of the request; a few polls cover it.
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    messages: (address: string, limit?: number) => admin.outbox(address, limit),
  };
}

export type Outbox = ReturnType<typeof createOutbox>;

/** A verified IdP account for a test, through the admin API; `mfa: true` turns on MFA and returns its secrets. */
export async function seedAccount(
  admin: AdminClient,
  input: NewAccount & { mfa?: boolean },
): Promise<{ email: string; password: string; sub: string; totpSecret?: string; recoveryCode?: string }> {
  const { mfa, ...account } = input;
  const created = await admin.createAccount(account);
  const password = input.password ?? created.password;
  if (!password) throw new Error('the admin API returned no password');
  const result = { email: created.account.email, password, sub: created.account.sub };
  if (!mfa) return { ...result, ...pick(input) };
  const secrets = await admin.setMfa(input.email, pick(input));
  return { ...result, totpSecret: secrets.totpSecret, recoveryCode: secrets.recoveryCode };
}

const pick = (input: NewAccount) => ({
  ...(input.totpSecret ? { totpSecret: input.totpSecret } : {}),
  ...(input.recoveryCode ? { recoveryCode: input.recoveryCode } : {}),
});
