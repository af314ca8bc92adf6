// What every benchmark hands back: named figures, each next to the baseline it is judged against,
// and the ratio between them. Pure; report.ts renders them.

import type { Goal } from './goals.ts';

export const BENCH_NAMES = ['join', 'failover', 'relay', 'upgrade', 'idle', 'churn', 'classroom', 'scale', 'signaling'] as const;
export type BenchName = (typeof BENCH_NAMES)[number];
/** Run only when named: 32 tabs at once take minutes and both cores. */
export const OPT_IN_BENCHES: readonly BenchName[] = ['classroom'];

export interface Baseline {
  label: string;
  value: number | null;
}

export interface Figure {
  label: string;
  unit: string;
  /** The headline value (a p50 for timings); null when it could not be measured. */
  value: number | null;
  /** A second number worth seeing next to it, in words: "p95 2021", "max 999 (queen)". */
  detail?: string;
  baseline: Baseline | null;
  /** Shown when value is null, or to qualify it. */
  note?: string;
}

export type BenchStatus = 'measured' | 'partial' | 'not available' | 'failed';

export interface BenchResult {
  name: BenchName;
  status: BenchStatus;
  /** Why the status is not 'measured', and anything a reader must know to trust the figures. */
  notes: string[];
  figures: Figure[];
  /** The issue's goals these figures are judged against (goals.ts), when the benchmark has any. */
  goals?: Goal[];
  /** Extra markdown (a detail table) for the summary, under the benchmark's heading. */
  details: string[];
  settings: Record<string, unknown>;
  /** Every sample, for the JSON. */
  raw: unknown;
}

/** value ÷ baseline, or null when either is missing or the baseline is zero. */
export function ratio(figure: Pick<Figure, 'value' | 'baseline'>): number | null {
  const base = figure.baseline?.value;
  if (figure.value === null || base === null || base === undefined || base === 0) return null;
  return figure.value / base;
}

/** Nearest-rank percentile of ascending `sorted` (no interpolation: every figure was observed). */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? null;
}

export interface Spread {
  count: number;
  p50: number | null;
  p95: number | null;
  max: number | null;
}

export function spread(values: ReadonlyArray<number | null>): Spread {
  const present = values.filter((value): value is number => value !== null && Number.isFinite(value)).sort((a, b) => a - b);
  return { count: present.length, p50: percentile(present, 50), p95: percentile(present, 95), max: present.at(-1) ?? null };
}

export function mean(values: readonly number[]): number | null {
  return values.length === 0 ? null : values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** A timing figure from samples: p50 as the value, p95 and the sample count as detail. */
export function timingFigure(label: string, samples: ReadonlyArray<number | null>, baseline: Baseline | null, expected = samples.length): Figure {
  const s = spread(samples);
  const missing = expected - s.count;
  return {
    label,
    unit: 'ms',
    value: s.p50,
    detail: `p95 ${formatNumber(s.p95)}, n=${s.count}${missing > 0 ? `, ${missing} missing` : ''}`,
    baseline,
    ...(s.count === 0 ? { note: 'no sample' } : {}),
  };
}

/** Three significant digits at most, thousands grouped: 1234 → "1,234", 0.4567 → "0.457". */
export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

export function formatRatio(value: number | null): string {
  if (value === null) return '—';
  return `${value >= 10 ? value.toFixed(0) : value >= 1 ? value.toFixed(2) : value.toPrecision(2)}×`;
}
