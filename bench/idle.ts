// The idle benchmark: what a settled colony costs when nothing happens. N Hivemesh tabs join and
// settle, then for a window the bench sums the CPU time of Chromium's whole process tree (browser,
// renderers, GPU, network) and its memory (PSS), and reads one visible worker tab's main-thread
// busy time over CDP. In the same run, the same browser does the same for N tabs of a minimal
// simple-peer page holding as many links as the colony did (idle-mesh.ts), pinging once a second.

import type { Browser, BrowserContext, Page } from '@playwright/test';
import type { HiveSnapshot } from '../src/bee.ts';
import { formatNumber, type BenchResult, type Figure } from './figures.ts';
import type { Goal } from './goals.ts';
import { link, meshCount, randomMesh, serveMeshPage } from './idle-mesh.ts';
import { TICKS_PER_SECOND, ticksBetween, treeOf, treePssMiB } from './proc-tree.ts';
import { attachedQueen } from './hive-view.ts';
import { linkGraph } from './samples.ts';
import type { TransportName } from './samples.ts';
import { openColony, openTabs, stopProbes, waitForColony, watchConsole } from './tabs.ts';

/** Goals of issue 15: the colony idles within 1.5× the plain mesh, a worker tab under 2% of a core. */
export const GOAL_CPU_RATIO = 1.5;
export const GOAL_TAB_BUSY_PERCENT = 2;
const SETTLE_CAP_MS = 60_000;
const LINKS_CAP_MS = 60_000;
/** How long the hives must hold before the colony counts as settled. */
const STILL_MS = 5_000;

export interface IdleOptions {
  size: number;
  /** Seconds measured, after settling. */
  windowS: number;
  /** Seconds waited after the colony settled, before the window (the map cools, links settle). */
  settleS: number;
  transport: TransportName;
}

/** One visible tab's main thread over the window, in % of one core (CDP Performance metrics). */
export interface TabBusy {
  task: number;
  script: number;
  layout: number;
  style: number;
}

export interface IdleSide {
  tabs: number;
  links: number;
  cpuPercent: number;
  pssMiB: number;
  tab: TabBusy;
  /** Which tab was watched, and what it was (the bee's role, or "mesh"). */
  watched: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const METRICS = { task: 'TaskDuration', script: 'ScriptDuration', layout: 'LayoutDuration', style: 'RecalcStyleDuration' } as const;

async function metrics(context: BrowserContext, page: Page): Promise<() => Promise<Record<keyof typeof METRICS, number>>> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  return async () => {
    const { metrics: list } = await cdp.send('Performance.getMetrics');
    const value = (name: string) => list.find((metric) => metric.name === name)?.value ?? 0;
    return { task: value(METRICS.task), script: value(METRICS.script), layout: value(METRICS.layout), style: value(METRICS.style) };
  };
}

/** The window itself: nothing of the bench's own runs in the tabs while it lasts. */
async function measure(context: BrowserContext, watched: Page, windowS: number): Promise<Pick<IdleSide, 'cpuPercent' | 'pssMiB' | 'tab'>> {
  const read = await metrics(context, watched);
  const before = await read();
  const treeBefore = treeOf();
  const startedMs = Date.now();
  await sleep(windowS * 1000);
  const treeAfter = treeOf();
  const seconds = (Date.now() - startedMs) / 1000;
  const after = await read();
  const percent = (key: keyof typeof METRICS) => ((after[key] - before[key]) / seconds) * 100;
  return {
    cpuPercent: (ticksBetween(treeBefore, treeAfter) / TICKS_PER_SECOND / seconds) * 100,
    pssMiB: treePssMiB(),
    tab: { task: percent('task'), script: percent('script'), layout: percent('layout'), style: percent('style') },
  };
}

/**
 * Every tab attached with the full roster, and its hives unchanged for STILL_MS: a crowd's first
 * hive breeds, and a queen its brood left alone merges, for seconds after every tab is attached.
 */
function settledProblem(size: number): (snaps: HiveSnapshot[]) => string | null {
  let hives = '';
  let sinceMs = Date.now();
  return (snaps) => {
    const loose = snaps.filter((snap) => attachedQueen(snap) === null || snap.roster.length < size);
    if (loose.length > 0) return `${loose.length} tab(s) not attached or without the full roster`;
    const now = snaps.map((snap) => `${snap.id} ${snap.role} ${snap.queen}`).sort().join('\n');
    if (now !== hives) [hives, sinceMs] = [now, Date.now()];
    const stillMs = Date.now() - sinceMs;
    return stillMs >= STILL_MS ? null : `the hives have held for ${stillMs} ms only`;
  };
}

