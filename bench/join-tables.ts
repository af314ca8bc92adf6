// The join benchmark's detail tables: timings per transport × size × metric, and the colony's
// links, hives and counters.

import { COUNTER_NAMES } from './samples.ts';
import type { Distribution, GroupSummary, Metric } from './stats.ts';

const METRIC_LABELS: Record<Metric, string> = {
  readyMs: '(a) hive.ready',
  firstLinkMs: '(b) first open link',
  fullRosterMs: '(c) full roster',
  attachedMs: '(d) attached to a queen',
  colonyFullRosterMs: 'colony: last full roster (per run)',
  colonyAttachedMs: 'colony: all attached (per run)',
};

const cell = (ms: number | null) => (ms === null ? '—' : String(ms));

function metricRow(group: GroupSummary, metric: Distribution): string {
  const figures = [cell(metric.p50Ms), cell(metric.p95Ms), cell(metric.maxMs)];
  return `| ${group.transport} | ${group.colonySize} | ${METRIC_LABELS[metric.metric]} | ${figures.join(' | ')} | ${metric.count} | ${metric.missing} |`;
}

export function timingTable(groups: readonly GroupSummary[]): string[] {
  return [
    '| transport | tabs | metric | p50 ms | p95 ms | max ms | samples | missing |',
    '|---|---:|---|---:|---:|---:|---:|---:|',
    ...groups.flatMap((group) => group.metrics.map((metric) => metricRow(group, metric))),
  ];
}

const oneDecimal = (value: number) => value.toFixed(1);

function meshRow(group: GroupSummary): string {
  const { links } = group;
  const range = links.min === links.max ? oneDecimal(links.min) : `${oneDecimal(links.min)}–${oneDecimal(links.max)}`;
  const counters = COUNTER_NAMES.map((name) => oneDecimal(group.countersPerBee[name]));
  const health = `${group.connectedRuns}/${group.runs - group.failedRuns}`;
  const attached = `${Math.round(group.attachedShare * 100)}%`;
  return `| ${group.transport} | ${group.colonySize} | ${oneDecimal(links.mean)} (${range}) | ${links.fullMesh} | ${health} | ${oneDecimal(group.queensMean)} | ${attached} | ${counters.join(' | ')} | ${group.failedRuns} | ${group.runsWithAnomalies} | ${group.consoleErrors} | ${group.loadAverageMax} |`;
}

export function meshTable(groups: readonly GroupSummary[]): string[] {
  return [
    `| transport | tabs | links mean (min–max) | full mesh | connected runs | queens | attached to a queen | ${COUNTER_NAMES.map((name) => `${name}/bee`).join(' | ')} | failed runs | runs with anomalies | console errors | max load |`,
    `|---|---:|---|---:|---:|---:|---:|${COUNTER_NAMES.map(() => '---:').join('|')}|---:|---:|---:|---:|`,
    ...groups.map(meshRow),
  ];
}
