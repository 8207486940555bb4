import type { Context, Middleware } from 'koa';
import { AppError } from './errors.js';
import type { Logger } from './logger.js';
import { bodyRefusalOf, bodyWasRead } from './request-body.js';

export interface ErrorPage {
  status: number;
  code: string;
  message: string;
}

/**
 * Messages for errors raised by HTTP plumbing (body parser, koa, Node's own parser), never their
 * raw text.
 */
export const PLUMBING_MESSAGES: Readonly<Record<number, { code: string; message: string }>> = {
  400: { code: 'bad_request', message: 'The request could not be read. Check the form and try again.' },
  403: { code: 'forbidden', message: 'This request is not allowed.' },
  404: { code: 'not_found', message: 'The page you asked for does not exist.' },
  405: { code: 'method_not_allowed', message: 'This method is not allowed here.' },
  408: { code: 'request_timeout', message: 'The request took too long to arrive.' },
  413: { code: 'payload_too_large', message: 'The request is too large.' },
  415: { code: 'unsupported_media_type', message: 'This content type is not accepted here.' },
  417: { code: 'expectation_failed', message: 'The Expect header of this request is not supported here.' },
  429: { code: 'rate_limited', message: 'Too many attempts. Wait a moment and try again.' },
  431: { code: 'headers_too_large', message: 'The address or the headers of this request are too long.' },
};

const SERVER_ERROR = {
  code: 'server_error',
  message: 'Something went wrong on our side. The error was logged; please start again.',
};

/** `contentEncoding` names the body's encoding when a body parser that is not `readBody` fails on it. */
function toErrorPage(err: unknown, contentEncoding = ''): ErrorPage {
  if (err instanceof AppError) {
    return {
      status: err.status,
      code: err.code,
      message: err.expose ? err.message : SERVER_ERROR.message,
    };
  }
  // A body that does not decompress is the client's mistake, though zlib's error has no status;
  // without a Content-Encoding on the request, a zlib error is ours (a 500, logged).
  const encoded = contentEncoding.trim() !== '' && contentEncoding.trim().toLowerCase() !== 'identity';
  const refusal = encoded ? bodyRefusalOf(err, contentEncoding) : undefined;
  if (refusal) return { status: refusal.status, code: refusal.code, message: refusal.message };
  const status = typeof (err as { status?: unknown })?.status === 'number' ? (err as { status: number }).status : 500;
  if (status >= 400 && status < 500) {
    const known = PLUMBING_MESSAGES[status] ?? PLUMBING_MESSAGES[400];
    return { status, code: known?.code ?? 'bad_request', message: known?.message ?? 'Bad request.' };
  }
  return { status: 500, ...SERVER_ERROR };
}

export function wantsJson(ctx: Context): boolean {
  return ctx.accepts(['html', 'json']) === 'json';
}

/**
 * The one error middleware of an app: HTML or JSON (`{ error, error_description }`) by what the
 * client accepts; unexposed messages are replaced, 5xx are logged with their stack.
 */
export function errorHandler(options: {
  logger: Logger;
  renderHtml: (page: ErrorPage, ctx: Context) => string;
}): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        throw new AppError('not_found', PLUMBING_MESSAGES[404]?.message ?? 'Not found.', { status: 404 });
      }
      // A refusal without a body (e.g. the router's 405) would reach the client as a bare status line.
      const bare = ctx.status >= 400 && ctx.status < 500 && (ctx.body === undefined || ctx.body === null);
      const plumbing = PLUMBING_MESSAGES[ctx.status];
      if (bare && plumbing) throw new AppError(plumbing.code, plumbing.message, { status: ctx.status });
    } catch (err) {
      // Once the body was read whole, a zlib error is ours whatever the request's Content-Encoding.
      const page = toErrorPage(err, bodyWasRead(ctx) ? '' : ctx.get('content-encoding'));
      if (page.status >= 500) {
        options.logger.error('request failed', { err, path: ctx.path, method: ctx.method });
      }
      if (err instanceof AppError) ctx.set(err.headers);
      ctx.status = page.status;
      if (wantsJson(ctx)) {
        ctx.type = 'application/json';
        ctx.body = { error: page.code, error_description: page.message };
      } else {
        ctx.type = 'text/html; charset=utf-8';
        ctx.body = options.renderHtml(page, ctx);
      }
    }
  };
}
