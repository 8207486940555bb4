import type { AdjustableClock } from '@extauth/server-kit/clock';
import type { Sealer } from '@extauth/server-kit/crypto';
import type { Logger } from '@extauth/server-kit/logger';
import type { Provider } from 'oidc-provider';
import { replaceProviderSigningKeys } from '../oidc/keystore-swap.js';
import { openSigningKeys, rotateSigningKey, type SigningJwk } from '../oidc/signing-keys.js';
import type { SigningKeyStore } from '../store/signing-keys.js';
import type { AdminSigningKeys } from './admin.routes.js';

/**
 * Signing keys as the admin API and the sweeper see them: rotation and dropping change the stored
 * keys and then the live provider's keystore, so the JWKS and new ID tokens follow at once. The
 * grace period runs on the sandbox clock (moving it past the grace drops the old key).
 */
export function createSigningKeyControl(deps: {
  store: SigningKeyStore;
  sealer: Sealer;
  clock: AdjustableClock;
  provider: () => Provider;
  logger: Logger;
}): AdminSigningKeys & { current(): SigningJwk[] } {
  const keyDeps = { store: deps.store, sealer: deps.sealer, now: () => deps.clock.now() };
  let current = openSigningKeys(keyDeps);
  const apply = (keys: SigningJwk[]) => {
    replaceProviderSigningKeys(deps.provider(), keys);
    current = keys;
  };
  return {
    current: () => current,
    list: () => {
      const stored = deps.store.listSigningKeys();
      return stored.map((k, i) => ({ kid: k.kid, signing: i === 0, retireAfter: k.retireAfter?.toISOString() }));
    },
    rotate: async (graceSeconds) => {
      const rotated = await rotateSigningKey(keyDeps, graceSeconds);
      apply(rotated.keys);
      deps.logger.info('signing key rotated', { kid: rotated.kid, retireAfter: rotated.retireAfter.toISOString() });
      return { kid: rotated.kid, retireAfter: rotated.retireAfter.toISOString() };
    },
    sweep: () => {
      const dropped = deps.store.dropRetiredSigningKeys(deps.clock.now());
      if (dropped.length > 0) {
        apply(openSigningKeys(keyDeps));
        deps.logger.info('rotated-out signing keys dropped', { kids: dropped });
      }
      return dropped;
    },
  };
}
