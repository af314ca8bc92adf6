// What the results say and where they ran: the machine line and the markdown tables that go to
// bench/results/summary.md and stdout.

import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import os from 'node:os';
import type { Distribution, GroupSummary, Metric } from './stats.ts';
import { COUNTER_NAMES } from './samples.ts';
import type { RunResult } from './samples.ts';
import { COUNTERS_AFTER_SETTLED_MS, loadAverageNow } from './run.ts';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  chromium: string;
  playwright: string;
  /** Where the tabs and the server talked: a network namespace of the run's own, or the host. */
  network: string;
  baseURL: string;
  /** 1-minute load average at the start, at the end and its peak over the runs: other work inflates every figure. */
  loadAverage: { start: number; end: number; peak: number };
  /** `git describe`-like: the commit measured, with "-dirty" for uncommitted changes. */
  commit: string | null;
}

export interface ReportMeta {
  machine: MachineInfo;
  date: string;
  sizes: readonly number[];
  runsPerCell: number;
  durationS: number;
  appHasQueens: boolean;
}

const BYTES_PER_GIB = 1024 ** 3;
/**
 * A benchmark alone keeps the 1-minute load average near 2 on 2 cores (N tabs plus the server);
 * above twice the core count, other work was competing for the CPU.
 */
const BUSY_LOAD_PER_CORE = 2;

const METRIC_LABELS: Record<Metric, string> = {
  readyMs: '(a) hive.ready',
  firstLinkMs: '(b) first open link',
  fullRosterMs: '(c) full roster',
  queenAgreedMs: '(d) queen agreed by all',
  colonyFullRosterMs: 'colony: last full roster (per run)',
};


function gitCommit(): string | null {
  try {
    const git = (args: string[]) => execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return `${git(['rev-parse', '--short', 'HEAD'])}${git(['status', '--porcelain']) === '' ? '' : '-dirty'}`;
  } catch {
    return null;
  }
}

export function machineInfo(chromiumVersion: string, baseURL: string, loadAtStart: number, runs: readonly RunResult[]): MachineInfo {
  const loadAtEnd = loadAverageNow();
  const cpus = os.cpus();
  const playwright = (createRequire(import.meta.url)('@playwright/test/package.json') as { version: string }).version;
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / BYTES_PER_GIB),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    chromium: chromiumVersion,
    playwright,
    network: process.env.HIVE_NETNS === '1' ? 'own network namespace' : 'host network',
    baseURL,
    loadAverage: { start: loadAtStart, end: loadAtEnd, peak: Math.max(loadAtStart, loadAtEnd, ...runs.map((run) => run.loadAverage1m)) },
    commit: gitCommit(),
  };
}

export function machineLine(machine: MachineInfo): string {
  return [
    `${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB`,
    machine.os,
    `Node ${machine.node}`,
    `Chromium ${machine.chromium}`,
    `Playwright ${machine.playwright}`,
    `${machine.network}, tabs on ${machine.baseURL}`,
    `load average ${machine.loadAverage.start} at start, ${machine.loadAverage.peak} at peak`,
    `commit ${machine.commit ?? 'unknown'}`,
  ].join(' · ');
}

const cell = (ms: number | null) => (ms === null ? '—' : String(ms));

function metricRow(group: GroupSummary, metric: Distribution): string {
  const figures =
    metric.status === 'n/a' ? ['n/a', 'n/a', 'n/a'] : [cell(metric.p50Ms), cell(metric.p95Ms), cell(metric.maxMs)];
  return `| ${group.transport} | ${group.colonySize} | ${METRIC_LABELS[metric.metric]} | ${figures.join(' | ')} | ${metric.count} | ${metric.missing} |`;
}

function timingTable(groups: readonly GroupSummary[]): string[] {
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

function meshTable(groups: readonly GroupSummary[]): string[] {
  return [
    `| transport | tabs | links mean (min–max) | full mesh | connected runs | queens | attached to a queen | ${COUNTER_NAMES.map((name) => `${name}/bee`).join(' | ')} | failed runs | runs with anomalies | console errors | max load |`,
    `|---|---:|---|---:|---:|---:|---:|${COUNTER_NAMES.map(() => '---:').join('|')}|---:|---:|---:|---:|`,
    ...groups.map(meshRow),
  ];
}

function busyWarning(machine: MachineInfo): string[] {
  const { peak } = machine.loadAverage;
  if (peak <= machine.cores * BUSY_LOAD_PER_CORE) return [];
  return [
    `**Warning:** the machine was busy (1-minute load average up to ${peak} on ${machine.cores} cores; ` +
      'see the load column): other work inflated these figures.',
    '',
  ];
}

export function markdownSummary(groups: readonly GroupSummary[], meta: ReportMeta): string {
  const queenNote = meta.appHasQueens
    ? 'Queen figures: time until every tab named the same queen.'
    : 'Queen figures are n/a: no tab showed an election (term, candidate or queen) in any run, so this build has no queens to time.';
  return [
    `# Colony join benchmark, ${meta.date}`,
    '',
    `Machine: ${machineLine(meta.machine)}`,
    '',
    ...busyWarning(meta.machine),
    `Colony sizes ${meta.sizes.join(', ')}; ${meta.runsPerCell} run${meta.runsPerCell === 1 ? '' : 's'} per transport × size; ${meta.durationS} s in all. ` +
      'Per-tab figures are ms from that tab\'s navigation start, measured in the page; percentiles are nearest-rank over all tabs of all runs.',
    queenNote,
    '',
    ...timingTable(groups),
    '',
    `Links, hives and counters, read ${COUNTERS_AFTER_SETTLED_MS / 1000} s after the colony settled (all joined, queen agreed): means over runs; counters are per bee.`,
    '',
    ...meshTable(groups),
    '',
  ].join('\n');
}
