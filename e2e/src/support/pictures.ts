import { PNG } from 'pngjs';

/**
 * Pixels two pictures of the same page may differ by and still count as the same picture: chromium
 * anti-aliases a few glyph and mask edges differently from run to run (seen here: 2 to 18 pixels of
 * a 1200 × 800 page, one or two shades apart).
 */
export const NOISE_PIXELS = 64;

/** Same size, and at most NOISE_PIXELS pixels differ in any channel. */
export function samePicture(a: Buffer, b: Buffer): boolean {
  const left = PNG.sync.read(a);
  const right = PNG.sync.read(b);
  if (left.width !== right.width || left.height !== right.height) return false;
  let differing = 0;
  for (let i = 0; i < left.data.length; i += 4) {
    const same =
      left.data[i] === right.data[i] &&
      left.data[i + 1] === right.data[i + 1] &&
      left.data[i + 2] === right.data[i + 2] &&
      left.data[i + 3] === right.data[i + 3];
    if (!same && ++differing > NOISE_PIXELS) return false;
  }
  return true;
}
