import assert from 'node:assert/strict';
import { test } from 'node:test';
import { median, pairedRatios, quantile, summarize } from './stats.js';

test('median of odd and even samples, whatever their order', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
});

test('quantiles interpolate between closest ranks (numpy default)', () => {
  const values = [10, 20, 30, 40, 50];
  assert.equal(quantile(values, 0), 10);
  assert.equal(quantile(values, 1), 50);
  assert.equal(quantile(values, 0.95), 48);
  assert.equal(quantile([7], 0.95), 7);
});

test('rejects an empty sample and a quantile outside 0..1', () => {
  assert.throws(() => median([]), RangeError);
  assert.throws(() => quantile([1], 1.5), RangeError);
  assert.throws(() => summarize([]), RangeError);
});

test('summarize gives n, median, min, max, p95 and mean', () => {
  const { p95, ...rest } = summarize([2, 8, 4, 6]);
  assert.deepEqual(rest, { n: 4, median: 5, min: 2, max: 8, mean: 5 });
  assert.ok(Math.abs(p95 - 7.7) < 1e-9);
});

test('paired ratios divide run by run and stop at the shorter sample', () => {
  assert.deepEqual(pairedRatios([2, 9, 4], [1, 3]), [2, 3]);
});
