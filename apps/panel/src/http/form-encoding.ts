import { AppError } from '@extauth/server-kit/errors';
import { isValidFormEncoding } from '@extauth/server-kit/form-encoding';
import { readBody } from '@extauth/server-kit/request-body';
import { INVALID_UTF8_TEXT } from '@extauth/shared/panel-notices';
import type { Context, Middleware } from 'koa';

/** Which part of the request has percent-encoding that does not decode as UTF-8, if any. */
export function invalidEncodingIn(ctx: Context): 'query' | 'body' | undefined {
  if (!isValidFormEncoding(ctx.querystring)) return 'query';
  const raw = (ctx.request as { rawBody?: unknown }).rawBody;
  if (typeof raw === 'string' && !isValidFormEncoding(raw)) return 'body';
  return undefined;
}

const invalidUtf8 = () => new AppError('form_invalid_utf8', INVALID_UTF8_TEXT, { status: 400 });

/**
 * The panel's urlencoded form parser: refuses a body that is not UTF-8 (qs would keep `%FF` as
 * text), as the IdP's `formBody` does, and a body that does not decompress (400, `readBody`). The
 * WHM API checks with `invalidEncodingIn` itself, to answer in its envelope (whm-api.routes.ts).
 */
export function parseFormBody(options: { limit: '16kb' | '512kb' }): Middleware {
  const parse = readBody({ enableTypes: ['form'], formLimit: options.limit });
  return (ctx, next) =>
    parse(ctx, async () => {
      if (invalidEncodingIn(ctx) === 'body') throw invalidUtf8();
      await next();
    });
}

/** Refuses a query string that is not UTF-8 on every page; `skip` leaves the API to its envelope. */
export function refuseInvalidQueryEncoding(skip: (path: string) => boolean): Middleware {
  return async (ctx, next) => {
    if (!skip(ctx.path) && !isValidFormEncoding(ctx.querystring)) throw invalidUtf8();
    await next();
  };
}
