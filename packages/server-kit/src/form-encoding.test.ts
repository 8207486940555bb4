import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isValidFormEncoding } from './form-encoding.js';

test('accepts valid percent-encoded UTF-8 and refuses undecodable pairs', () => {
  assert.equal(isValidFormEncoding(''), true);
  assert.equal(isValidFormEncoding('a=%C3%A9&b=x+y&c'), true);
  assert.equal(isValidFormEncoding('a=%FF'), false);
  assert.equal(isValidFormEncoding('ok=1&a=%C3'), false);
  assert.equal(isValidFormEncoding('a=%zz'), false);
});
