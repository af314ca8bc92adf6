// The scale benchmark: links and frames per bee as the colony grows (100 → 10,000 bees in the
// simulator), against a full mesh. Each size runs in a child process (scale-child.ts) with a wall
// clock cap and a heap cap, so a size that does not finish costs a bounded time and still reports
// how far it got.

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { bundleForNode } from '../scripts/node-bundle.ts';
import type { BenchResult, Figure } from './figures.ts';
import type { Goal } from './goals.ts';
import { formatNumber } from './figures.ts';
import { lineCharts } from './plot.ts';
import type { ScaleLine } from './scale-child.ts';
import { BROADCASTS, IDLE_WINDOW_MS, UNICASTS, type ScaleOutcome, type ScaleProgress } from './scale-sim.ts';

const CHILD = fileURLToPath(new URL('./scale-child.ts', import.meta.url));
export const DEFAULT_SIM_SIZES = [100, 1_000, 3_000, 10_000];
/**
 * Wall-clock caps per size, so the whole suite stays near 10 minutes on 2 shared cores. 3,000 bees
 * take about 100 s on a quiet 2-core machine; 10,000 are not expected to converge yet (the growth
 * work fixes scale), so they get a one-minute look at how far they get. `--sim-cap-s` overrides
 * every cap.
 */
const DEFAULT_CAP_S: Record<number, number> = { 100: 30, 1_000: 90, 3_000: 180, 10_000: 60 };
const FALLBACK_CAP_S = 90;
export const DEFAULT_HEAP_MIB = 8_192;
/** Virtual time allowed for convergence after the last join (the simulator's own default). */
const CONVERGE_CAP_MS = 90_000;
const SEED = 1;
const BYTES_PER_MIB = 2 ** 20;

export interface ScaleOptions {
  sizes: number[];
  /** One cap for every size, a cap per size (the defaults for sizes it leaves out), or null for the defaults above. */
  capS: number | Readonly<Record<number, number>> | null;
  heapMiB: number;
}

export type SizeStatus = 'measured' | 'not converged' | 'wall cap' | 'heap cap' | 'failed';

export interface SizeRun {
  bees: number;
  capS: number;
  status: SizeStatus;
  outcome: ScaleOutcome | null;
  /** The last progress report: how far a capped run got. */
  last: ScaleProgress | null;
  wallS: number;
  error: string | null;
}

export const capFor = (bees: number, { capS }: ScaleOptions): number =>
  (typeof capS === 'number' ? capS : capS?.[bees]) ?? DEFAULT_CAP_S[bees] ?? FALLBACK_CAP_S;

/** A line of the child's protocol, or null for anything else a library printed. */
function parseLine(text: string): ScaleLine | null {
  try {
    const line = JSON.parse(text) as ScaleLine;
    return line.type === 'done' || line.type === 'progress' ? line : null;
  } catch {
    return null;
  }
}

async function runSize(bees: number, options: ScaleOptions, log: (line: string) => void): Promise<SizeRun> {
  const capS = capFor(bees, options);
  const plan = { bees, seed: SEED, convergeCapMs: CONVERGE_CAP_MS };
  // Bundled, not through tsx: see scripts/node-bundle.ts.
  const file = await bundleForNode(CHILD);
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--expose-gc', `--max-old-space-size=${options.heapMiB}`, '--enable-source-maps', file, JSON.stringify(plan)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let outcome: ScaleOutcome | null = null;
    let last: ScaleProgress | null = null;
    let capped = false;
    let stderr = '';
    let buffered = '';
    const timer = setTimeout(() => {
      capped = true;
      child.kill('SIGKILL');
    }, capS * 1000);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk;
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = parseLine(buffered.slice(0, newline));
        buffered = buffered.slice(newline + 1);
        if (line === null) continue;
        if (line.type === 'done') outcome = line.outcome;
        else {
          last = line.progress;
          log(`  ${bees} bees: t=${(last.virtualMs / 1000).toFixed(0)} s virtual, ${last.live} live, ${last.queens} queens, ${last.following} following, ${last.linksPerBee.toFixed(1)} links/bee (wall ${(last.wallMs / 1000).toFixed(0)} s, ${Math.round(last.rssBytes / BYTES_PER_MIB)} MiB)`);
        }
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-4_000);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const wallS = (performance.now() - started) / 1000;
      const heap = /heap out of memory|Reached heap limit/i.test(stderr);
      const status: SizeStatus =
        outcome !== null ? (outcome.convergedMs === null ? 'not converged' : 'measured') : capped ? 'wall cap' : heap ? 'heap cap' : 'failed';
      const error = status === 'failed' ? `exit ${code ?? signal}: ${stderr.trim().split('\n').slice(-3).join(' | ')}` : null;
      resolve({ bees, capS, status, outcome, last, wallS, error });
    });
  });
}

