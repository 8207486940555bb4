/**
 * The valid request of an endpoint, which the hostile cases are derived from, and the request a
 * case actually sends.
 */

export interface RawRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

/**
 * The hostile shapes an endpoint must refuse with a 4xx (or, for the WHM API, its failure envelope).
 * Anything not listed may also be accepted (e.g. an extra field a form ignores), but never with a 5xx.
 * - `csrf`: a missing, wrong or repeated CSRF token;
 * - `shape`: a field sent twice, as `a[]=`, as `a[k]=`, or (JSON) unknown fields and wrong types;
 * - `utf8`: percent-encoding that does not decode as UTF-8;
 * - `huge`: a 1 MB value;
 * - `content-type`: the valid fields in another content type;
 * - `auth`: a missing or wrong Authorization header;
 * - `method`: another HTTP method;
 * - `malformed`: a body that is not what the content type says (random bytes, broken JSON).
 */
export type Refusal = 'csrf' | 'shape' | 'utf8' | 'huge' | 'content-type' | 'auth' | 'method' | 'malformed';

/** Form fields (urlencoded body) or query parameters, in order. */
export interface ParamsTemplate {
  kind: 'params';
  method: 'GET' | 'POST';
  /** Without the parameters when they go in the query. */
  url: string;
  location: 'body' | 'query';
  params: [string, string][];
  headers: Record<string, string>;
  refuses: ReadonlySet<Refusal>;
  /** The WHM API answers refusals in its envelope (HTTP 200, `metadata.result: 0`), spec §8. */
  envelope?: 'whm';
}

/** A GET whose parameters go in the query string: the pages and endpoints that read their query. */
export function queryTemplate(url: string, params: [string, string][], refuses: Refusal[] = []): ParamsTemplate {
  return { kind: 'params', method: 'GET', url, location: 'query', params, headers: {}, refuses: new Set(refuses) };
}

export interface JsonTemplate {
  kind: 'json';
  method: 'POST' | 'PUT' | 'DELETE' | 'GET';
  url: string;
  body: Record<string, unknown>;
  headers: Record<string, string>;
  refuses: ReadonlySet<Refusal>;
}

export type RequestTemplate = ParamsTemplate | JsonTemplate;

export const CSRF_FIELD = '_csrf';

export const FORM_TYPE = 'application/x-www-form-urlencoded';

/** Percent-encoding as a browser does it: a lone surrogate (not encodable in UTF-8) becomes U+FFFD. */
export function encodeText(text: string): string {
  return encodeURIComponent(
    text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD'),
  );
}

/** `k=v&…` as a browser encodes a form (spaces as `+`). */
export function encodeParams(params: ReadonlyArray<readonly [string, string]>): string {
  return params.map(([k, v]) => `${encodeText(k)}=${encodeText(v).replace(/%20/g, '+')}`).join('&');
}

/** The request a params template describes, with `encoded` as its (already encoded) parameters. */
export function paramsRequest(
  t: ParamsTemplate,
  encoded: string,
  extraHeaders: Record<string, string> = {},
): RawRequest {
  if (t.location === 'query') {
    const sep = t.url.includes('?') ? '&' : '?';
    return {
      method: t.method,
      url: encoded ? `${t.url}${sep}${encoded}` : t.url,
      headers: { ...t.headers, ...extraHeaders },
    };
  }
  return {
    method: t.method,
    url: t.url,
    headers: { 'content-type': FORM_TYPE, ...t.headers, ...extraHeaders },
    body: encoded,
  };
}

export function validRequest(t: RequestTemplate): RawRequest {
  if (t.kind === 'params') return paramsRequest(t, encodeParams(t.params));
  return jsonRequest(t, JSON.stringify(t.body));
}

export function jsonRequest(
  t: JsonTemplate,
  body: string | Uint8Array | undefined,
  contentType = 'application/json',
): RawRequest {
  return {
    method: t.method,
    url: t.url,
    headers: { ...t.headers, ...(body === undefined ? {} : { 'content-type': contentType }) },
    ...(body === undefined ? {} : { body }),
  };
}
