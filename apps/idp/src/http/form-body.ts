import { AppError } from '@extauth/server-kit/errors';
import { isValidFormEncoding } from '@extauth/server-kit/form-encoding';
import { idpMessages } from '@extauth/shared/idp-messages';
import { bodyParser } from '@koa/bodyparser';
import type { Middleware } from 'koa';

/** Our forms are small; anything larger is refused with 413 before it is parsed. */
export const FORM_LIMIT = '32kb';

// Shared with the panel; re-exported so this module's API stays as it was.
export { isValidFormEncoding };

/** urlencoded bodies only (no JSON), for the IdP's own form routes; oidc-provider parses its own. */
export function formBody(): Middleware {
  const parse = bodyParser({ enableTypes: ['form'], formLimit: FORM_LIMIT });
  return (ctx, next) =>
    parse(ctx, async () => {
      const raw = (ctx.request as { rawBody?: unknown }).rawBody;
      if (typeof raw === 'string' && !isValidFormEncoding(raw)) {
        throw new AppError('form_invalid_utf8', idpMessages.form_invalid_utf8, { status: 400 });
      }
      await next();
    });
}