const per = (value: number) => formatNumber(value);

function sizeFigures(run: SizeRun): Figure[] {
  const n = run.bees;
  const o = run.outcome;
  if (o === null) {
    const got = run.last;
    const links = got === null ? null : got.linksPerBee;
    const how = got === null ? 'no progress reported' : `${got.live} live, ${got.queens} queens, ${got.following} following at t=${(got.virtualMs / 1000).toFixed(0)} s virtual`;
    return [
      {
        label: `${n} bees: links per bee (at the ${run.status})`,
        unit: 'links',
        value: links,
        baseline: { label: 'full mesh N−1', value: n - 1 },
        note: `${run.status} after ${run.wallS.toFixed(0)} s wall: ${how}`,
      },
    ];
  }
  const note = o.convergedMs === null ? `not converged in ${CONVERGE_CAP_MS / 1000} s virtual after the last join` : undefined;
  const qualified = (figure: Figure): Figure => (note === undefined ? figure : { ...figure, note });
  return [
    qualified({
      label: `${n} bees: links per bee`,
      unit: 'links',
      value: o.links.mean,
      detail: `max ${per(o.links.max)} (queen)`,
      baseline: { label: 'full mesh N−1', value: o.links.fullMesh },
    }),
    qualified({
      label: `${n} bees: idle frames out per bee per s`,
      unit: 'frames/s',
      value: o.idleFramesOutPerS.mean,
      detail: `max ${per(o.idleFramesOutPerS.max)}`,
      baseline: { label: 'full mesh, 1 heartbeat/s/link', value: o.idleFramesOutPerS.fullMesh },
    }),
    qualified({
      label: `${n} bees: idle bytes out per bee per s (JSON)`,
      unit: 'B/s',
      value: o.idleBytesOutPerS.mean,
      detail: `max ${formatNumber(o.idleBytesOutPerS.max)}`,
      baseline: { label: 'full mesh, 1 heartbeat/s/link of the mean frame size', value: o.idleBytesOutPerS.fullMesh },
    }),
    qualified({
      label: `${n} bees: frames per unicast (data + ack)`,
      unit: 'frames',
      value: o.unicast.framesPerMessage,
      detail: `${Math.round(o.unicast.deliveredShare * 100)}% delivered; per message median ${formatNumber(o.unicast.medianFrames)}, max ${formatNumber(o.unicast.maxFrames)}`,
      baseline: { label: 'full mesh: direct + ack', value: o.unicast.fullMeshFramesPerMessage },
    }),
    qualified({
      label: `${n} bees: frames per broadcast`,
      unit: 'frames',
      value: o.broadcast.framesPerMessage,
      detail: `${Math.round(o.broadcast.deliveredShare * 100)}% delivered`,
      baseline: { label: 'full mesh N−1', value: o.broadcast.fullMeshFramesPerMessage },
    }),
    qualified({
      label: `${n} bees: simulator speed while joining and converging`,
      unit: 'virtual s/wall s',
      value: o.convergeVirtualMs / o.convergeWallMs,
      detail: `${seconds(o.convergeVirtualMs)} s virtual in ${seconds(o.convergeWallMs)} s wall`,
      baseline: { label: 'real time', value: 1 },
    }),
    qualified({
      label: `${n} bees: heap per bee, converged`,
      unit: 'KiB',
      value: o.heapPerBeeBytes / 1024,
      detail: 'after a full GC',
      baseline: null,
    }),
  ];
}

