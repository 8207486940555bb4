import { createHmac } from 'node:crypto';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 (upper or lower case, spaces and padding ignored). */
export function decodeBase32(secret: string): Buffer {
  const clean = secret.replace(/[\s=-]/g, '').toUpperCase();
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const ch of clean) {
    const index = BASE32.indexOf(ch);
    if (index < 0) throw new Error(`not a base32 secret: unexpected "${ch}"`);
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

export interface TotpOptions {
  /** The moment to compute the code for (default: now). */
  at?: Date | number;
  /** Seconds per step (default 30). */
  period?: number;
  digits?: number;
}

/** The RFC 6238 code (HMAC-SHA1) for a base32 secret, as authenticator apps show it. */
export function totp(secret: string, options: TotpOptions = {}): string {
  const at = options.at === undefined ? Date.now() : typeof options.at === 'number' ? options.at : options.at.getTime();
  const period = options.period ?? 30;
  const digits = options.digits ?? 6;
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / period)));
  const mac = createHmac('sha1', decodeBase32(secret)).update(counter).digest();
  const offset = (mac[mac.length - 1] ?? 0) & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

/** The start of the next time step: wait until then to get a code the server has not seen. */
export function nextTotpStep(at: Date | number = Date.now(), period = 30): Date {
  const ms = typeof at === 'number' ? at : at.getTime();
  return new Date((Math.floor(ms / 1000 / period) + 1) * period * 1000);
}

/**
 * The last time step each secret's code was submitted for by this process (keyed by the decoded
 * secret, so spacing and case do not matter). The IdP and the panel take each step once per
 * account: a second login within the same 30 s must not send the same code again.
 */
const submittedSteps = new Map<string, number>();

export interface FreshTotpOptions {
  /** The moment to compute the code for: when given, exactly its step's code (nothing remembered). */
  at?: Date;
  /** Seconds per step (default 30). */
  period?: number;
}

/**
 * A TOTP code for a form, never for a step this process already submitted with this secret: the
 * current step's code; when that step was used, the next step's (servers accept ±1 step); when
 * that one was used too, it waits until the next step begins. `at` wins when given.
 */
export async function freshTotp(secret: string, options: FreshTotpOptions = {}): Promise<string> {
  const period = options.period ?? 30;
  if (options.at) return totp(secret, { at: options.at, period });
  const key = decodeBase32(secret).toString('hex');
  for (;;) {
    const now = Date.now();
    const current = Math.floor(now / 1000 / period);
    const last = submittedSteps.get(key) ?? Number.NEGATIVE_INFINITY;
    const step = last < current ? current : last === current ? current + 1 : undefined;
    if (step !== undefined) {
      submittedSteps.set(key, step);
      return totp(secret, { at: step * period * 1000, period });
    }
    // Both the current and the next step were used: the only way to a code not yet seen is time.
    await new Promise((resolve) => setTimeout(resolve, nextTotpStep(now, period).getTime() - now + 5));
  }
}
