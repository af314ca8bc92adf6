// The goals of issues 15 (the fast path) and 16 (scale), judged against what the benchmarks
// measured: each goal names its figure, its limit and whether it was met. Pure; report.ts renders them.

import { formatNumber, formatRatio, ratio, type Figure, type Spread } from './figures.ts';

export interface Goal {
  goal: string;
  /** The limit in words: "≤ 1.3× hive.ready", "p50 < 1,000 ms, p95 < 1,500 ms". */
  target: string;
  measured: string;
  /** Null when there was nothing to judge (no sample). */
  met: boolean | null;
}

export interface Limit {
  p50?: number;
  p95?: number;
}

const limitText = ({ p50, p95 }: Limit, unit: string) =>
  [p50 !== undefined ? `p50 < ${formatNumber(p50)} ${unit}` : '', p95 !== undefined ? `p95 < ${formatNumber(p95)} ${unit}` : ''].filter(Boolean).join(', ');

/** A timing goal: the p50 (and p95, when limited) of the samples below their limits. */
export function timingGoal(goal: string, samples: Spread, limit: Limit): Goal {
  const measured = samples.count === 0 ? 'no sample' : `p50 ${formatNumber(samples.p50)} ms, p95 ${formatNumber(samples.p95)} ms (n=${samples.count})`;
  const below = (value: number | null, max: number | undefined) => max === undefined || (value !== null && value < max);
  return { goal, target: limitText(limit, 'ms'), measured, met: samples.count === 0 ? null : below(samples.p50, limit.p50) && below(samples.p95, limit.p95) };
}

/** A ratio goal: `value` at most `maxRatio` × `baseline` (both p50s). */
export function ratioGoal(goal: string, value: number | null, baseline: { label: string; value: number | null }, maxRatio: number): Goal {
  const target = `≤ ${maxRatio}× ${baseline.label}`;
  if (value === null || baseline.value === null || baseline.value === 0) return { goal, target, measured: 'no sample', met: null };
  const ratio = value / baseline.value;
  return { goal, target, measured: `${formatNumber(value)} ms = ${ratio.toFixed(2)}× ${formatNumber(baseline.value)} ms`, met: ratio <= maxRatio };
}

/** A goal on a figure's ratio to its own baseline: at most or at least `bound`. Unjudged without the figure. */
export function figureGoal(goal: string, figure: Figure | undefined, bound: { atMost: number } | { atLeast: number }): Goal {
  const target = 'atMost' in bound ? `≤ ${formatRatio(bound.atMost)}` : `≥ ${formatRatio(bound.atLeast)}`;
  const measured = figure === undefined ? null : ratio(figure);
  if (measured === null) return { goal, target, measured: 'no sample', met: null };
  return { goal, target, measured: formatRatio(measured), met: 'atMost' in bound ? measured <= bound.atMost : measured >= bound.atLeast };
}

export function verdict(goal: Goal): string {
  return goal.met === null ? 'not measured' : goal.met ? 'met' : 'not met';
}
