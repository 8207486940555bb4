import type { Provider } from 'oidc-provider';
// oidc-provider builds its keystore and published JWKS once, in its constructor, from
// `configuration.jwks` (lib/helpers/initialize_keystore.js, called from lib/provider.js) and keeps
// them in its private per-instance cache (lib/helpers/weak_cache.js); ID tokens and the jwks
// endpoint read them from there on every request. There is no public API to change signing keys at
// runtime, so rotation runs the same initializer again on the live provider. oidc-provider is
// pinned to an exact version (package.json); the rotation test in admin/ fails if this breaks.
import initializeKeystore from 'oidc-provider/lib/helpers/initialize_keystore.js';
import type { SigningJwk } from './signing-keys.js';

/** Replaces the provider's keys: the first signs, all are published in the JWKS. */
export function replaceProviderSigningKeys(provider: Provider, keys: SigningJwk[]): void {
  if (keys.length === 0) throw new Error('at least one signing key is needed');
  initializeKeystore.call(provider, { keys });
}
