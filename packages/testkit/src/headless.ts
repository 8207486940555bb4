import {
  createHttpClient,
  type HttpResponse,
  type ParsedForm,
  parseForms,
  textOf,
} from '@extauth/server-kit/http-client';

/** A page as a person sees it: where it is, its title and first heading, text, forms and links. */
export interface HeadlessPage {
  url: string;
  status: number;
  html: string;
  title: string;
  heading: string;
  text: string;
  forms: ParsedForm[];
  /** Where a redirect pointed when the browser stopped at it (`stopAt`). */
  location?: string;
}

export interface SubmitOptions {
  /** Text of the submit button to press, e.g. "Log in". */
  button: string;
  /** Values to type, keyed by the field's label, e.g. { Email: 'a@b.c' }. */
  fill?: Record<string, string>;
  /** Checkboxes to tick, by label. */
  check?: string[];
}

export class HeadlessError extends Error {
  constructor(
    message: string,
    readonly page: HeadlessPage,
  ) {
    super(`${message} (on ${page.url}, status ${page.status}, heading "${page.heading}")`);
    this.name = 'HeadlessError';
  }
}

/** The text of the page's alerts (`role="alert"`), as a screen reader announces them, joined by " / ". */
export function alertText(page: Pick<HeadlessPage, 'html'>): string {
  const alerts: string[] = [];
  for (const m of page.html.matchAll(/<(\w+)\b[^>]*\brole="alert"[^>]*>([\s\S]*?)<\/\1>/gi)) {
    const text = textOf(m[2] ?? '');
    if (text) alerts.push(text);
  }
  return alerts.join(' / ');
}

/**
 * Throws when a form was refused (a 4xx answer, or a 5xx): submitting it again would only count more failures
 * (wrong codes lock MFA after five), so drivers stop at the first refusal and quote its alert.
 */
export function assertNotRefused(page: HeadlessPage, what: string): void {
  if (page.status < 400) return;
  const alert = alertText(page) || page.text.slice(0, 200);
  throw new HeadlessError(
    `${what} was ${page.status < 500 ? 'refused' : 'answered by a server error'}: "${alert}"`,
    page,
  );
}

function toPage(res: HttpResponse): HeadlessPage {
  const title = textOf(/<title\b[^>]*>([\s\S]*?)<\/title>/i.exec(res.text)?.[1] ?? '');
  const heading = textOf(/<h1\b[^>]*>([\s\S]*?)<\/h1>/i.exec(res.text)?.[1] ?? '');
  const body = /<body\b[^>]*>([\s\S]*)<\/body>/i.exec(res.text)?.[1] ?? res.text;
  return {
    url: res.url,
    status: res.status,
    html: res.text,
    title,
    heading,
    text: textOf(body),
    forms: parseForms(res.text, res.url),
    ...(res.location && res.status >= 300 && res.status < 400 ? { location: res.location } : {}),
  };
}

/**
 * A browser without a browser: HTTPS trusting the sandbox CA, cookies, redirects, and forms filled
 * by their labels and sent with their buttons, so scripts read pages the way people do.
 */
export function createHeadlessBrowser(options: {
  ca: string;
  /** Redirects to a URL this accepts are not followed (e.g. a relying party's redirect_uri). */
  stopAt?: (location: URL) => boolean;
}) {
  const http = createHttpClient({ ca: options.ca, userAgent: 'extauth-sandbox-testkit' });
  const followOptions = options.stopAt ? { stopAt: options.stopAt } : {};

  async function open(url: string | URL): Promise<HeadlessPage> {
    return toPage(await http.follow(await http.get(url), followOptions));
  }

  function findLink(page: HeadlessPage, text: string): string | undefined {
    for (const a of page.html.matchAll(/<a\b([^>]*)>([\s\S]*?)<\/a>/gi)) {
      const href = /\bhref="([^"]*)"/i.exec(a[1] ?? '')?.[1];
      if (href !== undefined && textOf(a[2] ?? '') === text) return new URL(href.replace(/&amp;/g, '&'), page.url).href;
    }
    return undefined;
  }

  async function follow(page: HeadlessPage, linkText: string): Promise<HeadlessPage> {
    const href = findLink(page, linkText);
    if (!href) throw new HeadlessError(`no link "${linkText}"`, page);
    return open(href);
  }

  async function submit(page: HeadlessPage, submitOptions: SubmitOptions): Promise<HeadlessPage> {
    const form = page.forms.find((f) => f.buttons.some((b) => b.text === submitOptions.button));
    if (!form) throw new HeadlessError(`no "${submitOptions.button}" button`, page);
    const fields = { ...form.fields };
    for (const [label, value] of Object.entries(submitOptions.fill ?? {})) {
      const name = form.labels[label];
      if (!name) throw new HeadlessError(`no field labelled "${label}" in the "${submitOptions.button}" form`, page);
      fields[name] = value;
    }
    for (const label of submitOptions.check ?? []) {
      const name = form.labels[label];
      if (!name) throw new HeadlessError(`no checkbox labelled "${label}"`, page);
      fields[name] = 'on';
    }
    const button = form.buttons.find((b) => b.text === submitOptions.button);
    if (button?.name) fields[button.name] = button.value ?? '';
    if (form.method === 'GET') {
      const url = new URL(form.action);
      for (const [k, v] of Object.entries(fields)) url.searchParams.set(k, v);
      return open(url);
    }
    return toPage(await http.follow(await http.post(form.action, fields), followOptions));
  }

  return {
    open,
    follow,
    submit,
    findLink,
    /** The value of a cookie this browser holds for a host name. */
    cookie: (hostname: string, name: string) => http.cookies.get(hostname, name),
    close: () => http.close(),
  };
}

export type HeadlessBrowser = ReturnType<typeof createHeadlessBrowser>;
