// The upgrade-spread benchmark: how long a seeded colony config version takes to reach every tab,
// in discovery mode (before any queen: neighbour to neighbour) and in queen mode (queens push it),
// in colonies of the same size. One tab calls `window.hive.seedUpgrade()`; the probe notes when
// each tab's `snapshot().version` changes to the seeded one.
//
// Builds without seedUpgrade() (the upgrade work lands separately) report "not available" and no
// figures: the check opens one tab and looks for the method.

import type { Browser, Page } from '@playwright/test';
import type { HiveSnapshot } from '../src/bee.ts';
import type { BenchResult, Figure } from './figures.ts';
import { spread, timingFigure } from './figures.ts';
import { figureGoal, type Goal } from './goals.ts';
import { versionKey } from './hive-view.ts';
import { epochOf, type ProbeRecord } from './probe.ts';
import type { TransportName } from './samples.ts';
import { oneHiveProblem, openColony, queenOf, readRecords, waitForColony, type Colony } from './tabs.ts';

/** For 8 tabs; bigger colonies get more per tab (32 tabs on 2 cores elect slowly). */
const SETTLE_CAP_MS = 30_000;
const SETTLE_CAP_PER_TAB_MS = 1_500;
/** Seeding must change the seeder's own version within this. */
const SEED_CAP_MS = 5_000;
const SPREAD_CAP_MS = 60_000;

export type Mode = 'discovery' | 'queen';

export interface UpgradeOptions {
  /** Colony sizes, each measured in both modes. */
  sizes: number[];
  runs: number;
  transport: TransportName;
}

export interface UpgradeRun {
  run: number;
  mode: Mode;
  colony: string;
  seeder: string | null;
  version: string | null;
  /** Per tab other than the seeder: ms from seedUpgrade() to running the new version. */
  perTabMs: Array<number | null>;
  /** Ms until every tab ran it. */
  colonyMs: number | null;
  /** Discovery mode only counts if no tab was attached to a queen before it adopted the version. */
  tabsWithQueenBeforeAdopting: number;
  /** Queen mode: when the queen ran it, and how the last tab got it (where the tail's time goes). */
  trace?: UpgradeTrace | null;
  error: string | null;
}

export interface UpgradeTrace {
  queenMs: number | null;
  slowest: { ms: number; route: string[] | null; linkedToQueen: boolean; role: string } | null;
}

type SeedWindow = { hive: { seedUpgrade?: () => unknown } };

/** Whether this build has seedUpgrade(): one tab, one look. */
async function seedUpgradeAvailable(browser: Browser, baseURL: string, transport: TransportName): Promise<boolean> {
  const colony = await openColony(browser, { baseURL, transport, size: 1, label: 'upgrade-check' });
  try {
    return await colony.pages[0]!.evaluate(() => typeof (window as unknown as SeedWindow).hive.seedUpgrade === 'function');
  } finally {
    await colony.context.close();
  }
}

/** Discovery mode: everyone knows everyone (the mesh is up) and nobody has a queen yet. */
function discoveryProblem(size: number) {
  return (snaps: HiveSnapshot[]): string | null => {
    if (snaps.some((snap) => snap.queen !== null || snap.role === 'queen')) return 'a queen already';
    const short = snaps.filter((snap) => snap.roster.length < size || snap.neighbours.length === 0);
    return short.length === 0 ? null : `${short.length} tabs without the full roster or a link`;
  };
}

/** Calls seedUpgrade() in `page`; resolves the epoch ms it was called at. */
function seed(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const at = performance.timeOrigin + performance.now();
    await (window as unknown as { hive: { seedUpgrade: () => unknown } }).hive.seedUpgrade();
    return at;
  });
}

function adoptedAt(record: ProbeRecord, version: string, sinceEpochMs: number): number | null {
  const change = record.versions.find(([atMs, key]) => key === version && epochOf(record, atMs) >= sinceEpochMs);
  return change === undefined ? null : epochOf(record, change[0]);
}

function attachedBefore(record: ProbeRecord, epochMs: number | null): boolean {
  return record.attached.some(([atMs, queen]) => queen !== null && (epochMs === null || epochOf(record, atMs) <= epochMs));
}

type LogWindow = { hive: { exportLog(): { entries: Array<{ kind: string; data?: { version?: number; route?: string[] } }> } } };

/** The route of the last config this tab adopted, from its event log. */
async function adoptedRoute(page: Page): Promise<string[] | null> {
  const entries = await page.evaluate(() => (window as unknown as LogWindow).hive.exportLog().entries.filter((entry) => entry.kind === 'upgrade'));
  return entries.at(-1)?.data?.route ?? null;
}

