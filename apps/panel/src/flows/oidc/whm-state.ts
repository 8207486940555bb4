import { constantTimeEqual } from '@extauth/server-kit/crypto';
import { WHM_SERVICES, type WhmService } from '@extauth/shared/contract';
import { z } from 'zod';

/** Longer `state` values are not ours; refuse them before parsing. */
const MAX_STATE_LENGTH = 2048;

const whmStateSchema = z.object({
  service: z.string(),
  external_validation_token: z.string(),
});

/**
 * WHM's `state` (§5.1): compact JSON, key order fixed, exactly
 * `{"service":"whostmgrd","external_validation_token":"…"}`, sent URL-encoded, not base64.
 */
export function buildWhmState(service: WhmService, externalValidationToken: string): string {
  return JSON.stringify({ service, external_validation_token: externalValidationToken });
}

export type ParsedWhmState = { ok: true; service: string; externalValidationToken: string } | { ok: false };

/** Parses a returned state without throwing: bad JSON, wrong shapes and huge values are `ok: false`. */
export function parseWhmState(raw: string): ParsedWhmState {
  if (raw.length > MAX_STATE_LENGTH) return { ok: false };
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { ok: false };
  }
  const parsed = whmStateSchema.safeParse(json);
  if (!parsed.success) return { ok: false };
  return { ok: true, service: parsed.data.service, externalValidationToken: parsed.data.external_validation_token };
}

/**
 * The service a returned state names, if it is one of cpsrvd's (§3's state-service check runs before
 * the state is validated, so only `service` has to be there).
 */
export function serviceNamedInState(raw: string | undefined): WhmService | undefined {
  if (raw === undefined || raw.length > MAX_STATE_LENGTH) return undefined;
  try {
    const service: unknown = (JSON.parse(raw) as { service?: unknown } | null)?.service;
    return typeof service === 'string' && Object.hasOwn(WHM_SERVICES, service) ? (service as WhmService) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * §5.2 step 4: the returned state must name our service and carry the session's
 * external_validation_token. We also require the exact bytes we sent, since the IdP must echo
 * `state` unchanged and openid-client compares it byte for byte afterwards.
 */
export function stateMatchesSession(raw: string, service: WhmService, externalValidationToken: string): boolean {
  const parsed = parseWhmState(raw);
  if (!parsed.ok || parsed.service !== service) return false;
  if (!constantTimeEqual(parsed.externalValidationToken, externalValidationToken)) return false;
  return raw === buildWhmState(service, externalValidationToken);
}
