import { bodyParser } from '@koa/bodyparser';
import type { Context, Middleware } from 'koa';
import { AppError } from './errors.js';

/**
 * Reading a request body, with its refusals translated for the client.
 *
 * The body parser (co-body → inflation → raw-body) decompresses a body sent with
 * `Content-Encoding: gzip | deflate | br`. Data that does not decompress makes zlib fail with a
 * plain `Error` (`Z_DATA_ERROR`, `Z_BUF_ERROR`, Brotli's `ERR__ERROR_…`) that carries no HTTP
 * status, so it would be answered as a 500 and logged as our fault. It is the client's: 400, as
 * body-parser and raw-body do. An encoding the parser does not know is a 415 (also their rule).
 * Compressed bodies stay accepted: a client that sends one correctly gets it read.
 */

/** The encodings the parser decompresses; `identity` means none. */
export const BODY_ENCODINGS = ['gzip', 'deflate', 'br'] as const;

export interface BodyRefusal {
  status: 400 | 415;
  code: 'invalid_body_encoding' | 'unsupported_content_encoding';
  message: string;
}

const ENCODING_NAMES: Readonly<Record<string, string>> = { gzip: 'gzip', deflate: 'deflate', br: 'Brotli (br)' };

export const UNSUPPORTED_ENCODING_MESSAGE =
  'The Content-Encoding of the request body is not supported: send it uncompressed, or as gzip, deflate or br.';

/** The sentence for a body that does not decompress as `encoding` says. */
export function corruptBodyMessage(encoding: string): string {
  const name = ENCODING_NAMES[encoding.trim().toLowerCase()];
  return name ? `The request body is not valid ${name} data.` : 'The request body is not valid compressed data.';
}

/**
 * True for an error of Node's zlib or Brotli decoder: an `Error` with a numeric `errno` and a
 * `code` of zlib (`Z_…`) or of the Brotli decoder (`ERR__ERROR_…`, from BrotliDecoderErrorString).
 */
export function isDecompressionError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const { errno, code } = err as { errno?: unknown; code?: unknown };
  return typeof errno === 'number' && typeof code === 'string' && /^(?:Z_|ERR__ERROR_)/.test(code);
}

/** inflation's refusal of an encoding it has no decoder for (a 415 with this message). */
function isUnsupportedEncodingError(err: unknown): boolean {
  return (
    err instanceof Error &&
    (err as { status?: unknown }).status === 415 &&
    err.message.startsWith('Unsupported Content-Encoding')
  );
}

/**
 * What to answer when reading a body failed because of its Content-Encoding, or undefined when the
 * error is something else (a size limit, broken JSON: those carry their own 4xx status already).
 */
export function bodyRefusalOf(err: unknown, contentEncoding: string): BodyRefusal | undefined {
  if (isDecompressionError(err)) {
    return { status: 400, code: 'invalid_body_encoding', message: corruptBodyMessage(contentEncoding) };
  }
  if (isUnsupportedEncodingError(err)) {
    return { status: 415, code: 'unsupported_content_encoding', message: UNSUPPORTED_ENCODING_MESSAGE };
  }
  return undefined;
}

/**
 * Content codings are case-insensitive (RFC 9110 §8.4.1) but the decompressor matches `gzip`,
 * `deflate` and `br` exactly: `GZIP` or ` gzip ` would be refused as unknown.
 */
function normalizeContentEncoding(ctx: Context): void {
  const given = ctx.req.headers['content-encoding'];
  if (typeof given !== 'string') return;
  const normalized = given.trim().toLowerCase();
  if (
    normalized !== given &&
    (normalized === 'identity' || (BODY_ENCODINGS as readonly string[]).includes(normalized))
  ) {
    ctx.req.headers['content-encoding'] = normalized;
  }
}

export type BodyReaderOptions = NonNullable<Parameters<typeof bodyParser>[0]>;

const BODY_READ = Symbol('extauth.bodyRead');

/** Records that the request's body was read whole: a zlib error after this is not the client's. */
export function markBodyRead(ctx: Context): void {
  (ctx.state as Record<symbol, unknown>)[BODY_READ] = true;
}

/** True once `readBody` (or `markBodyRead`) has read the request's body. */
export function bodyWasRead(ctx: Context): boolean {
  return (ctx.state as Record<symbol, unknown>)[BODY_READ] === true;
}

/** Throws the refusal as an AppError, for the app's error middleware to render (HTML or JSON). */
const throwRefusal = (_ctx: Context, refusal: BodyRefusal, cause: unknown): never => {
  throw new AppError(refusal.code, refusal.message, { status: refusal.status, expose: true, cause });
};

/**
 * The body parser every app uses (@koa/bodyparser with `options`), whose Content-Encoding failures
 * become a 400 or 415 with a sentence. `refuse` answers them in a surface's own format (the WHM
 * API's envelope, the admin API's JSON); by default they are thrown as an AppError. Errors raised
 * after the body was read, by the rest of the chain, pass through untouched.
 */
export function readBody(
  options: BodyReaderOptions,
  refuse: (ctx: Context, refusal: BodyRefusal, cause: unknown) => void | Promise<void> = throwRefusal,
): Middleware {
  const parse = bodyParser(options);
  return async (ctx, next) => {
    normalizeContentEncoding(ctx);
    let read = false;
    try {
      await parse(ctx, () => {
        read = true;
        markBodyRead(ctx);
        return next();
      });
    } catch (err) {
      const refusal = read ? undefined : bodyRefusalOf(err, ctx.get('content-encoding'));
      if (!refusal) throw err;
      await refuse(ctx, refusal, err);
    }
  };
}

export const ENCODED_BODY_REFUSED_MESSAGE =
  'This endpoint does not accept a compressed request body: send it without Content-Encoding.';

/** True when the request carries a body (a length above 0, or chunked). */
function hasBody(ctx: Context): boolean {
  return (ctx.request.length ?? 0) > 0 || ctx.get('transfer-encoding') !== '';
}

/**
 * For handlers whose own parser ignores Content-Encoding (oidc-provider reads the raw bytes): a
 * body sent as gzip would be read as if it were plain, or plain text labelled gzip accepted, so
 * any body with a coding other than `identity` is refused with 415 before it gets there.
 */
export function refuseEncodedBodies(): Middleware {
  return async (ctx, next) => {
    const coding = ctx.get('content-encoding').trim().toLowerCase();
    if (coding !== '' && coding !== 'identity' && hasBody(ctx)) {
      throw new AppError('invalid_request', ENCODED_BODY_REFUSED_MESSAGE, { status: 415, expose: true });
    }
    await next();
  };
}
