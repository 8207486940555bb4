import { type Endpoint, expectStatus } from '../support/endpoint.js';
import type { JsonTemplate, ParamsTemplate, Refusal } from '../support/templates.js';
import { PASSWORD, type World } from '../support/world.js';

/** The IdP admin API (apps/idp/ADMIN-API.md): bearer token, strict JSON bodies. */
export function idpAdminEndpoints(world: World): Endpoint[] {
  const base = `${world.sandbox.issuer}/admin`;
  const admin = world.sandbox.admin;
  if (!admin || !world.sandbox.adminToken) throw new Error('the fuzz needs the admin API');
  const headers = { authorization: `Bearer ${world.sandbox.adminToken}`, accept: 'application/json' };
  const strict: Refusal[] = ['auth', 'shape', 'malformed', 'huge'];
  const json = (method: JsonTemplate['method'], path: string, body: Record<string, unknown>): JsonTemplate => ({
    kind: 'json',
    method,
    url: `${base}${path}`,
    body,
    headers,
    // A DELETE's body is never read.
    refuses: new Set(method === 'DELETE' ? ['auth'] : [...strict, 'content-type']),
  });
  const get = (path: string, params: [string, string][] = []): ParamsTemplate => ({
    kind: 'params',
    method: 'GET',
    url: `${base}${path}`,
    location: 'query',
    params,
    headers,
    refuses: new Set(['auth']),
  });
  const account = (email: string) => `/accounts/${encodeURIComponent(email)}`;
  const client = () => world.browser();
  let reader: { email: string } | undefined;
  const readable = async () => {
    reader ??= await world.newAccount('admin-read');
    return reader;
  };

  return [
    {
      name: 'admin POST /admin/accounts',
      prepare: async () => ({
        client: client(),
        template: json('POST', '/accounts', {
          email: world.uniqueEmail('admin'),
          password: PASSWORD,
          givenName: 'Fuzz',
          familyName: 'Admin',
        }),
      }),
      rejectsValid: expectStatus(201),
      freshForValid: true,
    },
    {
      name: 'admin GET /admin/accounts/:email',
      // Its URL also takes DELETE, which a hostile case may send: a new account each time.
      prepare: async () => ({ client: client(), template: get(account((await world.newAccount('admin-read')).email)) }),
      rejectsValid: expectStatus(200),
      statefulAcceptance: true,
    },
    {
      name: 'admin GET /admin/accounts',
      prepare: async () => ({ client: client(), template: get('/accounts') }),
      rejectsValid: expectStatus(200),
    },
    {
      name: 'admin DELETE /admin/accounts/:email',
      prepare: async () => ({
        client: client(),
        template: json('DELETE', account((await world.newAccount('admin-delete')).email), {}),
      }),
      rejectsValid: expectStatus(204),
      freshForValid: true,
      statefulAcceptance: true,
    },
    {
      name: 'admin PUT /admin/accounts/:email/mfa',
      prepare: async () => ({
        client: client(),
        template: json('PUT', `${account((await world.newAccount('admin-mfa')).email)}/mfa`, {
          totpSecret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
          recoveryCode: 'ABCDE-FGHIJ-KLMNO-PQRST-UVWXY',
        }),
      }),
      rejectsValid: expectStatus(200),
    },
    {
      name: 'admin DELETE /admin/accounts/:email/mfa',
      prepare: async () => ({
        client: client(),
        template: json('DELETE', `${account((await world.newAccount('admin-mfa-off', { mfa: true })).email)}/mfa`, {}),
      }),
      rejectsValid: expectStatus(204),
    },
    {
      name: 'admin POST /admin/accounts/:email/revoke',
      prepare: async () => ({
        client: client(),
        template: json('POST', `${account((await readable()).email)}/revoke`, {}),
      }),
      rejectsValid: expectStatus(200),
    },
    {
      name: 'admin POST /admin/clients',
      prepare: async () => ({
        client: client(),
        template: json('POST', '/clients', {
          client_id: `fuzz-client-${Date.now().toString(36)}`,
          client_secret: 'fuzz-client-secret-0123456789',
          redirect_uris: ['https://rp.fuzz.test/other-callback'],
          grant_types: ['authorization_code'],
        }),
      }),
      rejectsValid: expectStatus(200, 201),
    },
    {
      name: 'admin DELETE /admin/clients/:client_id',
      prepare: async () => {
        const clientId = `fuzz-gone-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
        await admin.addClient({ client_id: clientId, redirect_uris: ['https://rp.fuzz.test/gone'] });
        return { client: client(), template: json('DELETE', `/clients/${clientId}`, {}) };
      },
      rejectsValid: expectStatus(204),
      freshForValid: true,
      statefulAcceptance: true,
    },
    {
      name: 'admin POST /admin/signing-keys/rotate',
      prepare: async () => ({
        client: client(),
        template: json('POST', '/signing-keys/rotate', { graceSeconds: 3600 }),
      }),
      rejectsValid: expectStatus(200),
    },
    {
      name: 'admin POST /admin/seed',
      prepare: async () => ({
        client: client(),
        template: json('POST', '/seed', {
          accounts: [{ email: world.uniqueEmail('seeded'), password: PASSWORD, givenName: 'Seed', familyName: 'Fuzz' }],
        }),
      }),
      rejectsValid: expectStatus(200),
    },
    {
      name: 'admin GET /admin/outbox',
      prepare: async () => ({
        client: client(),
        template: {
          ...get('/outbox', [
            ['to', (await readable()).email],
            ['limit', '5'],
          ]),
          refuses: new Set(['auth', 'shape']),
        },
      }),
      rejectsValid: expectStatus(200),
    },
    {
      name: 'admin POST /admin/clock',
      prepare: async () => ({ client: client(), template: json('POST', '/clock', { advanceSeconds: 0 }) }),
      rejectsValid: expectStatus(200),
      // A hostile case that happens to be valid moves the clock; the other endpoints need it back.
      cleanUp: async () => {
        await admin.moveClock({ reset: true });
      },
    },
    {
      name: 'admin POST /admin/faults',
      prepare: async () => ({
        client: client(),
        template: json('POST', '/faults', { endpoint: 'userinfo', times: 1, delayMs: 0 }),
      }),
      rejectsValid: expectStatus(201),
      cleanUp: () => admin.clearFaults(),
    },
    {
      name: 'admin DELETE /admin/faults',
      prepare: async () => ({ client: client(), template: json('DELETE', '/faults', {}) }),
      rejectsValid: expectStatus(204),
    },
  ];
}

/** `POST /admin/reset` puts everything back to the seed, so it runs after every other endpoint. */
export function idpAdminResetEndpoint(world: World): Endpoint {
  return {
    name: 'admin POST /admin/reset',
    prepare: async () => ({
      client: world.browser(),
      template: {
        kind: 'json',
        method: 'POST',
        url: `${world.sandbox.issuer}/admin/reset`,
        body: {},
        headers: { authorization: `Bearer ${world.sandbox.adminToken}`, accept: 'application/json' },
        refuses: new Set(['auth', 'shape', 'malformed', 'huge']),
      },
    }),
    rejectsValid: expectStatus(200),
  };
}
