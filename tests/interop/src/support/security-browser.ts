import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createHttpClient, type HttpResponse, parseForms } from '@extauth/server-kit/http-client';

/**
 * A cookie-keeping HTTP client (one per simulated browser) that writes down every response it gets,
 * so the browser-security suite checks the headers and Set-Cookie lines of everything it saw, not
 * only of the pages it asked for on purpose.
 */
export interface SeenResponse {
  method: string;
  url: string;
  status: number;
  headers: Headers;
  text: string;
}

export function createSecurityBrowser(options: { ca: string; seen: SeenResponse[] }) {
  const http = createHttpClient({ ca: options.ca, userAgent: 'extauth-browser-security-test' });
  const record = (method: string, res: HttpResponse) => {
    options.seen.push({ method, url: res.url, status: res.status, headers: res.headers, text: res.text });
    return res;
  };
  const get = async (url: string | URL, headers?: Record<string, string>) =>
    record('GET', await http.get(url, headers));
  const post = async (url: string | URL, form: Record<string, string>, headers?: Record<string, string>) =>
    record('POST', await http.post(url, form, headers));
  return {
    get,
    post,
    request: async (method: string, url: string | URL, headers: Record<string, string> = {}) =>
      record(method, await http.request(method, url, { headers })),
    /** Follows redirects with GET, stopping before a Location that `stopAt` accepts. */
    async follow(first: HttpResponse, stopAt?: (location: URL) => boolean): Promise<HttpResponse> {
      let res = first;
      for (let i = 0; i < 20 && res.location && res.status >= 300 && res.status < 400; i += 1) {
        if (stopAt?.(new URL(res.location))) return res;
        res = await get(res.location);
      }
      return res;
    },
    cookie: (name: string) => http.cookies.get('localhost', name),
    close: () => http.close(),
  };
}

export type SecurityBrowser = ReturnType<typeof createSecurityBrowser>;

/** The form of a page whose action path ends with `pathEnd` (the last one if several). */
export function formOn(page: HttpResponse, pathEnd: string | RegExp) {
  const forms = parseForms(page.text, page.url).filter((f) => {
    const p = new URL(f.action).pathname;
    return typeof pathEnd === 'string' ? p.endsWith(pathEnd) : pathEnd.test(p);
  });
  const form = forms.at(-1);
  assert.ok(form, `no form ${pathEnd} on ${page.url} (${page.status}): ${page.text.slice(0, 400)}`);
  return form;
}

/** A CSP header as directive → sources. */
export function parseCsp(header: string): Map<string, string[]> {
  const directives = new Map<string, string[]>();
  for (const part of header.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) directives.set(name.toLowerCase(), sources);
  }
  return directives;
}

const UNSAFE_SCRIPT_SOURCES = ["'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", '*', 'data:', 'http:', 'https:'];

/**
 * What every answer of both apps must carry, whatever its status or type, and what every HTML page
 * must not contain: an inline script the policy does not allow by hash, an inline event handler, a
 * `javascript:` link. Returns the list of problems (empty when fine).
 */
export function securityProblems(res: SeenResponse): string[] {
  const where = `${res.method} ${res.url} (${res.status})`;
  const problems: string[] = [];
  const csp = res.headers.get('content-security-policy');
  if (!csp) return [`${where}: no Content-Security-Policy`];
  const policy = parseCsp(csp);
  const scriptSrc = policy.get('script-src') ?? policy.get('default-src');
  if (!scriptSrc) problems.push(`${where}: CSP has neither script-src nor default-src`);
  for (const bad of UNSAFE_SCRIPT_SOURCES) {
    if (scriptSrc?.includes(bad)) problems.push(`${where}: script-src allows ${bad}`);
  }
  if (policy.get('frame-ancestors')?.join(' ') !== "'none'") problems.push(`${where}: frame-ancestors is not 'none'`);
  if (policy.get('object-src')?.join(' ') !== "'none'") problems.push(`${where}: object-src is not 'none'`);
  if (!policy.has('base-uri')) problems.push(`${where}: no base-uri`);
  if (res.headers.get('referrer-policy') !== 'no-referrer') {
    problems.push(`${where}: Referrer-Policy is ${res.headers.get('referrer-policy')}`);
  }
  if (res.headers.get('x-content-type-options') !== 'nosniff')
    problems.push(`${where}: no X-Content-Type-Options nosniff`);
  if ((res.headers.get('content-type') ?? '').startsWith('text/html')) {
    for (const script of res.text.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi)) {
      if (/\bsrc\s*=/i.test(script[1] ?? '')) continue;
      const hash = `'sha256-${createHash('sha256')
        .update(script[2] ?? '')
        .digest('base64')}'`;
      if (!scriptSrc?.includes(hash)) problems.push(`${where}: inline script not allowed by hash ${hash}`);
    }
    const handler = /<[a-z][^>]*\son[a-z]+\s*=/i.exec(res.text);
    if (handler) problems.push(`${where}: inline event handler ${handler[0].slice(0, 80)}`);
    if (/\b(?:href|src|action)\s*=\s*["']?\s*javascript:/i.test(res.text)) problems.push(`${where}: javascript: URL`);
  }
  return problems;
}

export interface SetCookieLine {
  url: string;
  name: string;
  line: string;
}

export function setCookieLines(seen: readonly SeenResponse[]): SetCookieLine[] {
  return seen.flatMap((res) =>
    res.headers.getSetCookie().map((line) => ({ url: res.url, name: line.slice(0, line.indexOf('=')).trim(), line })),
  );
}

/** Secure, HttpOnly and SameSite=Lax|Strict: what every cookie of both apps carries. */
export function cookieProblems(cookie: SetCookieLine): string[] {
  const attrs = cookie.line
    .split(';')
    .slice(1)
    .map((a) => a.trim().toLowerCase());
  const problems: string[] = [];
  if (!attrs.includes('secure')) problems.push('not Secure');
  if (!attrs.includes('httponly')) problems.push('not HttpOnly');
  const sameSite = attrs.find((a) => a.startsWith('samesite='));
  if (sameSite !== 'samesite=lax' && sameSite !== 'samesite=strict')
    problems.push(`SameSite is ${sameSite ?? 'missing'}`);
  return problems.map((p) => `${cookie.name} from ${cookie.url}: ${p} (${cookie.line})`);
}
