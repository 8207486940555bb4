import { bodyParser } from '@koa/bodyparser';
import type { Middleware } from 'koa';

/** Our forms are small; anything larger is refused with 413 before it is parsed. */
export const FORM_LIMIT = '32kb';

/** urlencoded bodies only (no JSON), for the IdP's own form routes; oidc-provider parses its own. */
export function formBody(): Middleware {
  return bodyParser({ enableTypes: ['form'], formLimit: FORM_LIMIT });
}