/** Queen mode: when the queen ran the version, and by which way the slowest tab got it. */
async function traceOf(colony: Colony, snaps: readonly HiveSnapshot[], queen: string | null, records: readonly ProbeRecord[], version: string, atEpochMs: number, seeder: string): Promise<UpgradeTrace> {
  const at = (id: string) => adoptedAt(records[colony.ids.indexOf(id)]!, version, atEpochMs);
  const queenAt = queen === null ? null : at(queen);
  let slowest: { id: string; at: number } | null = null;
  for (const id of colony.ids) {
    const tabAt = id === seeder ? null : at(id);
    if (tabAt !== null && (slowest === null || tabAt > slowest.at)) slowest = { id, at: tabAt };
  }
  if (slowest === null) return { queenMs: queenAt === null ? null : queenAt - atEpochMs, slowest: null };
  const snap = snaps.find((s) => s.id === slowest.id)!;
  return {
    queenMs: queenAt === null ? null : queenAt - atEpochMs,
    slowest: { ms: slowest.at - atEpochMs, route: await adoptedRoute(colony.pageOf(slowest.id)), linkedToQueen: queen !== null && snap.neighbours.includes(queen), role: snap.role },
  };
}

async function spreadOnce(colony: Colony, mode: Mode, run: number): Promise<UpgradeRun> {
  const base = { run, mode, colony: colony.name, seeder: null, version: null, perTabMs: [], colonyMs: null, tabsWithQueenBeforeAdopting: 0 };
  const settleCapMs = SETTLE_CAP_MS + Math.max(0, colony.pages.length - 8) * SETTLE_CAP_PER_TAB_MS;
  const settled = await waitForColony(colony.pages, mode === 'queen' ? (snaps) => oneHiveProblem(snaps) : discoveryProblem(colony.pages.length), settleCapMs);
  if (settled.problem !== null) return { ...base, error: `the colony did not settle in ${mode} mode: ${settled.problem}` };
  const queen = queenOf(settled.snaps);
  // A worker seeds in queen mode: its version must go up to the queen and back out.
  const seeder = settled.snaps.find((snap) => snap.id !== queen)!.id;
  const seederPage = colony.pageOf(seeder);
  const before = versionKey(settled.snaps.find((snap) => snap.id === seeder)!);
  const atEpochMs = await seed(seederPage);
  const seeded = await waitForColony([seederPage], ([snap]) => (versionKey(snap!) === before ? 'version unchanged' : null), SEED_CAP_MS);
  if (seeded.problem !== null) return { ...base, seeder, error: `seedUpgrade() did not change the seeder's version in ${SEED_CAP_MS / 1000} s` };
  const version = versionKey(seeded.snaps[0]!);
  const spreadDone = await waitForColony(colony.pages, (snaps) => (snaps.every((snap) => versionKey(snap) === version) ? null : 'not everywhere'), SPREAD_CAP_MS);
  const records = await readRecords(colony.pages);
  const others = records.filter((_, tab) => colony.ids[tab] !== seeder);
  const adopted = others.map((record) => adoptedAt(record, version, atEpochMs));
  return {
    ...base,
    seeder,
    version,
    perTabMs: adopted.map((at) => (at === null ? null : at - atEpochMs)),
    colonyMs: adopted.some((at) => at === null) ? null : Math.max(...(adopted as number[])) - atEpochMs,
    tabsWithQueenBeforeAdopting: mode === 'discovery' ? others.filter((record, i) => attachedBefore(record, adopted[i] ?? null)).length : 0,
    trace: mode === 'queen' ? await traceOf(colony, settled.snaps, queen, records, version, atEpochMs, seeder) : null,
    error: spreadDone.problem === null ? null : `not every tab ran version ${version} within ${SPREAD_CAP_MS / 1000} s`,
  };
}

async function runOnce(browser: Browser, options: UpgradeOptions & { size: number }, baseURL: string, run: number, mode: Mode): Promise<UpgradeRun> {
  let colony: Colony | undefined;
  try {
    colony = await openColony(browser, { baseURL, transport: options.transport, size: options.size, label: `upgrade-${mode}`, params: { capacity: String(options.size), ...(mode === 'discovery' ? { queens: 'off' } : {}) } });
    return await spreadOnce(colony, mode, run);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { run, mode, colony: colony?.name ?? '', seeder: null, version: null, perTabMs: [], colonyMs: null, tabsWithQueenBeforeAdopting: 0, error: message };
  } finally {
    await colony?.context.close();
  }
}

export function upgradeFigures(runs: readonly UpgradeRun[], size: number): Figure[] {
  const valid = (mode: Mode) => runs.filter((run) => run.mode === mode && run.error === null && run.tabsWithQueenBeforeAdopting === 0);
  const [discovery, queen] = [valid('discovery'), valid('queen')];
  const colony = (rs: UpgradeRun[]) => rs.map((run) => run.colonyMs);
  const perTab = (rs: UpgradeRun[]) => rs.flatMap((run) => run.perTabMs);
  return [
    timingFigure(`${size} tabs, queen mode: seedUpgrade() → every tab runs it (per colony)`, colony(queen), { label: 'discovery mode p50', value: spread(colony(discovery)).p50 }),
    timingFigure(`${size} tabs, queen mode: seedUpgrade() → each tab runs it`, perTab(queen), { label: 'discovery mode p50', value: spread(perTab(discovery)).p50 }),
  ];
}

/** Issue 15's goals for the spread: the queen no slower than discovery at 8 tabs, 5× faster at 32. */
const SPREAD_GOALS: Readonly<Record<number, number>> = { 8: 1, 32: 0.2 };

