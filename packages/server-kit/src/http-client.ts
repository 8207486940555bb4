import { Agent, fetch as undiciFetch } from 'undici';

/**
 * A small browser-like HTTP client for tests and the testkit: trusts the sandbox CA (and nothing
 * else is changed globally), keeps cookies per host like a browser (cookies ignore ports), follows
 * redirects only when asked, and parses the pages' forms.
 */
export interface HttpResponse {
  status: number;
  url: string;
  location: string | undefined;
  headers: Headers;
  text: string;
  json<T = unknown>(): T;
}

interface StoredCookie {
  name: string;
  value: string;
  host: string;
  path: string;
  expiresAt: number | undefined;
}

export interface HttpClientOptions {
  /** PEM of the CA to trust (the sandbox's local CA). */
  ca: string;
  userAgent?: string;
}

export function createHttpClient(options: HttpClientOptions) {
  const dispatcher = new Agent({ connect: { ca: options.ca }, keepAliveTimeout: 10_000 });
  const cookies = new Map<string, StoredCookie>();

  const storeCookies = (url: URL, headers: Headers) => {
    for (const line of headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair?.indexOf('=') ?? -1;
      if (!pair || eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      let cookiePath = '/';
      let expiresAt: number | undefined;
      for (const attr of attrs) {
        const [k, v = ''] = attr.split('=').map((s) => s.trim());
        const key = k?.toLowerCase();
        if (key === 'path') cookiePath = v || '/';
        if (key === 'max-age') expiresAt = Date.now() + Number(v) * 1000;
        if (key === 'expires' && expiresAt === undefined) expiresAt = Date.parse(v);
      }
      const id = `${url.hostname}|${cookiePath}|${name}`;
      if (expiresAt !== undefined && expiresAt <= Date.now()) cookies.delete(id);
      else cookies.set(id, { name, value, host: url.hostname, path: cookiePath, expiresAt });
    }
  };

  const cookieHeader = (url: URL): string | undefined => {
    const now = Date.now();
    const pairs = [...cookies.values()]
      .filter((c) => c.host === url.hostname && url.pathname.startsWith(c.path))
      .filter((c) => c.expiresAt === undefined || c.expiresAt > now)
      .sort((a, b) => b.path.length - a.path.length)
      .map((c) => `${c.name}=${c.value}`);
    return pairs.length ? pairs.join('; ') : undefined;
  };

  async function request(
    method: string,
    target: string | URL,
    init: { body?: string | URLSearchParams | Uint8Array; headers?: Record<string, string> } = {},
  ): Promise<HttpResponse> {
    const url = new URL(target);
    const headers: Record<string, string> = {
      'user-agent': options.userAgent ?? 'extauth-sandbox-test',
      ...init.headers,
    };
    const cookie = cookieHeader(url);
    if (cookie) headers.cookie = cookie;
    if (init.body instanceof URLSearchParams) headers['content-type'] ??= 'application/x-www-form-urlencoded';
    const res = await undiciFetch(url, {
      method,
      headers,
      body: init.body instanceof URLSearchParams ? init.body.toString() : init.body,
      redirect: 'manual',
      dispatcher,
    });
    storeCookies(url, res.headers as unknown as Headers);
    const text = await res.text();
    const location = res.headers.get('location') ?? undefined;
    return {
      status: res.status,
      url: url.href,
      location: location ? new URL(location, url).href : undefined,
      headers: res.headers as unknown as Headers,
      text,
      json: <T>() => JSON.parse(text) as T,
    };
  }

  /** Follows redirects (GET) until a non-redirect answer, or until `stopAt` matches a Location. */
  async function follow(
    first: HttpResponse,
    opts: { max?: number; stopAt?: (location: URL) => boolean } = {},
  ): Promise<HttpResponse> {
    let res = first;
    for (let i = 0; i < (opts.max ?? 20) && res.location && res.status >= 300 && res.status < 400; i += 1) {
      if (opts.stopAt?.(new URL(res.location))) return res;
      res = await request('GET', res.location);
    }
    return res;
  }

  return {
    get: (url: string | URL, headers?: Record<string, string>) => request('GET', url, { headers: headers ?? {} }),
    post: (url: string | URL, form: Record<string, string>, headers?: Record<string, string>) =>
      request('POST', url, { body: new URLSearchParams(form), headers: headers ?? {} }),
    request,
    follow,
    cookies: {
      get: (hostname: string, name: string) =>
        [...cookies.values()].find((c) => c.host === hostname && c.name === name)?.value,
      all: () => [...cookies.values()],
      clear: () => cookies.clear(),
    },
    close: () => dispatcher.close(),
  };
}

export type HttpClient = ReturnType<typeof createHttpClient>;

export interface ParsedForm {
  action: string;
  method: string;
  /** Names and values a browser would submit (checked boxes only). */
  fields: Record<string, string>;
  /** Accessible label text (from `<label for>`) → the labelled control's name, checkboxes included. */
  labels: Record<string, string>;
  /** The form's submit buttons: visible text, and the name/value they add when pressed. */
  buttons: { text: string; name?: string; value?: string }[];
}

/** Reads the forms of a page (inputs' names and values, in order) so tests submit what a browser would. */
export function parseForms(page: string, baseUrl: string): ParsedForm[] {
  const forms: ParsedForm[] = [];
  for (const match of page.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const attrs = match[1] ?? '';
    const inner = match[2] ?? '';
    const attr = (src: string, name: string) =>
      decodeEntities(new RegExp(`\\b${name}="([^"]*)"`, 'i').exec(src)?.[1] ?? '');
    const fields: Record<string, string> = {};
    const namesById: Record<string, string> = {};
    for (const input of inner.matchAll(/<(?:input|textarea|select)\b([^>]*)>/gi)) {
      const a = input[1] ?? '';
      const name = attr(a, 'name');
      const id = attr(a, 'id');
      if (name && id) namesById[id] = name;
      const type = attr(a, 'type').toLowerCase();
      if (!name || type === 'submit' || ((type === 'checkbox' || type === 'radio') && !/\bchecked\b/i.test(a)))
        continue;
      fields[name] = attr(a, 'value');
    }
    const labels: Record<string, string> = {};
    for (const label of inner.matchAll(/<label\b([^>]*)>([\s\S]*?)<\/label>/gi)) {
      const name = namesById[attr(label[1] ?? '', 'for')];
      if (name) labels[textOf(label[2] ?? '')] = name;
    }
    const buttons = [...inner.matchAll(/<button\b([^>]*)>([\s\S]*?)<\/button>/gi)]
      .filter((b) => !/\btype="(?:button|reset)"/i.test(b[1] ?? ''))
      .map((b) => {
        const name = attr(b[1] ?? '', 'name');
        return name
          ? { text: textOf(b[2] ?? ''), name, value: attr(b[1] ?? '', 'value') }
          : { text: textOf(b[2] ?? '') };
      });
    forms.push({
      action: new URL(attr(attrs, 'action') || baseUrl, baseUrl).href,
      method: (attr(attrs, 'method') || 'GET').toUpperCase(),
      fields,
      labels,
      buttons,
    });
  }
  return forms;
}

/** Visible text of a fragment: tags removed, entities decoded, white space collapsed. */
export function textOf(fragment: string): string {
  return decodeEntities(fragment.replace(/<!--[\s\S]*?-->/g, '').replace(/<[^>]*>/g, ' '))
    .replace(/\s+/g, ' ')
    .trim();
}

function decodeEntities(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&#96;/g, '`')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
