import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createSealer, randomToken } from '@extauth/server-kit/crypto';
import { openIdpDatabase } from '../store/database.js';
import { createSqliteSigningKeyStore } from '../store/signing-keys.js';
import { loadOrCreateSigningKeys, rsaThumbprint } from './signing-keys.js';

describe('signing keys', () => {
  test('creates one RS256 key on first use, then returns the same key', async () => {
    const db = openIdpDatabase(undefined);
    const deps = {
      store: createSqliteSigningKeyStore(db),
      sealer: createSealer(randomToken(32)),
      now: () => new Date(),
    };
    const [first, ...others] = await loadOrCreateSigningKeys(deps);
    assert.equal(others.length, 0);
    assert.ok(first);
    assert.equal(first.kty, 'RSA');
    assert.equal(first.alg, 'RS256');
    assert.equal(first.use, 'sig');
    assert.equal(first.kid, rsaThumbprint(first));
    assert.ok(first.d, 'the private key, for the provider to sign with');
    assert.deepEqual(await loadOrCreateSigningKeys(deps), [first]);
    const stored = db.prepare('SELECT sealed_private_jwk FROM signing_keys').pluck().get() as string;
    assert.equal(stored.includes(first.d ?? '-'), false, 'the private key is sealed at rest');
    db.close();
  });

  test('computes the RFC 7638 thumbprint', () => {
    // RFC 7638 §3.1 example key and its thumbprint.
    const n =
      '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw';
    assert.equal(rsaThumbprint({ n, e: 'AQAB' }), 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
  });
});
