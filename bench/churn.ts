// The churn benchmark: the peer-connection budget (Chrome allows about 500 RTCPeerConnections
// per page lifetime) measured in real tabs while bees come and go. N tabs with a small capacity,
// so hives split and merge, settle into hives; then for a window, every few seconds (seeded) a tab
// is closed or its renderer crashed, and a new tab opens. An init script counts every peer
// connection each tab builds (peer-count.ts); snapshots read once a second show the churn
// (elections, splits, merges). Half the tabs, the residents (workers when the window opens, so
// queens can die), are never killed: they are the long-lived bees the budget is about.

import type { Browser, BrowserContext, Page } from '@playwright/test';
import type { HiveApi, HiveSnapshot } from '../src/bee.ts';
import { seededRng, type Rng } from '../src/hive/rng.ts';
import {
  churnShown,
  closeBreakdown,
  countBetween,
  linkChanges,
  linkChurn,
  GOAL_CONNECTIONS_PER_HOUR,
  longLived,
  rateOf,
  type BudgetWindow,
  type ChurnCounters,
  type LinkChange,
  type Rate,
  type TabKind,
  type TabLife,
} from './churn-budget.ts';
import { formatNumber, type BenchResult, type Figure } from './figures.ts';
import type { Goal } from './goals.ts';
import { attachedQueen } from './hive-view.ts';
import { PEER_COUNT_KEY, peerCountScript, type PeerCount } from './peer-count.ts';
import { loadAverageNow } from './report.ts';
import type { TransportName } from './samples.ts';
import { colonyName, pageURL, watchConsole } from './tabs.ts';

const READY_TIMEOUT_MS = 30_000;
/** From the last tab ready until every tab is attached to a queen, before the window opens. */
const SETTLE_CAP_MS = 60_000;
/** After the window, how long the survivors get to be attached again. */
const RESETTLE_CAP_MS = 30_000;
/** How often the tabs are read: the snapshots only show the churn, so coarse is fine. */
const SAMPLE_INTERVAL_MS = 1_000;
const CRASH_TIMEOUT_MS = 10_000;

export interface ChurnOptions {
  size: number;
  capacity: number;
  windowS: number;
  /** Gaps between departures, uniform in [minGapS, maxGapS]. */
  minGapS: number;
  maxGapS: number;
  seed: number;
  transport: TransportName;
}

/** What one reading of a tab returns. */
interface Reading {
  snap: Pick<HiveSnapshot, 'id' | 'role' | 'queen' | 'hive' | 'neighbours' | 'connections'> & { counters: ChurnCounters };
  peers: PeerCount | null;
  timeOriginMs: number;
}

interface Tab {
  page: Page;
  life: TabLife;
  timeOriginMs: number;
  /** Its open links and role at the last reading. */
  neighbours: string[];
  role: HiveSnapshot['role'] | null;
}