async function hiveSide(browser: Browser, options: IdleOptions, baseURL: string, log: (line: string) => void): Promise<IdleSide> {
  const colony = await openColony(browser, { baseURL, transport: options.transport, size: options.size, label: 'idle' });
  try {
    const { snaps, problem } = await waitForColony(colony.pages, settledProblem(options.size), SETTLE_CAP_MS);
    if (problem !== null) throw new Error(`the colony did not settle: ${problem}`);
    // The join probe reads a snapshot every few ms: left running, it would be most of what we measure.
    await stopProbes(colony.pages);
    await sleep(options.settleS * 1000);
    const worker = snaps.findIndex((snap) => snap.role === 'worker');
    const watched = colony.pages[Math.max(0, worker)]!;
    await watched.bringToFront();
    const measured = await measure(colony.context, watched, options.windowS);
    const after = await waitForColony(colony.pages, () => null, 0);
    const links = linkGraph(after.snaps).total;
    log(`idle: ${options.size} Hivemesh tabs, ${links} links: ${formatNumber(measured.cpuPercent)}% CPU, ${formatNumber(measured.pssMiB)} MiB`);
    return { tabs: options.size, links, ...measured, watched: after.snaps[Math.max(0, worker)]?.role ?? 'unknown' };
  } finally {
    await colony.context.close();
  }
}

async function meshSide(browser: Browser, options: IdleOptions, baseURL: string, edges: number, log: (line: string) => void): Promise<IdleSide> {
  const context = await browser.newContext();
  try {
    const errors = watchConsole(context);
    const pages = await openTabs(context, await serveMeshPage(context, baseURL), options.size);
    await Promise.all(pages.map((page) => page.waitForFunction(() => '__benchMesh' in window)));
    const mesh = randomMesh(options.size, edges);
    const opening = Promise.all(mesh.map(([a, b]) => link(pages, a, b)));
    await Promise.race([opening, sleep(LINKS_CAP_MS).then(() => Promise.reject(new Error(`the mesh's ${mesh.length} links did not open within ${LINKS_CAP_MS / 1000} s`)))]);
    if (errors.length > 0) throw new Error(`the mesh page failed: ${errors.join('; ')}`);
    await sleep(options.settleS * 1000);
    await pages[0]!.bringToFront();
    const measured = await measure(context, pages[0]!, options.windowS);
    const open = (await Promise.all(pages.map(meshCount))).reduce((sum, count) => sum + count.open, 0) / 2;
    log(`idle: ${options.size} simple-peer mesh tabs, ${open} links: ${formatNumber(measured.cpuPercent)}% CPU, ${formatNumber(measured.pssMiB)} MiB`);
    return { tabs: options.size, links: open, ...measured, watched: 'mesh' };
  } finally {
    await context.close();
  }
}


export function idleFigures(hive: IdleSide, mesh: IdleSide): Figure[] {
  const n = `${hive.tabs} tabs`;
  const baseline = (label: string, value: number) => ({ label: `simple-peer page, ${mesh.links} links: ${label}`, value });
  const busy = (side: IdleSide) => `script ${formatNumber(side.tab.script)}%, layout ${formatNumber(side.tab.layout)}%, style ${formatNumber(side.tab.style)}%`;
  return [
    { label: `${n}, ${hive.links} links: Chromium CPU`, unit: '% of a core', value: hive.cpuPercent, baseline: baseline('Chromium CPU', mesh.cpuPercent) },
    { label: `${n}: Chromium memory (PSS)`, unit: 'MiB', value: hive.pssMiB, baseline: baseline('memory (PSS)', mesh.pssMiB) },
    { label: `one visible ${hive.watched} tab: main thread busy`, unit: '% of a core', value: hive.tab.task, detail: busy(hive), baseline: baseline('one tab busy', mesh.tab.task) },
  ];
}

export function idleGoals(hive: IdleSide, mesh: IdleSide): Goal[] {
  const ratio = mesh.cpuPercent > 0 ? hive.cpuPercent / mesh.cpuPercent : Infinity;
  return [
    {
      goal: `${hive.tabs} settled tabs: Chromium CPU`,
      target: `≤ ${GOAL_CPU_RATIO}× the simple-peer page's`,
      measured: `${formatNumber(hive.cpuPercent)}% = ${formatNumber(ratio)}× ${formatNumber(mesh.cpuPercent)}%`,
      met: ratio <= GOAL_CPU_RATIO,
    },
    {
      goal: `a visible idle ${hive.watched} tab: main thread busy`,
      target: `< ${GOAL_TAB_BUSY_PERCENT}% of a core`,
      measured: `${formatNumber(hive.tab.task)}%`,
      met: hive.tab.task < GOAL_TAB_BUSY_PERCENT,
    },
  ];
}

export async function runIdleBench(browser: Browser, options: IdleOptions, baseURL: string, log: (line: string) => void): Promise<BenchResult> {
  const hive = await hiveSide(browser, options, baseURL, log);
  const mesh = await meshSide(browser, options, baseURL, hive.links, log);
  return {
    name: 'idle',
    status: 'measured',
    notes: [],
    figures: idleFigures(hive, mesh),
    goals: idleGoals(hive, mesh),
    details: [
      `${options.size} settled tabs of each, one after the other in one browser, each measured over ${options.windowS} s after ${options.settleS} s of rest. ` +
        'CPU: utime + stime of every Chromium process (/proc), as % of one core; memory: their summed PSS at the end of the window. ' +
        'One tab: CDP Performance.getMetrics TaskDuration over the window (its script, layout and style parts in the detail; the rest is mostly painting).',
    ],
    settings: { ...options },
    raw: { hive, mesh },
  };
}