const seconds = (ms: number | null) => (ms === null ? '—' : (ms / 1000).toFixed(1));

/** The colony size issue 16 wants converging at real time or faster, in under 2 GiB. */
const REAL_TIME_BEES = 10_000;
const REAL_TIME_RSS_BYTES = 2 * 2 ** 30;

/**
 * Issue 16's goals: a cross-hive unicast in a small constant plus a logarithm of the hives, a
 * broadcast in about one frame per bee; 10,000 bees at real time in 2 GiB.
 */
export function scaleGoals(runs: readonly SizeRun[]): Goal[] {
  return runs.flatMap((run): Goal[] => {
    const o = run.outcome;
    const speed: Goal[] = run.bees !== REAL_TIME_BEES ? [] : [
      o === null
        ? { goal: `${run.bees} bees converge at real time or faster, in under 2 GiB`, target: '≥ 1 virtual s per wall s, peak RSS < 2 GiB', measured: `${run.status} after ${run.wallS.toFixed(0)} s wall`, met: false }
        : {
            goal: `${run.bees} bees converge at real time or faster, in under 2 GiB`,
            target: '≥ 1 virtual s per wall s, peak RSS < 2 GiB',
            measured: `${per(o.convergeVirtualMs / o.convergeWallMs)} virtual s per wall s, ${Math.round(o.peakRssBytes / BYTES_PER_MIB)} MiB`,
            met: o.convergedMs !== null && o.convergeVirtualMs >= o.convergeWallMs && o.peakRssBytes < REAL_TIME_RSS_BYTES,
          },
    ];
    if (o === null || o.convergedMs === null) return speed;
    const hops = 2 * (3 + Math.log2(Math.max(1, o.queens)));
    return [
      { goal: `${run.bees} bees: frames per cross-hive unicast (data + ack)`, target: `≤ 2 × (3 + log₂ ${o.queens} hives) = ${per(hops)}`, measured: per(o.unicast.framesPerMessage), met: o.unicast.framesPerMessage <= hops },
      { goal: `${run.bees} bees: frames per broadcast, per bee`, target: '≤ 1.2', measured: per(o.broadcast.framesPerMessage / (run.bees - 1)), met: o.broadcast.framesPerMessage <= 1.2 * (run.bees - 1) },
      ...speed,
    ];
  });
}

function detailTable(runs: readonly SizeRun[]): string[] {
  return [
    '| bees | status | converged (virtual s) | queens | links/bee mean | max | full mesh | idle frames out/bee/s mean | max | full mesh | idle bytes out/bee/s | frames/unicast | frames/broadcast | virtual s/wall s (converging) | heap KiB/bee | wall s | peak RSS MiB |',
    '|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...runs.map((run) => {
      const o = run.outcome;
      const rss = o?.peakRssBytes ?? run.last?.rssBytes ?? null;
      const rssCell = rss === null ? '—' : String(Math.round(rss / BYTES_PER_MIB));
      if (o === null) {
        const l = run.last;
        const at = l === null ? '' : ` (at t=${seconds(l.virtualMs)} s: ${l.live} live)`;
        return `| ${run.bees} | ${run.status}${at} | — | ${l?.queens ?? '—'} | ${l === null ? '—' : per(l.linksPerBee)} | — | ${run.bees - 1} | — | — | — | — | — | — | — | — | ${run.wallS.toFixed(0)} | ${rssCell} |`;
      }
      return `| ${run.bees} | ${run.status} | ${seconds(o.convergedMs)} | ${o.queens} | ${per(o.links.mean)} | ${per(o.links.max)} | ${o.links.fullMesh} | ${per(o.idleFramesOutPerS.mean)} | ${per(o.idleFramesOutPerS.max)} | ${per(o.idleFramesOutPerS.fullMesh)} | ${formatNumber(o.idleBytesOutPerS.mean)} | ${per(o.unicast.framesPerMessage)} | ${per(o.broadcast.framesPerMessage)} | ${per(o.convergeVirtualMs / o.convergeWallMs)} | ${per(o.heapPerBeeBytes / 1024)} | ${run.wallS.toFixed(0)} | ${rssCell} |`;
    }),
  ];
}

