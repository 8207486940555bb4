/** A message as MailDev's REST API (`GET /api/email`) lists it. */
export interface CaughtMail {
  id: string;
  time: string;
  subject: string;
  text?: string;
  html?: string;
  to: { address: string; name?: string }[];
}

export interface WaitOptions {
  /** Only messages received at or after this moment (default: any). */
  since?: Date;
  /** Give up after this long (default 10 s). */
  timeoutMs?: number;
  /** Only messages whose subject contains this text. */
  subjectIncludes?: string;
}

export class MailTimeoutError extends Error {
  constructor(what: string, address: string, timeoutMs: number) {
    super(`no ${what} for ${address} arrived within ${timeoutMs} ms`);
    this.name = 'MailTimeoutError';
  }
}

/**
 * Reads the sandbox's mail from MailDev's REST API. Addresses are compared case-insensitively
 * (MailDev's own `to.address` filter is case-sensitive).
 */
export function createMailbox(
  mailUrl: string,
  options: {
    /** Why there is no MailDev (e.g. MAILDEV_ENABLED=false): every call throws this sentence. */
    off?: string;
  } = {},
) {
  const base = mailUrl.replace(/\/$/, '');

  // One sentence instead of undici's bare "TypeError: fetch failed" when nothing listens.
  async function request(url: string, init?: RequestInit): Promise<Response> {
    if (options.off) throw new Error(options.off);
    try {
      return await fetch(url, init);
    } catch (err) {
      const reason = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
      throw new Error(
        `MailDev does not answer at ${base}${reason} (is it running? MAILDEV_ENABLED, MAILDEV_WEB_PORT)`,
        {
          cause: err,
        },
      );
    }
  }

  async function list(): Promise<CaughtMail[]> {
    const res = await request(`${base}/api/email`);
    if (!res.ok) throw new Error(`MailDev answered ${res.status} at ${base}/api/email`);
    return (await res.json()) as CaughtMail[];
  }

  async function waitFor<T>(
    address: string,
    what: string,
    pick: (mail: CaughtMail) => T | undefined,
    options: WaitOptions,
  ): Promise<T> {
    const timeoutMs = options.timeoutMs ?? 10_000;
    const deadline = Date.now() + timeoutMs;
    const wanted = address.trim().toLowerCase();
    // Polling an external mail catcher: the only wait here, ending as soon as the mail is there.
    for (;;) {
      const found = (await list())
        .filter((m) => m.to.some((to) => to.address.toLowerCase() === wanted))
        .filter((m) => !options.since || Date.parse(m.time) >= options.since.getTime() - 1000)
        .filter((m) => !options.subjectIncludes || m.subject.includes(options.subjectIncludes))
        .map(pick)
        .filter((v): v is T => v !== undefined)
        .at(-1);
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new MailTimeoutError(what, address, timeoutMs);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  return {
    list,
    /** The newest message to `address`. */
    waitForMail: (address: string, options: WaitOptions = {}) => waitFor(address, 'mail', (m) => m, options),
    /** The 6-digit code of the newest message to `address` that carries one (subject or text). */
    waitForCode: (address: string, options: WaitOptions = {}) =>
      waitFor(
        address,
        'email code',
        (m) => /\b(\d{6})\b/.exec(m.subject)?.[1] ?? /\b(\d{6})\b/.exec(m.text ?? '')?.[1],
        options,
      ),
    /** The URL of the link with this text in the newest message that has one, e.g. "Enable multi-factor authentication". */
    waitForLink: (address: string, linkText: string, options: WaitOptions = {}) =>
      waitFor(
        address,
        `"${linkText}" link`,
        (m) => {
          for (const a of (m.html ?? '').matchAll(/<a\b[^>]*href="([^"]+)"[^>]*>([\s\S]*?)<\/a>/gi)) {
            if ((a[2] ?? '').replace(/<[^>]*>/g, '').trim() === linkText) return (a[1] ?? '').replace(/&amp;/g, '&');
          }
          return undefined;
        },
        options,
      ),
    /** Deletes every message (MailDev `DELETE /api/email/all`). */
    clear: async () => {
      await request(`${base}/api/email/all`, { method: 'DELETE' });
    },
  };
}

export type Mailbox = ReturnType<typeof createMailbox>;
