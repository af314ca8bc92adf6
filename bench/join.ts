// The join benchmark: how fast colonies of real tabs join, per transport and colony size. Page load
// → hive.ready → first open link → full roster → attached to a queen, per tab, measured in the page
// (probe.ts); one colony of N tabs per run (run.ts).

import type { Browser } from '@playwright/test';
import type { BenchResult, Figure } from './figures.ts';
import { formatNumber } from './figures.ts';
import { ratioGoal, type Goal } from './goals.ts';
import { meshTable, timingTable } from './join-tables.ts';
import { COUNTERS_AFTER_SETTLED_MS, RUN_CAP_MS, runColony } from './run.ts';
import type { RunResult, TransportName } from './samples.ts';
import { summarise, type GroupSummary, type Metric } from './stats.ts';

/** Run number of the warm-up in the log and the JSON. */
const WARMUP_RUN = 0;

export interface JoinOptions {
  sizes: number[];
  runs: number;
  transports: TransportName[];
}

function progressLine(run: RunResult, runs: number): string {
  const which = run.run === WARMUP_RUN ? 'warm-up' : `run ${run.run}/${runs}`;
  const head = `join: ${run.transport} ${run.colonySize} tabs, ${which}:`;
  if (run.error !== null) return `${head} FAILED: ${run.error}`;
  const attached = run.colonyAttachedMs === null ? 'not all attached to a queen' : `all attached at ${Math.round(run.colonyAttachedMs)} ms`;
  const odd = run.anomalies.length + run.consoleErrors.length > 0 ? `, ${run.anomalies.length} anomalies, ${run.consoleErrors.length} console errors` : '';
  return `${head} ${attached}, ${run.links.total} links, ${run.hives.queens} queen(s)${odd} (${(run.wallMs / 1000).toFixed(1)} s)`;
}

/**
 * One unrecorded warm-up colony first: the first colony of a fresh browser loads the app several
 * hundred ms slower, which would otherwise land on whichever transport goes first. Measured runs
 * interleave transports (size → run → transport) so a slow patch of the machine hits both alike.
 */
async function runAll(browser: Browser, options: JoinOptions, baseURL: string, log: (line: string) => void): Promise<{ runs: RunResult[]; warmups: RunResult[] }> {
  const runs: RunResult[] = [];
  const warmups: RunResult[] = [];
  const runOne = async (transport: TransportName, colonySize: number, run: number, into: RunResult[]) => {
    const result = await runColony(browser, { transport, colonySize, run, baseURL });
    into.push(result);
    log(progressLine(result, options.runs));
  };
  await runOne(options.transports[0] ?? 'simple-peer', Math.min(...options.sizes), WARMUP_RUN, warmups);
  for (const colonySize of options.sizes) {
    for (let run = 1; run <= options.runs; run++) {
      for (const transport of options.transports) await runOne(transport, colonySize, run, runs);
    }
  }
  return { runs, warmups };
}

const metricOf = (group: GroupSummary, metric: Metric) => group.metrics.find((d) => d.metric === metric)!;

function groupFigures(group: GroupSummary): Figure[] {
  const ready = metricOf(group, 'readyMs');
  const baseline = { label: `hive.ready p50 (page load + signaling)`, value: ready.p50Ms };
  const figure = (label: string, metric: Metric): Figure => {
    const d = metricOf(group, metric);
    return {
      label: `${group.colonySize} tabs, ${group.transport}: ${label}`,
      unit: 'ms',
      value: d.p50Ms,
      detail: `p95 ${formatNumber(d.p95Ms)}, n=${d.count}${d.missing > 0 ? `, ${d.missing} missing` : ''}`,
      baseline,
    };
  };
  return [figure('page load → first link', 'firstLinkMs'), figure('page load → attached to a queen', 'attachedMs')];
}

/** Issue 15: a tab is attached to a queen within 1.3× the time it takes to be ready at all. */
const ATTACHED_OVER_READY_GOAL = 1.3;

function groupGoal(group: GroupSummary): Goal {
  const baseline = { label: 'hive.ready p50', value: metricOf(group, 'readyMs').p50Ms };
  return ratioGoal(`${group.colonySize} tabs, ${group.transport}: page load → attached to a queen (p50)`, metricOf(group, 'attachedMs').p50Ms, baseline, ATTACHED_OVER_READY_GOAL);
}

export async function runJoinBench(browser: Browser, options: JoinOptions, baseURL: string, log: (line: string) => void): Promise<BenchResult> {
  const { runs, warmups } = await runAll(browser, options, baseURL, log);
  const groups = summarise(runs);
  const failed = runs.filter((run) => run.error !== null).length;
  const missing = groups.flatMap((group) => group.metrics).reduce((sum, d) => sum + d.missing, 0);
  const notes = [
    ...(failed > 0 ? [`${failed} of ${runs.length} runs failed (see the JSON)`] : []),
    ...(missing > 0 ? [`${missing} samples missing: a tab did not get there within the ${RUN_CAP_MS / 1000} s cap`] : []),
  ];
  return {
    name: 'join',
    status: failed === runs.length ? 'failed' : notes.length > 0 ? 'partial' : 'measured',
    notes,
    figures: groups.flatMap(groupFigures),
    goals: groups.map(groupGoal),
    details: [
      `Colony sizes ${options.sizes.join(', ')}; ${options.runs} run(s) per transport × size after one warm-up. Per-tab figures are ms from that tab's navigation start, measured in the page; percentiles are nearest-rank over all tabs of all runs.`,
      '',
      ...timingTable(groups),
      '',
      `Links, hives and counters, read ${COUNTERS_AFTER_SETTLED_MS / 1000} s after the colony settled (all joined and attached): means over runs; counters are per bee.`,
      '',
      ...meshTable(groups),
    ],
    settings: { ...options, runCapMs: RUN_CAP_MS, countersAfterSettledMs: COUNTERS_AFTER_SETTLED_MS },
    raw: { summary: groups, runs, warmups },
  };
}