export async function runScaleBench(options: ScaleOptions, log: (line: string) => void): Promise<{ result: BenchResult; runs: SizeRun[] }> {
  const runs: SizeRun[] = [];
  for (const bees of options.sizes) {
    log(`scale: ${bees} simulated bees (cap ${capFor(bees, options)} s wall, ${options.heapMiB} MiB heap)`);
    const run = await runSize(bees, options, log);
    log(`scale: ${bees} bees ${run.status} in ${run.wallS.toFixed(0)} s${run.error ? `: ${run.error}` : ''}`);
    runs.push(run);
  }
  const short = runs.filter((run) => run.status !== 'measured');
  const notes = short.map((run) =>
    run.status === 'failed'
      ? `${run.bees} bees failed: ${run.error}`
      : `${run.bees} bees: ${run.status}${run.status === 'wall cap' ? ` (${run.capS} s)` : ''}; rerun with \`npm run bench -- scale --sim-sizes ${run.bees} --sim-cap-s 3600\``,
  );
  return {
    runs,
    result: {
      name: 'scale',
      status: short.length === 0 ? 'measured' : runs.some((run) => run.outcome !== null) ? 'partial' : 'failed',
      notes,
      figures: runs.flatMap(sizeFigures),
      goals: scaleGoals(runs),
      details: [
        `Simulator, seed ${SEED}, joins spread 10 ms apart (at most 30 s); measured after convergence: ${IDLE_WINDOW_MS / 1000} s idle, ${UNICASTS} unicasts and ${BROADCASTS} broadcasts between random workers.`,
        '',
        ...detailTable(runs),
      ],
      settings: { ...options, seed: SEED, convergeCapMs: CONVERGE_CAP_MS, caps: Object.fromEntries(options.sizes.map((bees) => [bees, capFor(bees, options)])) },
      raw: runs,
    },
  };
}

/** Links and idle frames per bee against the bee count, log-log, next to a full mesh. */
export function scalePlot(runs: readonly SizeRun[]): string {
  const measured = runs.filter((run): run is SizeRun & { outcome: ScaleOutcome } => run.outcome !== null);
  const series = (name: string, pick: (o: ScaleOutcome) => number, dashed = false) => ({
    name,
    points: measured.map((run): [number, number] => [run.bees, pick(run.outcome)]),
    dashed,
  });
  return lineCharts([
    {
      title: 'Links per bee',
      xLabel: 'bees (simulator)',
      yLabel: 'open links',
      series: [series('Hivemesh, mean', (o) => o.links.mean), series('Hivemesh, max (queen)', (o) => o.links.max), series('full mesh', (o) => o.links.fullMesh, true)],
    },
    {
      title: 'Idle frames out per bee per second',
      xLabel: 'bees (simulator)',
      yLabel: 'frames/s',
      series: [
        series('Hivemesh, mean', (o) => o.idleFramesOutPerS.mean),
        series('Hivemesh, max (queen)', (o) => o.idleFramesOutPerS.max),
        series('full mesh, 1 heartbeat/s/link', (o) => o.idleFramesOutPerS.fullMesh, true),
      ],
    },
  ]);
}
