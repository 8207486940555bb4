import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatNumber, formatTable, isMet, type Row, renderSvg } from './report.js';
import { summarize } from './stats.js';

const ratio: Row = {
  section: '1',
  figure: 'cold start ratio',
  unit: '×',
  summary: summarize([1.2, 1.4, 1.3]),
  target: { op: '<=', limit: 1.5, text: '≤ 1.5' },
};
const rate: Row = {
  section: '2',
  figure: 'token <c=1>',
  unit: 'rps',
  summary: summarize([800, 900]),
  target: { op: '>=', limit: 1000, text: '≥ 1000' },
};
const info: Row = { section: '3', figure: 'hash', unit: 'ms', summary: summarize([50]) };

test('a target is met when the median is on the right side of the limit', () => {
  assert.equal(isMet(ratio), true);
  assert.equal(isMet(rate), false);
  assert.equal(isMet(info), undefined);
  assert.equal(isMet({ ...ratio, summary: summarize([1.5]) }), true, 'the limit itself meets a ≤ target');
});

test('numbers keep about three significant digits', () => {
  assert.equal(formatNumber(1234.4), '1234');
  assert.equal(formatNumber(12.345), '12.3');
  assert.equal(formatNumber(1.2345), '1.23');
  assert.equal(formatNumber(0.12345), '0.123');
});

test('the table has a header, one aligned line per row, and says which targets are met', () => {
  const lines = formatTable([ratio, rate, info]).split('\n');
  assert.equal(lines.length, 5);
  assert.match(lines[0] ?? '', /^\| § +\| Figure +\| Median +\| Min–max +\| n +\| Target +\| Met +\|$/);
  assert.match(lines[2] ?? '', /\| 1\.30 × +\| 1\.20–1\.40 +\| 3 +\| ≤ 1\.5 +\| met +\|/);
  assert.match(lines[3] ?? '', /\| NOT met \|/);
  assert.equal(new Set(lines.map((l) => l.length)).size, 1, 'every line has the same width');
});

test('the chart draws one bar per target, escapes text, and colours misses', () => {
  const svg = renderSvg([ratio, rate, info], 'bench <quick>');
  assert.match(svg, /^<svg /);
  assert.equal((svg.match(/<rect /g) ?? []).length, 2);
  assert.ok(svg.includes('bench &lt;quick&gt;'));
  assert.ok(svg.includes('token &lt;c=1&gt;'));
  assert.ok(svg.includes('#c0392b'), 'the missed target is red');
});
