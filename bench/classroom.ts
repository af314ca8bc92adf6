// The classroom benchmark: N real tabs (32, a class) converge into hives and must stay converged;
// once settled, links per bee against a full mesh's N−1, and what each tab costs in memory (the
// PSS of its renderer). Heavy on 2 cores, so it is not in the default set: `npm run bench -- classroom`.

import type { Browser, Page } from '@playwright/test';
import type { HiveApi, HiveSnapshot } from '../src/bee.ts';
import { formatNumber, mean, type BenchResult, type Figure } from './figures.ts';
import { figureGoal, type Goal } from './goals.ts';
import { attachedQueen } from './hive-view.ts';
import { rendererPssMiB, treePssMiB } from './proc-tree.ts';
import { loadAverageNow } from './report.ts';
import type { TransportName } from './samples.ts';
import { colonyName, openTabs, pageURL, watchConsole } from './tabs.ts';

/** Issue 16: at most this share of a full mesh's links per bee, on average. */
export const GOAL_MESH_SHARE = 0.15;
const READY_TIMEOUT_MS = 60_000;
const CONVERGE_CAP_MS = 180_000;
/** Reading 32 snapshots costs the tabs CPU: once a second while waiting, every few seconds while holding. */
const WAIT_INTERVAL_MS = 1_000;
const HOLD_INTERVAL_MS = 3_000;

export interface ClassroomOptions {
  size: number;
  /** Seconds the converged colony is watched, to see it stay converged. */
  holdS: number;
  transport: TransportName;
}

type View = Pick<HiveSnapshot, 'id' | 'role' | 'queen' | 'neighbours' | 'workers' | 'capacity' | 'connections'>;
/** A tab as read while the benchmark runs: its view, and what it did so far. */
type Reading = View & { counters: Pick<HiveSnapshot['counters'], 'elections' | 'splits' | 'merges'> };
/** While waiting, the log tells how the tabs are getting on this often: what took long, and what the connections went to. */
const PROGRESS_INTERVAL_MS = 10_000;

/** Why `snaps` are not converged (every bee attached to a queen, no queen over capacity), or null. */
export function convergedProblem(snaps: readonly View[]): string | null {
  const loose = snaps.filter((snap) => attachedQueen(snap) === null).length;
  if (loose > 0) return `${loose} tab(s) not attached to a queen`;
  const over = snaps.filter((snap) => snap.role === 'queen' && snap.workers.length > snap.capacity).length;
  return over > 0 ? `${over} queen(s) over capacity` : null;
}

export interface LinkShare {
  /** Mean open links per bee, and the most any bee holds. */
  mean: number;
  max: number;
  fullMesh: number;
  share: number;
  hives: number;
}

export function linkShare(snaps: readonly View[]): LinkShare {
  const counts = snaps.map((snap) => snap.neighbours.length);
  const average = mean(counts) ?? 0;
  const fullMesh = Math.max(1, snaps.length - 1);
  return { mean: average, max: Math.max(0, ...counts), fullMesh, share: average / fullMesh, hives: snaps.filter((snap) => snap.role === 'queen').length };
}

