/** Small, dependency-free statistics for the benchmark tables. */

/** The q-quantile (0..1) of the values, by linear interpolation between closest ranks. */
export function quantile(values: ArrayLike<number>, q: number): number {
  const n = values.length;
  if (n === 0) return Number.NaN;
  const sorted = Float64Array.from(values as ArrayLike<number>).sort();
  const rank = (n - 1) * q;
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
}

export const median = (values: ArrayLike<number>) => quantile(values, 0.5);
export const min = (values: readonly number[]) => (values.length ? Math.min(...values) : Number.NaN);
export const max = (values: readonly number[]) => (values.length ? Math.max(...values) : Number.NaN);

/** Latency summary of one repetition, in milliseconds. */
export interface LatencySummary {
  p50: number;
  p95: number;
  p99: number;
  max: number;
  count: number;
}

export function latencySummary(latenciesMs: ArrayLike<number>): LatencySummary {
  return {
    p50: quantile(latenciesMs, 0.5),
    p95: quantile(latenciesMs, 0.95),
    p99: quantile(latenciesMs, 0.99),
    max: quantile(latenciesMs, 1),
    count: latenciesMs.length,
  };
}

/** A figure for a table: 3 significant digits, thousands separated. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return "–";
  const abs = Math.abs(value);
  if (abs >= 1000) return Math.round(value).toLocaleString("en-US");
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(2);
  return value.toPrecision(2);
}