export function upgradeGoals(measured: readonly Figure[], sizes: readonly number[]): Goal[] {
  return sizes
    .filter((size) => SPREAD_GOALS[size] !== undefined)
    .map((size) =>
      figureGoal(
        `${size} tabs: upgrade spread per colony, queen ÷ discovery mode`,
        measured.find((f) => f.label === `${size} tabs, queen mode: seedUpgrade() → every tab runs it (per colony)`),
        { atMost: SPREAD_GOALS[size]! },
      ),
    );
}

function notAvailable(options: UpgradeOptions): BenchResult {
  const note = 'not available: window.hive.seedUpgrade() is not in this build';
  const figure = (size: number, label: string): Figure => ({ label: `${size} tabs, queen mode: ${label}`, unit: 'ms', value: null, baseline: { label: 'discovery mode', value: null }, note });
  return {
    name: 'upgrade',
    status: 'not available',
    notes: [`${note}; the benchmark runs once it is (no figures until then)`],
    figures: options.sizes.flatMap((size) => [figure(size, 'seedUpgrade() → every tab runs it (per colony)'), figure(size, 'seedUpgrade() → each tab runs it')]),
    details: [],
    settings: { ...options },
    raw: null,
  };
}

/** Where the queen-mode run's time went: up to the queen, then down to the slowest tab, and by which way. */
function traceLine(run: UpgradeRun): string | null {
  const { trace } = run;
  if (!trace?.slowest) return null;
  const { slowest, queenMs } = trace;
  const way = slowest.route === null ? 'route unknown' : `route ${slowest.route.length} bees (${slowest.route.map((bee) => bee.slice(0, 6)).join(' → ')})`;
  return `queen ran it at ${queenMs === null ? '—' : Math.round(queenMs)} ms; slowest tab (${slowest.role}, ${slowest.linkedToQueen ? 'linked to the queen' : 'not linked to the queen'}) at ${Math.round(slowest.ms)} ms, ${way}`;
}

export async function runUpgradeBench(browser: Browser, options: UpgradeOptions, baseURL: string, log: (line: string) => void): Promise<BenchResult> {
  if (!(await seedUpgradeAvailable(browser, baseURL, options.transport))) {
    log('upgrade: window.hive.seedUpgrade() is not in this build: not available');
    return notAvailable(options);
  }
  const runs: Array<UpgradeRun & { size: number }> = [];
  for (const size of options.sizes) {
    for (let run = 1; run <= options.runs; run++) {
      // Alternate which mode goes first, so a slow patch of the machine hits both.
      const modes: Mode[] = run % 2 === 1 ? ['discovery', 'queen'] : ['queen', 'discovery'];
      for (const mode of modes) {
        const result = { ...(await runOnce(browser, { ...options, size }, baseURL, run, mode)), size };
        const mixed = result.tabsWithQueenBeforeAdopting > 0 ? ` (${result.tabsWithQueenBeforeAdopting} tabs had a queen first: not counted)` : '';
        const trace = traceLine(result);
        log(`upgrade: ${size} tabs, run ${run}, ${mode} mode: every tab in ${result.colonyMs === null ? '—' : Math.round(result.colonyMs)} ms${mixed}${trace ? `; ${trace}` : ''}${result.error ? `; FAILED: ${result.error}` : ''}`);
        runs.push(result);
      }
    }
  }
  const failed = runs.filter((run) => run.error !== null);
  const mixed = runs.filter((run) => run.tabsWithQueenBeforeAdopting > 0);
  const notes = [
    ...failed.map((run) => `${run.size} tabs, run ${run.run} (${run.mode}) failed: ${run.error}`),
    ...(mixed.length > 0 ? [`${mixed.length} discovery-mode runs not counted: a queen was elected while the version spread`] : []),
  ];
  const measured = options.sizes.flatMap((size) => upgradeFigures(runs.filter((run) => run.size === size), size));
  return {
    name: 'upgrade',
    status: failed.length === runs.length ? 'failed' : notes.length > 0 ? 'partial' : 'measured',
    notes,
    figures: measured,
    goals: upgradeGoals(measured, options.sizes),
    details: [
      `${options.runs} colonies of ${options.sizes.join(' and ')} tabs per mode (${options.transport}). Discovery mode: the tabs open with ?queens=off, so no queen is elected; seeded once every tab has the full roster and a link; a run where some tab was attached to a queen before adopting is not counted. ` +
        'Queen mode: seeded by a worker once the colony is one hive. Per tab: from the seedUpgrade() call to the probe seeing the new version (10 ms polls); the seeder is not counted.',
      ...runs.flatMap((run) => {
        const trace = traceLine(run);
        return trace ? [`${run.size} tabs, queen mode, run ${run.run}: ${trace}.`] : [];
      }),
    ],
    settings: { ...options, settleCapMs: SETTLE_CAP_MS, settleCapPerTabMs: SETTLE_CAP_PER_TAB_MS, spreadCapMs: SPREAD_CAP_MS },
    raw: runs,
  };
}
