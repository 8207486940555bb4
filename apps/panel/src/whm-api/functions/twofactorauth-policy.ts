import { z } from 'zod';
import { isTwoFactorPolicyEnabled, setTwoFactorPolicy } from '../../accounts/two-factor.js';
import { defineApiFunction } from '../api-function.js';

/** §8: `twofactorauth_policy_status` → `{ is_enabled }`. */
export const twofactorauthPolicyStatus = defineApiFunction({
  params: z.object({}),
  run: (deps) => ({ ok: true, data: { is_enabled: isTwoFactorPolicyEnabled(deps) ? 1 : 0 } }),
});

/** §8: no `data`; the reason on failure is "Failed to enable the Two-Factor Authentication security policy." */
export const twofactorauthEnablePolicy = defineApiFunction({
  params: z.object({}),
  run: (deps) => setTwoFactorPolicy(deps, true),
});

export const twofactorauthDisablePolicy = defineApiFunction({
  params: z.object({}),
  run: (deps) => setTwoFactorPolicy(deps, false),
});
