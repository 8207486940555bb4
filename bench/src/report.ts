import type { Summary } from './stats.js';

/** A target: `value op limit`, e.g. ratio ≤ 1.5. */
export interface Target {
  op: '<=' | '>=';
  limit: number;
  /** How the target reads in the table, e.g. "≤ 1.5 × bare". */
  text: string;
}

export interface Row {
  /** Section of the issue (1…6). */
  section: string;
  figure: string;
  unit: string;
  summary: Summary;
  target?: Target;
  note?: string;
}

export interface Report {
  startedAt: string;
  quick: boolean;
  machine: { cpus: number; node: string; platform: string; loadAverage: number[] };
  durationSeconds: number;
  rows: Row[];
}

export function isMet(row: Row): boolean | undefined {
  if (!row.target) return undefined;
  const v = row.summary.median;
  return row.target.op === '<=' ? v <= row.target.limit : v >= row.target.limit;
}

/** Few significant digits: 1234 → "1234", 12.34 → "12.3", 0.1234 → "0.123". */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 100) return String(Math.round(value));
  if (abs >= 10) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(2);
  return value.toFixed(3);
}

function metText(row: Row): string {
  const met = isMet(row);
  return met === undefined ? '' : met ? 'met' : 'NOT met';
}

/** The table as Markdown: readable in a terminal and pasteable into the README. */
export function formatTable(rows: readonly Row[]): string {
  const header = ['§', 'Figure', 'Median', 'Min–max', 'n', 'Target', 'Met'];
  const lines = rows.map((r) => [
    r.section,
    r.figure,
    `${formatNumber(r.summary.median)} ${r.unit}`.trim(),
    `${formatNumber(r.summary.min)}–${formatNumber(r.summary.max)}`,
    String(r.summary.n),
    r.target?.text ?? '',
    metText(r),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const fmt = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [fmt(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...lines.map(fmt)].join('\n');
}

const escapeXml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * A bar per target: the median as a fraction of its limit (min–max as a whisker), with the limit
 * at 1. For "≥" targets the fraction is limit ÷ value, so for every bar shorter is better and
 * anything past the line misses.
 */
export function renderSvg(rows: readonly Row[], title: string): string {
  const targeted = rows.filter((r) => r.target);
  const barHeight = 22;
  const labelWidth = 360;
  const plotWidth = 360;
  const top = 40;
  const scaleMax = 2;
  const height = top + targeted.length * (barHeight + 8) + 30;
  const x = (fraction: number) => labelWidth + (Math.min(fraction, scaleMax) / scaleMax) * plotWidth;
  const frac = (row: Row, v: number) => {
    const t = row.target as Target;
    return t.op === '<=' ? v / t.limit : t.limit / v;
  };
  const bars = targeted.map((row, i) => {
    const y = top + i * (barHeight + 8);
    const mid = frac(row, row.summary.median);
    const a = frac(row, row.summary.min);
    const b = frac(row, row.summary.max);
    const color = isMet(row) ? '#3a7d44' : '#c0392b';
    return [
      `<text x="${labelWidth - 8}" y="${y + 15}" text-anchor="end">${escapeXml(`§${row.section} ${row.figure}`)}</text>`,
      `<rect x="${labelWidth}" y="${y}" width="${(x(mid) - labelWidth).toFixed(1)}" height="${barHeight}" fill="${color}"/>`,
      `<line x1="${x(Math.min(a, b)).toFixed(1)}" x2="${x(Math.max(a, b)).toFixed(1)}" y1="${y + barHeight / 2}" y2="${y + barHeight / 2}" stroke="#222"/>`,
      `<text x="${(x(mid) + 4).toFixed(1)}" y="${y + 15}">${escapeXml(`${formatNumber(row.summary.median)} ${row.unit}`)}</text>`,
    ].join('');
  });
  const limitX = x(1);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${labelWidth + plotWidth + 140}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<text x="8" y="20" font-size="14" font-weight="bold">${escapeXml(title)}</text>`,
    ...bars,
    `<line x1="${limitX}" x2="${limitX}" y1="${top - 6}" y2="${height - 24}" stroke="#555" stroke-dasharray="4 3"/>`,
    `<text x="${limitX}" y="${height - 10}" text-anchor="middle">target (bar = median ÷ limit; shorter is better)</text>`,
    '</svg>',
  ].join('\n');
}
