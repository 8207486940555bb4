import { randomBytes } from 'node:crypto';
import { createHttpClient, type HttpClient, type HttpResponse, parseForms } from '@extauth/server-kit/http-client';
import { createSandbox, type Sandbox, totp } from '@extauth/testkit';
import { CSRF_FIELD, type ParamsTemplate, type Refusal } from './templates.js';

/** The sandbox under test and what the endpoints' set-ups share. */
export interface World {
  sandbox: Sandbox;
  /** A new browser (its own cookie jar), closed with the world. */
  browser(): HttpClient;
  /** A client for set-up calls to the APIs (WHM API, admin API). */
  api: HttpClient;
  /** Origins a redirect may legitimately point to. */
  allowedOrigins: string[];
  /** The fuzz relying party registered at the IdP (confidential, PKCE). */
  rp: { clientId: string; clientSecret: string; redirectUri: string };
  uniqueEmail(label: string): string;
  /** A verified IdP account; `mfa` also gives its TOTP secret and recovery code. */
  newAccount(
    label: string,
    options?: { mfa?: boolean },
  ): Promise<{ email: string; password: string; sub: string; totpSecret?: string; recoveryCode?: string }>;
  /** The current TOTP code of a secret on the sandbox clock (which the fuzz may move). */
  totpNow(secret: string): Promise<string>;
  close(): Promise<void>;
}

export const PASSWORD = 'fuzz-password-0123456789';

export async function createWorld(): Promise<World> {
  const sandbox = await createSandbox({
    env: {
      // Wrong passwords and codes are part of the hostile input; the limits themselves are tested elsewhere.
      IDP_LOGIN_MAX_FAILURES_PER_ACCOUNT: '1000000',
      IDP_LOGIN_MAX_FAILURES_PER_IP: '1000000',
      IDP_CODE_MAX_FAILURES_PER_ADDRESS: '1000000',
      IDP_CODE_MAX_FAILURES_PER_IP: '1000000',
      PANEL_LOGIN_MAX_FAILURES_PER_USER: '1000000',
      PANEL_LOGIN_MAX_FAILURES_PER_IP: '1000000',
      // The WHM Login Security prompt is fuzzed with wrong codes for root (five would lock it for 15 minutes).
      PANEL_TFA_MAX_FAILURES: '1000000',
      PANEL_TFA_MAX_FAILURES_PER_IP: '1000000',
    },
  });
  const admin = sandbox.admin;
  if (!admin) throw new Error('the fuzz needs the admin API');
  const clients: HttpClient[] = [];
  const rp = {
    clientId: 'fuzz-rp',
    clientSecret: randomBytes(24).toString('base64url'),
    redirectUri: 'https://rp.fuzz.test/callback',
  };
  await admin.addClient({
    client_id: rp.clientId,
    client_secret: rp.clientSecret,
    client_name: 'Fuzz RP',
    redirect_uris: [rp.redirectUri],
    post_logout_redirect_uris: ['https://rp.fuzz.test/logged-out'],
    grant_types: ['authorization_code', 'refresh_token'],
  });
  const api = createHttpClient({ ca: sandbox.ca, userAgent: 'extauth-fuzz-setup' });
  clients.push(api);
  let counter = 0;
  const uniqueEmail = (label: string) => {
    counter += 1;
    return `fuzz-${label}-${Date.now().toString(36)}-${counter}@example.com`;
  };
  return {
    sandbox,
    browser: () => {
      const client = createHttpClient({ ca: sandbox.ca, userAgent: 'extauth-fuzz' });
      clients.push(client);
      return client;
    },
    api,
    allowedOrigins: [new URL(sandbox.issuer).origin, new URL(sandbox.panelUrl).origin, 'https://rp.fuzz.test'],
    rp,
    uniqueEmail,
    newAccount: (label, options = {}) =>
      sandbox.seedAccount({ email: uniqueEmail(label), password: PASSWORD, ...(options.mfa ? { mfa: true } : {}) }),
    totpNow: async (secret) => totp(secret, { at: new Date((await admin.clock()).now) }),
    close: async () => {
      await Promise.all(clients.map((c) => c.close()));
      await sandbox.stop();
    },
  };
}

/** Follows redirects from a GET. */
export async function open(client: HttpClient, url: string): Promise<HttpResponse> {
  return client.follow(await client.get(url));
}

/** The form of a page whose action's path ends with `actionPath` (e.g. `/login`). */
export function formOf(res: HttpResponse, actionPath: string | RegExp) {
  const forms = parseForms(res.text, res.url);
  const form = forms.find((f) => {
    const path = new URL(f.action).pathname;
    return typeof actionPath === 'string' ? path.endsWith(actionPath) : actionPath.test(path);
  });
  if (!form) {
    const actions = forms.map((f) => f.action).join(', ');
    throw new Error(
      `no form posting to ${actionPath} on ${res.url} (${res.status}; forms: ${actions}): ${res.text.slice(0, 500)}`,
    );
  }
  return form;
}

/** Every hostile shape a CSRF-protected form of ours must refuse. */
export const FORM_REFUSALS: ReadonlySet<Refusal> = new Set([
  'csrf',
  'shape',
  'utf8',
  'huge',
  'content-type',
  'method',
  'malformed',
]);

/** A form of a page as the valid request: its own fields (CSRF token included) with `values` filled in. */
export function formTemplate(
  res: HttpResponse,
  actionPath: string | RegExp,
  values: Record<string, string>,
  refuses: ReadonlySet<Refusal> = FORM_REFUSALS,
): ParamsTemplate {
  const form = formOf(res, actionPath);
  const fields = { ...form.fields, ...values };
  // The token first, so "without the token" and "the token twice" always find it.
  const params = Object.entries(fields).sort(([a], [b]) => (a === CSRF_FIELD ? -1 : b === CSRF_FIELD ? 1 : 0));
  return { kind: 'params', method: 'POST', url: form.action, location: 'body', params, headers: {}, refuses };
}

/** The location a redirect chain stops at when it reaches `prefix` (not opened). */
export async function followUntil(client: HttpClient, res: HttpResponse, prefix: string): Promise<HttpResponse> {
  return client.follow(res, { stopAt: (u) => u.href.startsWith(prefix) });
}
