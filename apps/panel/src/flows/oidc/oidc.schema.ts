import type { ParsedUrlQuery } from 'node:querystring';
import { singleQueryValue } from '@extauth/server-kit/forms';

/** Values longer than this are not plausible for these parameters and are treated as absent. */
const MAX_PARAM_LENGTH = 4096;

function single(query: ParsedUrlQuery, name: string, max = MAX_PARAM_LENGTH): string | undefined {
  const value = singleQueryValue(query[name]);
  return value !== undefined && value.length <= max ? value : undefined;
}

/** §5.1 query parameters of `GET /openid_connect/<provider>`; repeated or oversized values count as empty. */
export interface StartQuery {
  action: 'login' | 'link';
  gotoUri: string;
  gotoApp: string;
  parameterizedForm: string;
  tokenDenied: string;
  user: string;
}

export function readStartQuery(query: ParsedUrlQuery): StartQuery {
  const text = (name: string) => single(query, name, 1024) ?? '';
  return {
    action: text('action') === 'link' ? 'link' : 'login',
    gotoUri: text('goto_uri'),
    gotoApp: text('goto_app'),
    parameterizedForm: text('parameterized_form'),
    tokenDenied: text('token_denied'),
    user: text('user'),
  };
}

export interface CallbackQuery {
  /** Present when the IdP answered with an error (RFC 6749 §4.1.2.1), in any form. */
  error: string | undefined;
  errorDescription: string | undefined;
  code: string | undefined;
  state: string | undefined;
  /** `iss` sent more than once: an authorization response no IdP gives (RFC 9207 allows one). */
  issRepeated: boolean;
  /** The whole query string, for openid-client's own checks of the authorization response. */
  rawQuery: string;
}

export function readCallbackQuery(query: ParsedUrlQuery, rawQuery: string): CallbackQuery {
  const hasError = query.error !== undefined;
  return {
    error: hasError ? (single(query, 'error', 256) ?? 'invalid_error_parameter') : undefined,
    errorDescription: single(query, 'error_description', 1024),
    // Not capped here: Node's 16 KiB header limit bounds them, and an oversized state fails its check.
    code: singleQueryValue(query.code) || undefined,
    state: singleQueryValue(query.state) || undefined,
    issRepeated: Array.isArray(query.iss),
    rawQuery,
  };
}
