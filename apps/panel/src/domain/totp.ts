import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * WHM's two-factor authentication codes (spec §10 "TOTP"): RFC 6238 over HOTP (RFC 4226), HMAC-SHA-1,
 * 30-second steps, 6 digits, the current step and one on either side. Written on node:crypto rather
 * than otplib: it is synchronous (the step is claimed in the same breath) and WHM's 80-bit secrets
 * need no guardrail override.
 */
export const TFA_PERIOD_SECONDS = 30;
export const TFA_DIGITS = 6;
export const TFA_WINDOW_STEPS = 1;
/** WHM's secrets are 16 base32 characters: 10 random bytes (80 bits). */
export const TFA_SECRET_BYTES = 10;
/**
 * WHM's consecutive wrong codes that end the pre-2FA session, and how long the user is then refused:
 * the defaults of PANEL_TFA_MAX_FAILURES and PANEL_TFA_LOCK_SECONDS (config.ts).
 */
export const TFA_MAX_FAILURES = 5;
export const TFA_LOCK_SECONDS = 15 * 60;

const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
/** Accepted secrets: WHM's 16 characters up to the 32 (160 bits) other authenticators use. */
const SECRET_FORMAT = /^[A-Z2-7]{16,32}$/;

/** RFC 4648 §6 base32, upper case, no padding. */
export function base32Encode(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += BASE32_ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32_ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

export function base32Decode(text: string): Buffer {
  const out: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const ch of text) {
    const index = BASE32_ALPHABET.indexOf(ch);
    if (index < 0) throw new Error('not base32');
    buffer = ((buffer << 5) | index) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out.push((buffer >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** A secret as given by a person or a script: spaces removed, upper case; undefined if not base32 of a usable length. */
export function normalizeTfaSecret(input: string): string | undefined {
  const secret = input.replace(/\s+/g, '').toUpperCase();
  return SECRET_FORMAT.test(secret) ? secret : undefined;
}

/** A new WHM secret from 10 random bytes. */
export function tfaSecretFromBytes(bytes: Uint8Array): string {
  if (bytes.length !== TFA_SECRET_BYTES) throw new Error(`a WHM 2FA secret takes ${TFA_SECRET_BYTES} bytes`);
  return base32Encode(bytes);
}

/** The RFC 6238 time step T at `nowMs`. */
export function timeStepAt(nowMs: number): number {
  return Math.floor(nowMs / 1000 / TFA_PERIOD_SECONDS);
}

/** HOTP (RFC 4226 §5.3) of `secret` at counter `step`, 6 digits. */
export function tfaCodeAt(secret: string, step: number): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', base32Decode(secret)).update(counter).digest();
  const offset = (mac[mac.length - 1] ?? 0) & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** TFA_DIGITS).padStart(TFA_DIGITS, '0');
}

export type TfaCodeCheck = { ok: true; timeStep: number } | { ok: false };

/**
 * Checks a typed code (spaces ignored) against the steps now-1, now and now+1 and returns the one it
 * matched; the caller claims that step once per user. Every candidate is compared, in constant time.
 */
export function checkTfaCode(secret: string, input: string, nowMs: number): TfaCodeCheck {
  const code = input.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(code)) return { ok: false };
  const now = timeStepAt(nowMs);
  let matched: number | undefined;
  for (let step = now - TFA_WINDOW_STEPS; step <= now + TFA_WINDOW_STEPS; step += 1) {
    const equal = timingSafeEqual(Buffer.from(tfaCodeAt(secret, step)), Buffer.from(code));
    if (equal && matched === undefined) matched = step;
  }
  return matched === undefined ? { ok: false } : { ok: true, timeStep: matched };
}

/**
 * The otpauth URI WHM shows as a QR code (§10): `otpauth://totp/<issuer>:<account>?secret=…&issuer=…`,
 * issuer and account percent-encoded, without algorithm, digits or period (the defaults).
 */
export function buildTfaOtpauthUri(input: { issuer: string; account: string; secret: string }): string {
  const issuer = encodeURIComponent(input.issuer);
  return `otpauth://totp/${issuer}:${encodeURIComponent(input.account)}?secret=${input.secret}&issuer=${issuer}`;
}
