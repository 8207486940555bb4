import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { seedFileSchema, seedJsonSchema } from './seed.js';

describe('seed file schema', () => {
  test('the committed seed.schema.json is current (regenerate: pnpm --filter @extauth/shared seed-schema)', () => {
    const committed = fs.readFileSync(path.resolve(import.meta.dirname, '..', 'seed.schema.json'), 'utf8');
    // Compared as JSON: the formatter (biome) may lay the file out differently.
    assert.deepEqual(JSON.parse(committed), seedJsonSchema());
  });

  test('fills defaults: verified accounts, confidential clients by their secret, empty panel lists', () => {
    const seed = seedFileSchema.parse({
      idp: {
        accounts: [{ email: 'ana@example.com', password: 'a-long-password' }],
        clients: [{ client_id: 'rp', redirect_uris: ['http://localhost:3000/cb'] }],
      },
    });
    assert.equal(seed.idp.accounts[0]?.verified, true);
    assert.equal(seed.idp.accounts[0]?.newsletter, false);
    assert.deepEqual(seed.idp.clients[0]?.grant_types, ['authorization_code', 'refresh_token']);
    assert.deepEqual(seed.panel, { resellers: [], links: [] });
  });

  test('names each bad field by its path', () => {
    const result = seedFileSchema.safeParse({
      idp: {
        accounts: [{ email: 'not-an-email', password: 'short', recoveryCode: 'ABCDE-FGHIJ-KLMNO-PQRST-UVWXY' }],
        clients: [
          {
            client_id: 'x',
            client_secret: 'long-enough-secret-1',
            token_endpoint_auth_method: 'none',
            redirect_uris: ['x'],
          },
        ],
      },
      panel: { links: [{ username: 'root' }], unknown: 1 },
    });
    assert.equal(result.success, false);
    const paths = result.error.issues.map((i) => i.path.join('.')).sort();
    assert.deepEqual(paths, [
      'idp.accounts.0.email',
      'idp.accounts.0.password',
      'idp.accounts.0.recoveryCode',
      'idp.clients.0.client_secret',
      'idp.clients.0.redirect_uris.0',
      'panel',
      'panel.links.0.subject',
    ]);
  });

  test('refuses control characters and bidi overrides in names, as the signup form does', () => {
    const result = seedFileSchema.safeParse({
      idp: {
        accounts: [
          { email: 'ana@example.com', password: 'a-long-password', givenName: 'Ana\u0000', familyName: 'x\u202Eyz' },
        ],
        clients: [{ client_id: 'rp', client_name: 'RP\r\nInjected', redirect_uris: ['http://localhost:3000/cb'] }],
      },
      panel: { links: [{ username: 'root', subject: 'sub-1', preferred_username: 'ana\u2066' }] },
    });
    assert.equal(result.success, false);
    assert.deepEqual(result.error.issues.map((i) => i.path.join('.')).sort(), [
      'idp.accounts.0.familyName',
      'idp.accounts.0.givenName',
      'idp.clients.0.client_name',
      'panel.links.0.preferred_username',
    ]);
    assert.match(result.error.issues[0]?.message ?? '', /control characters/);
  });

  test('accepts a TOTP secret and a recovery code with separators', () => {
    const result = seedFileSchema.safeParse({
      idp: {
        accounts: [
          {
            email: 'mfa@example.com',
            password: 'a-long-password',
            totpSecret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
            recoveryCode: 'abcde-fghij klmno-pqrst-uvwxy',
          },
        ],
      },
    });
    assert.equal(result.success, true, JSON.stringify(result.error?.issues));
  });
});
