import assert from 'node:assert/strict';
import { nextTotpStep, type Sandbox, totp } from '@extauth/testkit';

/**
 * Moves the IdP clock to the start of its next TOTP step and returns that moment and its code:
 * TOTP steps are single use, so a test never reuses the step of an earlier code, and it has a
 * whole step (30 s) before the code goes stale.
 */
export async function nextStepCode(sandbox: Sandbox, secret: string): Promise<{ code: string; at: Date }> {
  assert.ok(sandbox.admin, 'the admin API moves the IdP clock');
  const now = new Date((await sandbox.admin.clock()).now);
  const at = nextTotpStep(now);
  await sandbox.admin.moveClock({ set: at.toISOString() });
  return { code: totp(secret, { at }), at };
}
