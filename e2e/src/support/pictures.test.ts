import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PNG } from 'pngjs';
import { NOISE_PIXELS, samePicture } from './pictures.js';

function picture(width: number, height: number, changed = 0): Buffer {
  const png = new PNG({ width, height });
  png.data.fill(255);
  for (let p = 0; p < changed; p += 1) png.data[p * 4] = 0;
  return PNG.sync.write(png);
}

test('a picture that differs by a few anti-aliased pixels is the same picture; more is a change', () => {
  assert.equal(samePicture(picture(100, 80), picture(100, 80)), true);
  assert.equal(samePicture(picture(100, 80), picture(100, 80, NOISE_PIXELS)), true);
  assert.equal(samePicture(picture(100, 80), picture(100, 80, NOISE_PIXELS + 1)), false);
  assert.equal(samePicture(picture(100, 80), picture(100, 81)), false, 'another size is another picture');
});
