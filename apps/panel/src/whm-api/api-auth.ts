import { WHM_API_TEXTS } from '@extauth/shared/external-auth-texts';
import { isValidApiToken } from '../accounts/api-tokens.js';
import { ROOT_USERNAME } from '../bootstrap/root-password.js';
import type { PanelDeps } from '../deps.js';
import { verifyLocalPassword } from '../flows/sign-in/sign-in.js';

export type ApiAuthentication =
  | { ok: true; username: string }
  | { ok: false; status: 401 | 403; reason: string; challenge: boolean };

const WHM_TOKEN = /^whm\s+([^:\s]+):(\S+)$/i;
const BASIC = /^basic\s+([A-Za-z0-9+/]+={0,2})$/i;

/**
 * Authenticates a WHM API call as cpsrvd does: `Authorization: whm root:TOKEN` with an API token,
 * or HTTP Basic with the account's password. A missing header is 401 (with a Basic challenge);
 * wrong credentials and non-root callers are 403. All functions here need root.
 */
export async function authenticateApiRequest(
  deps: Pick<PanelDeps, 'apiTokens' | 'users' | 'hashParams'>,
  authorization: string | undefined,
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
    const checked = await verifyLocalPassword(deps, decoded.slice(0, colon), decoded.slice(colon + 1));
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
