import { createHash, generateKeyPair, type JsonWebKey } from 'node:crypto';
import type { Sealer } from '@extauth/server-kit/crypto';
import type { SigningKeyStore } from '../store/signing-keys.js';

export const SIGNING_ALG = 'RS256';
const RSA_MODULUS_BITS = 2048;
const SEAL_CONTEXT = 'signing-key';

export interface SigningJwk extends JsonWebKey {
  kid: string;
  alg: typeof SIGNING_ALG;
  use: 'sig';
  kty: 'RSA';
}

/** RFC 7638 JWK thumbprint of an RSA key: a stable `kid` derived from the public key. */
export function rsaThumbprint(jwk: { e?: string | undefined; n?: string | undefined }): string {
  const canonical = JSON.stringify({ e: jwk.e, kty: 'RSA', n: jwk.n });
  return createHash('sha256').update(canonical).digest('base64url');
}

async function generateSigningJwk(): Promise<SigningJwk> {
  const { privateKey } = await new Promise<{ privateKey: import('node:crypto').KeyObject }>((resolve, reject) => {
    generateKeyPair('rsa', { modulusLength: RSA_MODULUS_BITS }, (err, _pub, priv) =>
      err ? reject(err) : resolve({ privateKey: priv }),
    );
  });
  const jwk = privateKey.export({ format: 'jwk' });
  return { ...jwk, kty: 'RSA', kid: rsaThumbprint(jwk), alg: SIGNING_ALG, use: 'sig' };
}

/**
 * The provider's private signing keys, oldest first. The first start generates one RS256 key and
 * persists it (sealed); later starts reuse it, so ID tokens issued earlier still verify. Two
 * processes racing on a fresh folder both insert and then agree on the same first key.
 */
export interface SigningKeyDeps {
  store: SigningKeyStore;
  sealer: Sealer;
  now: () => Date;
}

export async function loadOrCreateSigningKeys(deps: SigningKeyDeps): Promise<SigningJwk[]> {
  if (deps.store.listSigningKeys().length === 0) await addNewSigningKey(deps);
  return openSigningKeys(deps);
}

async function addNewSigningKey(deps: SigningKeyDeps): Promise<SigningJwk> {
  const jwk = await generateSigningJwk();
  deps.store.addSigningKey({
    kid: jwk.kid,
    alg: SIGNING_ALG,
    sealedPrivateJwk: deps.sealer.seal(JSON.stringify(jwk), `${SEAL_CONTEXT}:${jwk.kid}`),
    createdAt: deps.now(),
  });
  return jwk;
}

/** The stored keys, signing key first, as private JWKs. */
export function openSigningKeys(deps: SigningKeyDeps): SigningJwk[] {
  return deps.store
    .listSigningKeys()
    .map(
      (stored) => JSON.parse(deps.sealer.open(stored.sealedPrivateJwk, `${SEAL_CONTEXT}:${stored.kid}`)) as SigningJwk,
    );
}

/**
 * A new key signs from now on; the keys it replaces stay in the JWKS for `graceSeconds` (tokens
 * they signed still verify), then the sweeper drops them. Returns the new kid and the keys now.
 */
export async function rotateSigningKey(
  deps: SigningKeyDeps,
  graceSeconds: number,
): Promise<{ kid: string; retireAfter: Date; keys: SigningJwk[] }> {
  const jwk = await addNewSigningKey(deps);
  const retireAfter = new Date(deps.now().getTime() + graceSeconds * 1000);
  deps.store.retireSigningKeysExcept(jwk.kid, retireAfter);
  return { kid: jwk.kid, retireAfter, keys: openSigningKeys(deps) };
}