interface Sample {
  atMs: number;
  tabs: number;
  attached: number;
  queens: number;
  /** Mean open links per tab. */
  links: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const noCounters = (): ChurnCounters => ({ elections: 0, splits: 0, merges: 0, linksOpened: 0 });

function read(page: Page): Promise<Reading | null> {
  return page
    .evaluate((key) => {
      const w = window as unknown as { hive?: HiveApi } & Record<string, PeerCount | undefined>;
      if (w.hive === undefined) return null;
      const s = w.hive.snapshot();
      const { elections, splits, merges, linksOpened } = s.counters;
      return {
        snap: { id: s.id, role: s.role, queen: s.queen, hive: s.hive, neighbours: s.neighbours, connections: s.connections, counters: { elections, splits, merges, linksOpened } },
        peers: w[key] ?? null,
        timeOriginMs: performance.timeOrigin,
      };
    }, PEER_COUNT_KEY)
    .catch(() => null); // closed or crashed under us
}

/** Folds one reading into the tab's life; the first reading of a tab also names it. */
function absorb(tab: Tab, reading: Reading): void {
  const { life } = tab;
  tab.timeOriginMs = reading.timeOriginMs;
  life.id = reading.snap.id;
  life.counters = reading.snap.counters;
  life.appConnections = reading.snap.connections;
  if (reading.peers) {
    life.createdAtMs = reading.peers.createdAtMs.map((ms) => reading.timeOriginMs + ms);
    life.dialledAtMs = reading.peers.dialledAtMs.map((ms) => reading.timeOriginMs + ms);
    life.closed = reading.peers.closed;
  }
}

async function openTab(context: BrowserContext, url: string, kind: TabKind): Promise<Tab> {
  const page = await context.newPage();
  const openedAtMs = Date.now();
  await page.goto(url, { waitUntil: 'commit' });
  const life: TabLife = { id: '?', kind, openedAtMs, leftAtMs: null, how: null, createdAtMs: [], dialledAtMs: [], closed: [], appConnections: 0, countersAtStart: noCounters(), counters: noCounters() };
  return { page, life, timeOriginMs: openedAtMs, neighbours: [], role: null };
}

async function ready(page: Page): Promise<void> {
  await page.waitForFunction(() => 'hive' in window, undefined, { timeout: READY_TIMEOUT_MS });
  await page.evaluate(() => (window as unknown as { hive: HiveApi }).hive.ready);
}

/** Reads every live tab, noting the links each opened and lost since; returns the sample of the colony it shows. */
async function sample(live: readonly Tab[], changes: LinkChange[]): Promise<Sample> {
  const readings = await Promise.all(live.map((tab) => read(tab.page)));
  const snaps: Reading['snap'][] = [];
  const atMs = Date.now();
  readings.forEach((reading, i) => {
    if (reading === null) return;
    const tab = live[i]!;
    absorb(tab, reading);
    changes.push(...linkChanges(reading.snap.id, tab.neighbours, reading.snap.neighbours, atMs));
    tab.neighbours = reading.snap.neighbours;
    tab.role = reading.snap.role;
    snaps.push(reading.snap);
  });
  return {
    atMs,
    tabs: snaps.length,
    attached: snaps.filter((snap) => attachedQueen(snap) !== null).length,
    queens: snaps.filter((snap) => snap.role === 'queen').length,
    links: snaps.reduce((sum, snap) => sum + snap.neighbours.length, 0) / Math.max(1, snaps.length),
  };
}

async function untilAttached(live: readonly Tab[], capMs: number, samples: Sample[], changes: LinkChange[]): Promise<number | null> {
  const startedMs = Date.now();
  for (;;) {
    const s = await sample(live, changes);
    samples.push(s);
    if (s.tabs === live.length && s.attached === s.tabs) return Date.now() - startedMs;
    if (Date.now() - startedMs >= capMs) return null;
    await sleep(SAMPLE_INTERVAL_MS);
  }
}

async function kill(tab: Tab, how: 'close' | 'crash'): Promise<void> {
  // The last reading before it goes: what it built up to now is all it will have built.
  const last = await read(tab.page);
  if (last) absorb(tab, last);
  tab.life.how = how;
  tab.life.leftAtMs = Date.now();
  if (how === 'close') {
    await tab.page.close();
    return;
  }
  const crashed = tab.page.waitForEvent('crash', { timeout: CRASH_TIMEOUT_MS });
  const cdp = await tab.page.context().newCDPSession(tab.page);
  // The command never answers: the renderer it runs in is gone.
  cdp.send('Page.crash').catch(() => undefined);
  await crashed;
  await tab.page.close().catch(() => undefined);
}

const gapMs = (rng: Rng, options: ChurnOptions) => (options.minGapS + rng.next() * (options.maxGapS - options.minGapS)) * 1000;

export interface ChurnRun {
  colony: string;
  window: BudgetWindow;
  settleMs: number | null;
  resettleMs: number | null;
  tabs: TabLife[];
  samples: Sample[];
  /** Every link a tab opened or lost, as the readings saw it. */
  changes: LinkChange[];
  loadAverage1m: number;
  consoleErrors: string[];
}

async function runChurn(browser: Browser, options: ChurnOptions, baseURL: string, log: (line: string) => void): Promise<ChurnRun> {
  const rng = seededRng(options.seed);
  const colony = colonyName('churn', options.transport);
  const url = pageURL(baseURL, colony, options.transport, { capacity: String(options.capacity) });
  const context = await browser.newContext();
  try {
    const consoleErrors = watchConsole(context);
    await context.addInitScript(peerCountScript());
    const live = await Promise.all(Array.from({ length: options.size }, () => openTab(context, url, 'early')));
    await Promise.all(live.map((tab) => ready(tab.page)));
    const samples: Sample[] = [];
    const changes: LinkChange[] = [];
    const settleMs = await untilAttached(live, SETTLE_CAP_MS, samples, changes);
    if (settleMs === null) throw new Error(`the ${options.size} tabs were not all attached to queens within ${SETTLE_CAP_MS / 1000} s`);
    // Residents are workers where possible, so the queens can be killed: elections are churn too.
    const byRole = [...live].sort((x, y) => Number(x.role === 'queen') - Number(y.role === 'queen'));
    for (const tab of byRole.slice(0, Math.ceil(options.size / 2))) tab.life.kind = 'resident';
    for (const tab of live) tab.life.countersAtStart = { ...tab.life.counters };
    const all = [...live];
    const window: BudgetWindow = { startMs: Date.now(), endMs: Date.now() + options.windowS * 1000 };
    log(`churn: ${options.size} tabs (capacity ${options.capacity}) settled in ${formatNumber(settleMs)} ms; churning for ${options.windowS} s`);
    let nextAtMs = window.startMs + gapMs(rng, options);
    while (Date.now() < window.endMs) {
      if (Date.now() >= nextAtMs) {
        nextAtMs += gapMs(rng, options);
        const victims = live.filter((tab) => tab.life.kind !== 'resident');
        const victim = rng.pick(victims);
        if (victim) {
          const how = rng.next() < 0.5 ? 'close' : 'crash';
          await kill(victim, how);
          live.splice(live.indexOf(victim), 1);
        }
        const newcomer = await openTab(context, url, 'newcomer');
        live.push(newcomer);
        all.push(newcomer);
      }
      samples.push(await sample(live, changes));
      await sleep(Math.max(0, Math.min(SAMPLE_INTERVAL_MS, nextAtMs - Date.now(), window.endMs - Date.now())));
    }
    window.endMs = Date.now();
    const resettleMs = await untilAttached(live, RESETTLE_CAP_MS, samples, changes);
    return { colony, window, settleMs, resettleMs, tabs: all.map((tab) => tab.life), samples, changes, loadAverage1m: loadAverageNow(), consoleErrors: consoleErrors.filter((error) => error !== 'tab crashed') };
  } finally {
    await context.close();
  }
}

const rateText = (rate: Rate) =>
  `${rate.tabs} tabs; ${formatNumber(rate.dialledPerBeePerHour)}/h dialled by them, the rest answered; ${formatNumber(rate.perJoin)} per tab per join; lifetime max ${rate.maxPerTab}`;

const joinsIn = (run: ChurnRun) => run.tabs.filter((tab) => tab.kind === 'newcomer').length;

export function churnFigures(run: ChurnRun): Figure[] {
  const joins = joinsIn(run);
  const lasting = rateOf(longLived(run.tabs, run.window), run.window, joins);
  const newcomers = rateOf(run.tabs.filter((tab) => tab.kind === 'newcomer'), run.window, joins);
  const everyone = rateOf(run.tabs, run.window, joins);
  const goal = { label: 'goal: a tab lasts a school day', value: GOAL_CONNECTIONS_PER_HOUR };
  return [
    { label: 'churn: peer connections per long-lived bee per hour', unit: '/h', value: lasting.perBeePerHour, detail: rateText(lasting), baseline: goal },
    { label: 'churn: peer connections per newcomer per hour (its join included)', unit: '/h', value: newcomers.perBeePerHour, detail: rateText(newcomers), baseline: goal },
    { label: 'churn: peer connections per bee per hour, every tab', unit: '/h', value: everyone.perBeePerHour, detail: rateText(everyone), baseline: goal },
  ];
}

export function churnGoals(run: ChurnRun): Goal[] {
  const lasting = rateOf(longLived(run.tabs, run.window), run.window, joinsIn(run)).perBeePerHour;
  return [
    {
      goal: 'peer connections per long-lived bee per hour, under churn',
      target: `< ${GOAL_CONNECTIONS_PER_HOUR}`,
      measured: formatNumber(lasting),
      met: lasting === null ? null : lasting < GOAL_CONNECTIONS_PER_HOUR,
    },
  ];
}

function details(run: ChurnRun, options: ChurnOptions): string[] {
  const shown = churnShown(run.tabs);
  const links = linkChurn(run.changes, run.tabs, run.window);
  const closes = closeBreakdown(run.tabs.flatMap((tab) => tab.closed));
  const during = run.samples.filter((s) => s.atMs >= run.window.startMs && s.atMs <= run.window.endMs);
  const range = (values: number[]) => `${formatNumber(Math.min(...values))}–${formatNumber(Math.max(...values))}`;
  const lasting = longLived(run.tabs, run.window);
  const built = run.tabs.reduce((sum, tab) => sum + tab.createdAtMs.length, 0);
  const dialled = run.tabs.reduce((sum, tab) => sum + tab.dialledAtMs.length, 0);
  const app = run.tabs.reduce((sum, tab) => sum + tab.appConnections, 0);
  return [
    `${options.size} tabs (${options.transport}, capacity ${options.capacity}), ${Math.ceil(options.size / 2)} of them residents never killed (workers when the window opened); for ${formatNumber((run.window.endMs - run.window.startMs) / 1000)} s, every ${options.minGapS}–${options.maxGapS} s (seed ${options.seed}) ` +
      `another tab is closed (page.close: pagehide, goodbye) or crashed (CDP Page.crash: silence), half each, and a new tab opens. Settled before the window in ${formatNumber(run.settleMs)} ms; ` +
      `every survivor attached again ${run.resettleMs === null ? `NOT within ${RESETTLE_CAP_MS / 1000} s` : `${formatNumber(run.resettleMs)} ms`} after it. Load average (1 min) at the end: ${run.loadAverage1m}.`,
    '',
    `Churn shown: ${shown.closed} closed, ${shown.crashed} crashed, ${shown.joined} joined; elections ${shown.counters.elections}, splits ${shown.counters.splits}, merges ${shown.counters.merges}, links opened ${shown.counters.linksOpened} (counter growth summed over the tabs, as last read). ` +
      `During the window: ${range(during.map((s) => s.queens))} queens, ${range(during.map((s) => s.attached))} of ${range(during.map((s) => s.tabs))} tabs attached, ${range(during.map((s) => s.links))} links per tab.`,
    '',
    `Peer connections built: ${built} in all (${dialled} dialled, the rest answered; the app's own count says ${app}). ` +
      `Long-lived tabs, each built (dialled) in the window: ${lasting.map((tab) => `${countIn(tab.createdAtMs, run.window)} (${countIn(tab.dialledAtMs, run.window)})`).join(', ')}. ` +
      `Closed: ${closes.total}, of which ${closes.neverConnected} never connected (${closes.neverConnectedDialled} dialled); connected ones by life: ${Object.entries(closes.byLifeS).map(([bound, n]) => `${bound}: ${n}`).join(', ')}.`,
    '',
    `Links of the long-lived tabs in the window (snapshots, once a second): opened to ${links.opened.newcomer} newcomers, ${links.opened.resident + links.opened.early} bees there before the window; ` +
      `lost ${links.lostToDeparture} to a departure and ${links.lostAlive} with both ends alive (rewiring).`,
  ];
}

const countIn = (atMs: readonly number[], window: BudgetWindow) => countBetween(atMs, window.startMs, window.endMs);

export async function runChurnBench(browser: Browser, options: ChurnOptions, baseURL: string, log: (line: string) => void): Promise<BenchResult> {
  const run = await runChurn(browser, options, baseURL, log);
  const figures = churnFigures(run);
  log(`churn: ${figures.map((figure) => `${figure.label.replace('churn: ', '')}: ${formatNumber(figure.value)}`).join('; ')}`);
  return {
    name: 'churn',
    status: run.resettleMs === null ? 'partial' : 'measured',
    notes: [
      ...(run.resettleMs === null ? [`the survivors were not all attached again within ${RESETTLE_CAP_MS / 1000} s of the window's end`] : []),
      ...(run.consoleErrors.length > 0 ? [`${run.consoleErrors.length} console errors in the tabs (see the JSON)`] : []),
    ],
    figures,
    goals: churnGoals(run),
    details: details(run, options),
    settings: { ...options, sampleIntervalMs: SAMPLE_INTERVAL_MS },
    raw: run,
  };
}
