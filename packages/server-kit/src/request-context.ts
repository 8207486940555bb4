import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';

/**
 * The id of the request being handled, for every log line written while handling it. An
 * AsyncLocalStorage (the one module-level store in the kit) because the lines come from deep inside
 * flows and from oidc-provider's events, none of which is handed the request.
 */
const requestScope = new AsyncLocalStorage<{ requestId: string }>();

/** What we accept from a client's `X-Request-Id` (anything else is replaced by our own id). */
const SAFE_REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

export function isSafeRequestId(value: string | undefined): value is string {
  return value !== undefined && SAFE_REQUEST_ID.test(value);
}

export function newRequestId(): string {
  return randomBytes(9).toString('base64url');
}

export function runWithRequestId<T>(requestId: string, fn: () => T): T {
  return requestScope.run({ requestId }, fn);
}

export function currentRequestId(): string | undefined {
  return requestScope.getStore()?.requestId;
}