/** Roles, what is not converged yet, and what the tabs did so far: connections built, elections, splits and merges. */
function progress(snaps: readonly Reading[]): string {
  const roles = new Map<string, number>();
  for (const snap of snaps) roles.set(snap.role, (roles.get(snap.role) ?? 0) + 1);
  const sum = (key: keyof Reading['counters']) => snaps.reduce((total, snap) => total + snap.counters[key], 0);
  return `${[...roles].map(([role, count]) => `${count} ${role}`).join(', ')}; ${convergedProblem(snaps) ?? 'converged'}; ${formatNumber(mean(snaps.map((snap) => snap.connections)))} connections per tab, ${sum('elections')} elections, ${sum('splits')} splits, ${sum('merges')} merges`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function views(pages: readonly Page[]): Promise<Reading[]> {
  return Promise.all(
    pages.map((page) =>
      page.evaluate(() => {
        const { id, role, queen, neighbours, workers, capacity, connections, counters } = (window as unknown as { hive: HiveApi }).hive.snapshot();
        return { id, role, queen, neighbours, workers, capacity, connections, counters: { elections: counters.elections, splits: counters.splits, merges: counters.merges } };
      }),
    ),
  );
}

export interface ClassroomRun {
  colony: string;
  convergedMs: number | null;
  problem: string | null;
  /** Readings during the hold: whether each was converged, its queens and links. */
  hold: Array<{ atMs: number; problem: string | null; queens: string[]; links: LinkShare }>;
  /** Links at the end of the hold, if the colony was converged then. */
  settled: LinkShare | null;
  connectionsPerTab: number | null;
  rendererPssMiB: number[];
  browserPssMiB: number;
  loadAverage1m: number;
  consoleErrors: string[];
}

async function runClassroom(browser: Browser, options: ClassroomOptions, baseURL: string, log: (line: string) => void): Promise<ClassroomRun> {
  const colony = colonyName('classroom', options.transport);
  const context = await browser.newContext();
  try {
    const consoleErrors = watchConsole(context);
    const startedMs = Date.now();
    const pages = await openTabs(context, pageURL(baseURL, colony, options.transport), options.size);
    await Promise.all(
      pages.map(async (page) => {
        await page.waitForFunction(() => 'hive' in window, undefined, { timeout: READY_TIMEOUT_MS });
        await page.evaluate(() => (window as unknown as { hive: HiveApi }).hive.ready);
      }),
    );
    log(`classroom: ${options.size} tabs loaded and ready in ${formatNumber(Date.now() - startedMs)} ms`);
    let snaps = await views(pages);
    let reportedMs = Date.now();
    while (convergedProblem(snaps) !== null && Date.now() - startedMs < CONVERGE_CAP_MS) {
      await sleep(WAIT_INTERVAL_MS);
      snaps = await views(pages);
      if (Date.now() - reportedMs < PROGRESS_INTERVAL_MS) continue;
      reportedMs = Date.now();
      log(`classroom: ${formatNumber((reportedMs - startedMs) / 1000)} s: ${progress(snaps)}`);
    }
    log(`classroom: at the end of the wait: ${progress(snaps)}`);
    const problem = convergedProblem(snaps);
    const convergedMs = problem === null ? Date.now() - startedMs : null;
    log(`classroom: ${options.size} tabs ${problem === null ? `converged in ${formatNumber(convergedMs)} ms` : `not converged: ${problem}`}; holding ${options.holdS} s`);
    const hold: ClassroomRun['hold'] = [];
    for (const endMs = Date.now() + options.holdS * 1000; Date.now() < endMs; ) {
      await sleep(HOLD_INTERVAL_MS);
      snaps = await views(pages);
      hold.push({ atMs: Date.now(), problem: convergedProblem(snaps), queens: snaps.filter((snap) => snap.role === 'queen').map((snap) => snap.id).sort(), links: linkShare(snaps) });
    }
    return {
      colony,
      convergedMs,
      problem,
      hold,
      // Read at the end of the hold: a colony that converged late still counts, once it has.
      settled: convergedProblem(snaps) === null ? linkShare(snaps) : null,
      connectionsPerTab: mean(snaps.map((snap) => snap.connections)),
      rendererPssMiB: rendererPssMiB(),
      browserPssMiB: treePssMiB(),
      loadAverage1m: loadAverageNow(),
      consoleErrors,
    };
  } finally {
    await context.close();
  }
}

/** Whether the colony stayed converged through the hold: every reading converged, under the same queens. */
export function stayedConverged(hold: ClassroomRun['hold']): boolean {
  return hold.length > 0 && hold.every((reading) => reading.problem === null && reading.queens.join() === hold[0]!.queens.join());
}

export function classroomFigures(run: ClassroomRun, size: number): Figure[] {
  const links = run.settled;
  return [
    {
      label: `${size} tabs settled in hives: links per bee`,
      unit: 'links',
      value: links?.mean ?? null,
      detail: links ? `max ${links.max}, ${links.hives} hives, ${formatNumber(run.connectionsPerTab)} peer connections built per tab` : 'not converged at the end of the hold',
      baseline: { label: 'full mesh N−1', value: size - 1 },
    },
    {
      label: `${size} tabs: memory per tab (its renderer's PSS)`,
      unit: 'MiB',
      value: mean(run.rendererPssMiB),
      detail: `max ${formatNumber(Math.max(0, ...run.rendererPssMiB))}, ${run.rendererPssMiB.length} renderers; all of Chromium ${formatNumber(run.browserPssMiB)} MiB = ${formatNumber(run.browserPssMiB / size)} per tab`,
      baseline: null,
    },
  ];
}

export function classroomGoals(run: ClassroomRun, size: number): Goal[] {
  const [links] = classroomFigures(run, size);
  const stayed = stayedConverged(run.hold);
  return [
    figureGoal(`${size} tabs converged into hives: links per bee ÷ full mesh`, links, { atMost: GOAL_MESH_SHARE }),
    {
      goal: `${size} tabs converge into hives and stay converged`,
      target: 'every tab attached, no queen over capacity, the same queens throughout the hold',
      measured: run.convergedMs === null ? `not converged: ${run.problem}` : `converged in ${formatNumber(run.convergedMs)} ms; ${stayed ? 'stayed' : 'did not stay'} so for ${run.hold.length} readings`,
      met: run.convergedMs !== null && stayed,
    },
  ];
}

export async function runClassroomBench(browser: Browser, options: ClassroomOptions, baseURL: string, log: (line: string) => void): Promise<BenchResult> {
  const run = await runClassroom(browser, options, baseURL, log);
  const changed = run.hold.filter((reading) => reading.problem !== null || reading.queens.join() !== run.hold[0]?.queens.join()).length;
  return {
    name: 'classroom',
    status: run.convergedMs === null ? 'partial' : 'measured',
    notes: run.consoleErrors.length > 0 ? [`${run.consoleErrors.length} console errors in the tabs (see the JSON)`] : [],
    figures: classroomFigures(run, options.size),
    goals: classroomGoals(run, options.size),
    details: [
      `${options.size} tabs (${options.transport}, the app's default capacity) opened at once in one context; converged = every tab attached to a queen and no queen over capacity. ` +
        `Then held ${options.holdS} s, read every ${HOLD_INTERVAL_MS / 1000} s: ${changed} of ${run.hold.length} readings not converged or under other queens. ` +
        `Links per bee during the hold: ${run.hold.map((reading) => formatNumber(reading.links.mean)).join(', ')}. Memory: PSS of each renderer process at the end (/proc smaps_rollup). Load average (1 min) at the end: ${run.loadAverage1m}.`,
    ],
    settings: { ...options },
    raw: run,
  };
}
