import type { HttpClient, HttpResponse } from '@extauth/server-kit/http-client';
import type { RawRequest, RequestTemplate } from './templates.js';

/** An endpoint in a state where its valid request succeeds: the request, and the browser holding that state. */
export interface Prepared {
  template: RequestTemplate;
  client: HttpClient;
}

/** One form, JSON or API endpoint of the catalogue. */
export interface Endpoint {
  /** `app METHOD path`, e.g. `idp POST /account/name`. */
  name: string;
  /** Sets up a fresh state in which the valid request succeeds (and closes nothing: see `release`). */
  prepare(): Promise<Prepared>;
  /**
   * Why the answer to the valid request is not a success, or undefined when it is one. It may check
   * what the success did too (a revoked token is refused afterwards), from the state it was sent in.
   */
  rejectsValid(res: HttpResponse, state: Prepared): string | undefined | Promise<string | undefined>;
  /**
   * The valid request needs a state no hostile case touched: a single-use value, or one that wrong
   * attempts use up (email codes, TOTP steps, authorization codes).
   */
  freshForValid?: boolean;
  /** A hostile case that was accepted may have used the state up: set it up again. */
  statefulAcceptance?: boolean;
  /** Send every request without cookies (a script, not a browser). */
  cookieless?: boolean;
  /** Run before the valid request (e.g. move the sandbox clock past a resend wait). */
  beforeValid?(): Promise<void>;
  /** Undo what an accepted valid request or case did to shared state (e.g. clear injected faults). */
  cleanUp?(): Promise<void>;
  envelope?: 'whm';
}

export async function send(client: HttpClient, req: RawRequest): Promise<HttpResponse> {
  return client.request(req.method, req.url, {
    headers: req.headers,
    ...(req.body === undefined ? {} : { body: req.body }),
  });
}

/** The usual success of a form: POST/redirect/GET, to a path (and query) matching `target`. */
export const expectRedirect =
  (target?: RegExp) =>
  (res: HttpResponse): string | undefined => {
    if (res.status !== 302 && res.status !== 303)
      return `expected a redirect, got ${res.status}: ${res.text.slice(0, 400)}`;
    const location = new URL(res.location ?? '', res.url);
    if (target && !target.test(location.pathname + location.search))
      return `redirected to ${res.location}, expected ${target}`;
    return undefined;
  };

export const expectStatus =
  (...statuses: number[]) =>
  (res: HttpResponse): string | undefined =>
    statuses.includes(res.status)
      ? undefined
      : `expected ${statuses.join(' or ')}, got ${res.status}: ${res.text.slice(0, 400)}`;

/** A WHM API call that worked: `metadata.result: 1`. */
export function expectWhmSuccess(res: HttpResponse): string | undefined {
  if (res.status !== 200) return `expected 200, got ${res.status}`;
  const body = res.json<{ metadata?: { result?: number; reason?: string } }>();
  return body.metadata?.result === 1 ? undefined : `metadata.result ${body.metadata?.result}: ${body.metadata?.reason}`;
}
