// Runs to summaries: percentiles per transport × colony size × metric, and per-bee counter and
// link averages. Pure functions.

import { percentile } from './figures.ts';
import { COUNTER_NAMES, TAB_METRICS } from './samples.ts';
import type { CounterName, RunResult, TabMetric, TransportName } from './samples.ts';

/** The per-tab metrics plus two per run, from the colony's first navigation: the last full roster, and all tabs attached. */
export type RunMetric = 'colonyFullRosterMs' | 'colonyAttachedMs';
export type Metric = TabMetric | RunMetric;
const RUN_METRICS: readonly RunMetric[] = ['colonyFullRosterMs', 'colonyAttachedMs'];
export const METRICS: readonly Metric[] = [...TAB_METRICS, ...RUN_METRICS];
const isRunMetric = (metric: Metric): metric is RunMetric => (RUN_METRICS as readonly Metric[]).includes(metric);

export interface Distribution {
  metric: Metric;
  /** Samples with a value, and samples expected but missing (a timeout or a failed run). */
  count: number;
  missing: number;
  p50Ms: number | null;
  p95Ms: number | null;
  maxMs: number | null;
}

export interface GroupSummary {
  transport: TransportName;
  colonySize: number;
  runs: number;
  failedRuns: number;
  metrics: Distribution[];
  /** Means over runs of the per-bee averages. */
  countersPerBee: Record<CounterName, number>;
  links: { mean: number; min: number; max: number; fullMesh: number };
  connectedRuns: number;
  /** Means over runs: queens, and the share of bees that are a queen or linked to theirs. */
  queensMean: number;
  attachedShare: number;
  runsWithAnomalies: number;
  consoleErrors: number;
  /** The highest 1-minute load average seen after a run of this group. */
  loadAverageMax: number;
}

const round = (ms: number | null) => (ms === null ? null : Math.round(ms));

export function distribution(metric: Metric, values: ReadonlyArray<number | null>, expected: number): Distribution {
  const present = values.filter((value): value is number => value !== null).sort((a, b) => a - b);
  return {
    metric,
    count: present.length,
    missing: expected - present.length,
    p50Ms: round(percentile(present, 50)),
    p95Ms: round(percentile(present, 95)),
    maxMs: round(present.at(-1) ?? null),
  };
}

function metricValues(runs: readonly RunResult[], metric: Metric): Array<number | null> {
  if (isRunMetric(metric)) return runs.map((run) => run[metric]);
  return runs.flatMap((run) => run.tabs.map((tab) => tab[metric]));
}

function expectedSamples(runs: readonly RunResult[], metric: Metric): number {
  return isRunMetric(metric) ? runs.length : runs.reduce((sum, run) => sum + run.colonySize, 0);
}

const mean = (values: readonly number[]) => (values.length === 0 ? 0 : values.reduce((sum, value) => sum + value, 0) / values.length);

function summariseGroup(runs: readonly RunResult[]): Omit<GroupSummary, 'transport' | 'colonySize'> {
  const good = runs.filter((run) => run.error === null);
  const linkTotals = good.map((run) => run.links.total);
  return {
    runs: runs.length,
    failedRuns: runs.length - good.length,
    metrics: METRICS.map((metric) => distribution(metric, metricValues(runs, metric), expectedSamples(runs, metric))),
    countersPerBee: Object.fromEntries(COUNTER_NAMES.map((name) => [name, mean(good.map((run) => run.countersPerBee[name]))])) as Record<
      CounterName,
      number
    >,
    links: {
      mean: mean(linkTotals),
      min: linkTotals.length === 0 ? 0 : Math.min(...linkTotals),
      max: linkTotals.length === 0 ? 0 : Math.max(...linkTotals),
      fullMesh: runs[0]?.links.fullMesh ?? 0,
    },
    connectedRuns: good.filter((run) => run.links.connected).length,
    queensMean: mean(good.map((run) => run.hives.queens)),
    attachedShare: mean(good.map((run) => run.hives.attached / run.colonySize)),
    runsWithAnomalies: runs.filter((run) => run.anomalies.length > 0 || run.error !== null).length,
    consoleErrors: runs.reduce((sum, run) => sum + run.consoleErrors.length, 0),
    loadAverageMax: Math.max(0, ...runs.map((run) => run.loadAverage1m)),
  };
}

/** One summary per transport × colony size, sorted by transport, then size. */
export function summarise(runs: readonly RunResult[]): GroupSummary[] {
  const groups = new Map<string, RunResult[]>();
  for (const run of runs) {
    const key = `${run.transport} ${run.colonySize}`;
    groups.set(key, [...(groups.get(key) ?? []), run]);
  }
  return [...groups.values()]
    .map((group) => ({ transport: group[0]!.transport, colonySize: group[0]!.colonySize, ...summariseGroup(group) }))
    .sort((x, y) => x.transport.localeCompare(y.transport) || x.colonySize - y.colonySize);
}
