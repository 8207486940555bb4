import { WHM_API_TEXTS } from '@extauth/shared/external-auth-texts';
import { tooManyLoginFailuresText } from '@extauth/shared/panel-notices';
import { isValidApiToken } from '../accounts/api-tokens.js';
import { ROOT_USERNAME } from '../bootstrap/root-password.js';
import type { PanelDeps } from '../deps.js';
import { verifyPasswordWithinLimits } from '../flows/sign-in/password-attempts.js';

export type ApiAuthentication =
  | { ok: true; username: string }
  | { ok: false; status: 401 | 403; reason: string; challenge: boolean }
  | { ok: false; status: 429; reason: string; challenge: false; retryAfterSeconds: number };

const WHM_TOKEN = /^whm\s+([^:\s]+):(\S+)$/i;
const BASIC = /^basic\s+([A-Za-z0-9+/]+={0,2})$/i;

/**
 * Authenticates a WHM API call as cpsrvd does: `Authorization: whm root:TOKEN` with an API token,
 * or HTTP Basic with the account's password. A missing header is 401 (with a Basic challenge);
 * wrong credentials and non-root callers are 403, and a password past the attempt limit is 429. All
 * functions here need root.
 */
export async function authenticateApiRequest(
  deps: Pick<PanelDeps, 'apiTokens' | 'users' | 'hashParams' | 'loginFailures' | 'clock' | 'logger' | 'config'>,
  authorization: string | undefined,
  clientIp: string,
): Promise<ApiAuthentication> {
  if (!authorization) return { ok: false, status: 401, reason: WHM_API_TEXTS.noCredentials, challenge: true };
  const denied = { ok: false, status: 403, reason: WHM_API_TEXTS.badCredentials, challenge: false } as const;
  let username: string | undefined;
  const token = WHM_TOKEN.exec(authorization.trim());
  if (token?.[1] && token[2]) {
    if (!isValidApiToken(deps, token[1], token[2])) return denied;
    username = token[1];
  }
  const basic = BASIC.exec(authorization.trim());
  if (basic?.[1]) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) return denied;
    const checked = await verifyPasswordWithinLimits(deps, {
      username: decoded.slice(0, colon),
      password: decoded.slice(colon + 1),
      clientIp,
      via: 'json_api',
    });
    if (!checked.ok && checked.error === 'too_many_failures') {
      const { retryAfterSeconds } = checked;
      return {
        ok: false,
        status: 429,
        reason: tooManyLoginFailuresText(retryAfterSeconds),
        challenge: false,
        retryAfterSeconds,
      };
    }
    if (!checked.ok) return denied;
    username = checked.username;
  }
  if (username === undefined) return { ok: false, status: 401, reason: WHM_API_TEXTS.noCredentials, challenge: true };
  return authorizeApiCaller(username);
}

export function authorizeApiCaller(username: string): ApiAuthentication {
  return username === ROOT_USERNAME
    ? { ok: true, username }
    : { ok: false, status: 403, reason: WHM_API_TEXTS.rootOnly, challenge: false };
}
