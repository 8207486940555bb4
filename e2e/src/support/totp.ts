import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';

// The browser journeys compute one-time codes with their own small RFC 6238 implementation, so a
// mistake in the apps' TOTP code (or in otplib) cannot hide behind the same mistake in the test.

const STEP_MS = 30_000;

/** RFC 4648 base32 (no padding) to bytes. */
export function base32Decode(text: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const ch of text.replace(/\s+/g, '').toUpperCase()) {
    const index = alphabet.indexOf(ch);
    assert.ok(index >= 0, `not base32: ${ch}`);
    value = ((value << 5) | index) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** RFC 6238: HOTP (RFC 4226 §5.3) over T = floor(unix / 30), SHA-1, 6 digits. */
export function totp(secret: string, step: number): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', base32Decode(secret)).update(counter).digest();
  const offset = (mac[mac.length - 1] ?? 0) & 0x0f;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

export const currentStep = () => Math.floor(Date.now() / STEP_MS);

/**
 * Codes for one secret, each from a later step than the last (the servers accept a step once).
 * The servers accept one step ahead, so the next step is used without waiting; only when that is
 * used up too does this wait, exactly until the next step begins.
 */
export function codeSource(secret: string) {
  let lastStep = 0;
  return {
    async next(): Promise<string> {
      const step = Math.max(currentStep(), lastStep + 1);
      if (step > currentStep() + 1)
        await new Promise((r) => setTimeout(r, (currentStep() + 1) * STEP_MS - Date.now() + 50));
      assert.ok(step <= currentStep() + 1 && step >= currentStep());
      lastStep = step;
      return totp(secret, step);
    },
    /** Six digits that no step near now gives: certainly a wrong code. */
    wrong(): string {
      const near = new Set([-1, 0, 1, 2, 3].map((d) => totp(secret, currentStep() + d)));
      return ['000000', '111111', '222222', '333333', '444444', '555555'].find((c) => !near.has(c)) ?? '666666';
    },
  };
}
