import { AppError } from '@extauth/server-kit/errors';
import { isValidFormEncoding } from '@extauth/server-kit/form-encoding';
import { readBody } from '@extauth/server-kit/request-body';
import { idpMessages } from '@extauth/shared/idp-messages';
import type { Middleware } from 'koa';

/** Our forms are small; anything larger is refused with 413 before it is parsed. */
export const FORM_LIMIT = '32kb';

// Shared with the panel; re-exported so this module's API stays as it was.
export { isValidFormEncoding };

/**
 * urlencoded bodies only (no JSON), for the IdP's own form routes; oidc-provider parses its own.
 * A body that does not decompress is a 400 with a sentence (`readBody`).
 */
export function formBody(): Middleware {
  const parse = readBody({ enableTypes: ['form'], formLimit: FORM_LIMIT });
  return (ctx, next) =>
    parse(ctx, async () => {
      const raw = (ctx.request as { rawBody?: unknown }).rawBody;
      if (typeof raw === 'string' && !isValidFormEncoding(raw)) {
        throw new AppError('form_invalid_utf8', idpMessages.form_invalid_utf8, { status: 400 });
      }
      await next();
    });
}
