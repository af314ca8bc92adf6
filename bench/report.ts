// Where the results ran and what they say: the machine facts recorded in every JSON, and the
// markdown summary (one table of every figure next to its baseline, then each benchmark's details).

import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import os from 'node:os';
import type { BenchResult } from './figures.ts';
import { formatNumber, formatRatio, ratio } from './figures.ts';
import { verdict } from './goals.ts';

export interface LoadSpan {
  start: number;
  end: number;
  peak: number;
}

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  /** The browser's own version string, or why there is none. */
  chromium: string;
  playwright: string;
  /** Where the tabs and the server talked: a network namespace of the run's own, or the host. */
  network: string;
  /** 1-minute load average over the whole invocation. */
  loadAverage: LoadSpan;
  /** `git describe`-like: the commit measured, with "-dirty" for uncommitted changes. */
  commit: string | null;
}

export interface BenchRecord {
  result: BenchResult;
  startedAt: string;
  durationS: number;
  load: LoadSpan;
}

export interface SuiteMeta {
  date: string;
  durationS: number;
  machine: MachineInfo;
  /** Image files next to summary.md, with their alt text. */
  plots: Array<{ file: string; alt: string }>;
}

const BYTES_PER_GIB = 1024 ** 3;
/** Above this 1-minute load per core, other work was competing for the CPU. */
const BUSY_LOAD_PER_CORE = 1.5;

/** 1-minute load average, one decimal: recorded because other work inflates every figure. */
export function loadAverageNow(): number {
  return Math.round((os.loadavg()[0] ?? 0) * 10) / 10;
}

/** Samples the load average every few seconds until stopped; the peak is what a busy machine shows. */
export function loadSampler(intervalMs = 5_000): { span(): LoadSpan; stop(): LoadSpan } {
  const start = loadAverageNow();
  let peak = start;
  const timer = setInterval(() => (peak = Math.max(peak, loadAverageNow())), intervalMs);
  timer.unref();
  const span = () => {
    const end = loadAverageNow();
    return { start, end, peak: Math.max(peak, end) };
  };
  return {
    span,
    stop: () => {
      clearInterval(timer);
      return span();
    },
  };
}

function gitCommit(): string | null {
  try {
    const git = (args: string[]) => execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return `${git(['rev-parse', '--short', 'HEAD'])}${git(['status', '--porcelain', '--untracked-files=no']) === '' ? '' : '-dirty'}`;
  } catch {
    return null;
  }
}

export function machineInfo(chromium: string, load: LoadSpan): MachineInfo {
  const cpus = os.cpus();
  const playwright = (createRequire(import.meta.url)('@playwright/test/package.json') as { version: string }).version;
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / BYTES_PER_GIB),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    chromium,
    playwright,
    network: process.env.HIVE_NETNS === '1' ? 'own network namespace' : 'host network',
    loadAverage: load,
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
    machine.network,
    `load average ${machine.loadAverage.start} at start, ${machine.loadAverage.peak} at peak, ${machine.loadAverage.end} at end`,
    `commit ${machine.commit ?? 'unknown'}`,
  ].join(' · ');
}

const cell = (text: string) => text.replace(/\|/g, '\\|');

function summaryRows(records: readonly BenchRecord[]): string[] {
  return [
    '| benchmark | figure | value | detail | baseline | baseline value | ratio |',
    '|---|---|---:|---|---|---:|---:|',
    ...records.flatMap(({ result }) =>
      result.figures.map((figure) => {
        const value = figure.value === null ? (figure.note ?? 'not measured') : `${formatNumber(figure.value)} ${figure.unit}`;
        const detail = [figure.detail, figure.value !== null ? figure.note : undefined].filter(Boolean).join('; ');
        const baseline = figure.baseline;
        const baseValue = baseline === null ? '—' : baseline.value === null ? '—' : `${formatNumber(baseline.value)} ${figure.unit}`;
        return `| ${result.name} | ${cell(figure.label)} | ${cell(value)} | ${cell(detail)} | ${cell(baseline?.label ?? '—')} | ${baseValue} | ${formatRatio(ratio(figure))} |`;
      }),
    ),
  ];
}

/** Every goal the benchmarks judged, met or not: the first thing a reader looks for. */
function goalRows(records: readonly BenchRecord[]): string[] {
  const goals = records.flatMap(({ result }) => (result.goals ?? []).map((goal) => ({ bench: result.name, goal })));
  if (goals.length === 0) return [];
  return [
    '| benchmark | goal | target | measured | verdict |',
    '|---|---|---|---|---|',
    ...goals.map(({ bench, goal }) => `| ${bench} | ${cell(goal.goal)} | ${cell(goal.target)} | ${cell(goal.measured)} | ${verdict(goal)} |`),
    '',
  ];
}

function busyWarning(machine: MachineInfo): string[] {
  const { peak } = machine.loadAverage;
  if (peak <= machine.cores * BUSY_LOAD_PER_CORE) return [];
  return [`**Busy machine:** the 1-minute load average reached ${peak} on ${machine.cores} cores; other work (other agents' test suites) inflated these figures, timings most.`, ''];
}

function benchSection({ result, durationS, load }: BenchRecord): string[] {
  return [
    `## ${result.name}: ${result.status}`,
    '',
    `${durationS} s, load average ${load.start} → ${load.end} (peak ${load.peak}).`,
    '',
    ...result.notes.map((note) => `- ${note}`),
    ...(result.notes.length > 0 ? [''] : []),
    ...result.details,
    ...(result.details.length > 0 ? [''] : []),
  ];
}

export function markdownSummary(records: readonly BenchRecord[], meta: SuiteMeta): string {
  return [
    `# Hivemesh benchmarks, ${meta.date}`,
    '',
    `Machine: ${machineLine(meta.machine)}`,
    '',
    ...busyWarning(meta.machine),
    `Benchmarks: ${records.map(({ result }) => `${result.name} (${result.status})`).join(', ')}; ${meta.durationS} s in all. ` +
      'Ratio = value ÷ baseline value (for timings: above 1× is slower than the baseline).',
    '',
    ...goalRows(records),
    ...summaryRows(records),
    '',
    ...meta.plots.flatMap((plot) => [`![${plot.alt}](${plot.file})`, '']),
    ...records.flatMap(benchSection),
  ].join('\n');
}
