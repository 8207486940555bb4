/** Order statistics of a sample: what every figure of the report is made of. */
export interface Summary {
  n: number;
  median: number;
  min: number;
  max: number;
  p95: number;
  mean: number;
}

/** The q-quantile (0 ≤ q ≤ 1) by linear interpolation between closest ranks (R-7, as numpy). */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) throw new RangeError('quantile of an empty sample');
  if (q < 0 || q > 1) throw new RangeError(`quantile ${q} is outside 0..1`);
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lower = Math.floor(pos);
  const upper = Math.ceil(pos);
  const lo = sorted[lower] as number;
  const hi = sorted[upper] as number;
  return lo + (hi - lo) * (pos - lower);
}

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) throw new RangeError('summary of an empty sample');
  return {
    n: values.length,
    median: median(values),
    min: Math.min(...values),
    max: Math.max(...values),
    p95: quantile(values, 0.95),
    mean: values.reduce((a, b) => a + b, 0) / values.length,
  };
}

/** Element-wise a[i] / b[i]: ratios of paired, interleaved runs. */
export function pairedRatios(a: readonly number[], b: readonly number[]): number[] {
  const n = Math.min(a.length, b.length);
  return Array.from({ length: n }, (_, i) => (a[i] as number) / (b[i] as number));
}
