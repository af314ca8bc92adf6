// One benchmark run: a fresh browser context, N tabs of it opened at once on a colony of their own,
// a wait until every tab has joined (and the colony has agreed on a queen, when the app has
// queens), then the samples. The timings come from the in-page probe, not from this loop.

import os from 'node:os';
import type { Browser, BrowserContext, Page } from '@playwright/test';
import type { HiveApi, HiveSnapshot } from '../src/bee.ts';
import { PROBE_KEY, probeScript } from './probe.ts';
import type { ProbeRecord } from './probe.ts';
import { anomalies, colonyFullRosterMs, countersPerBee, hiveShape, linkGraph, queenAgreementEpochMs, tabSamples } from './samples.ts';
import type { RunResult, TransportName } from './samples.ts';

/** The probe's polling period in the page: the resolution of every figure but `ready`. */
const PROBE_POLL_INTERVAL_MS = 10;
/** How often this loop looks at the tabs; it only decides when to stop, so coarse is fine. */
const WAIT_POLL_INTERVAL_MS = 200;
/** Cap on one run, from the first navigation: a join or an election that takes longer is missing. */
export const RUN_CAP_MS = 30_000;
/**
 * Counters and links are read this long after the colony settled (all joined, queen agreed when
 * there are queens), so every run is read alike and workers have had time to link to their queen.
 */
export const COUNTERS_AFTER_SETTLED_MS = 1_000;
const CONSOLE_ERRORS_KEPT = 20;

export interface RunPlan {
  transport: TransportName;
  colonySize: number;
  run: number;
  baseURL: string;
  /** Whether to wait for a queen: null while unknown (the first run finds out), then yes or no. */
  expectQueens: boolean | null;
}

interface Observation {
  records: ProbeRecord[];
  snaps: HiveSnapshot[];
}

/** 1-minute load average, one decimal: recorded per run because other work inflates every figure. */
export function loadAverageNow(): number {
  return Math.round((os.loadavg()[0] ?? 0) * 10) / 10;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function colonyName(plan: RunPlan): string {
  const short = plan.transport === 'peerjs' ? 'pj' : 'sp';
  return `bench-${short}-${plan.colonySize}-${plan.run}-${Date.now().toString(36)}`;
}

function pageURL(plan: RunPlan, colony: string): string {
  const url = new URL('/', plan.baseURL);
  url.searchParams.set('colony', colony);
  url.searchParams.set('transport', plan.transport);
  return url.href;
}

/** Console errors and uncaught exceptions of every tab, kept for the report. */
function watchConsole(context: BrowserContext): string[] {
  const errors: string[] = [];
  const keep = (text: string) => errors.length < CONSOLE_ERRORS_KEPT && errors.push(text);
  context.on('page', (page) => {
    page.on('console', (message) => message.type() === 'error' && keep(`console.error: ${message.text()}`));
    page.on('pageerror', (error) => keep(`uncaught: ${error.message}`));
    page.on('crash', () => keep('tab crashed'));
  });
  return errors;
}

/** Opens every tab at once, as a classroom would; each figure counts from its own navigation. */
function openTabs(context: BrowserContext, url: string, count: number): Promise<Page[]> {
  return Promise.all(
    Array.from({ length: count }, async () => {
      const page = await context.newPage();
      await page.goto(url, { waitUntil: 'commit' });
      return page;
    }),
  );
}

function readRecord(page: Page): Promise<ProbeRecord | null> {
  return page.evaluate((key) => ((window as unknown as Record<string, ProbeRecord | undefined>)[key] ?? null), PROBE_KEY);
}

function readSnapshots(pages: readonly Page[]): Promise<HiveSnapshot[]> {
  return Promise.all(pages.map((page) => page.evaluate(() => (window as unknown as { hive: HiveApi }).hive.snapshot())));
}

const joined = (record: ProbeRecord | null): record is ProbeRecord =>
  record !== null && record.readyMs !== null && record.firstLinkMs !== null && record.fullRosterMs !== null;

/**
 * Waits until the colony has settled (every tab joined and, when the app has queens, all tabs
 * agree on one), then COUNTERS_AFTER_SETTLED_MS more so links to the queen and counters catch up,
 * and reads every tab's snapshot once. At the cap it reads them as they are.
 */
async function observe(pages: readonly Page[], plan: RunPlan, startedMs: number): Promise<Observation> {
  let settledAtMs: number | null = null;
  for (;;) {
    const maybeRecords = await Promise.all(pages.map(readRecord));
    const nowMs = Date.now();
    const records = maybeRecords.filter((record): record is ProbeRecord => record !== null);
    const electionSeen = records.some((record) => record.electionSeen);
    const queenSettled = queenAgreementEpochMs(records) !== null || (plan.expectQueens === false && !electionSeen);
    if (settledAtMs === null && maybeRecords.every(joined) && queenSettled) settledAtMs = nowMs;
    const readNow = settledAtMs !== null && nowMs - settledAtMs >= COUNTERS_AFTER_SETTLED_MS;
    if (readNow || nowMs - startedMs >= RUN_CAP_MS) {
      if (records.length < pages.length) throw new Error(`the probe never ran in ${pages.length - records.length} tab(s)`);
      return { records, snaps: await readSnapshots(pages) };
    }
    await sleep(WAIT_POLL_INTERVAL_MS);
  }
}

function result(plan: RunPlan, colony: string, startedMs: number, seen: Observation, consoleErrors: string[]): RunResult {
  const ids = seen.snaps.map((snap) => snap.id);
  const tabs = tabSamples(seen.records, ids);
  return {
    transport: plan.transport,
    colonySize: plan.colonySize,
    run: plan.run,
    colony,
    startedAt: new Date(startedMs).toISOString(),
    wallMs: Date.now() - startedMs,
    loadAverage1m: loadAverageNow(),
    tabs,
    colonyFullRosterMs: colonyFullRosterMs(tabs),
    electionSeen: seen.records.some((record) => record.electionSeen),
    countersPerBee: countersPerBee(seen.snaps),
    links: linkGraph(seen.snaps),
    hives: hiveShape(seen.snaps),
    anomalies: anomalies(seen.records, tabs, seen.snaps, colony),
    consoleErrors,
    error: null,
  };
}

function failedRun(plan: RunPlan, colony: string, startedMs: number, error: unknown, consoleErrors: string[]): RunResult {
  const size = plan.colonySize;
  return {
    transport: plan.transport,
    colonySize: size,
    run: plan.run,
    colony,
    startedAt: new Date(startedMs).toISOString(),
    wallMs: Date.now() - startedMs,
    loadAverage1m: loadAverageNow(),
    tabs: [],
    colonyFullRosterMs: null,
    electionSeen: false,
    countersPerBee: countersPerBee([]),
    links: { total: 0, oneSided: 0, fullMesh: (size * (size - 1)) / 2, connected: false },
    hives: hiveShape([]),
    anomalies: [],
    consoleErrors,
    error: error instanceof Error ? error.message : String(error),
  };
}

export async function runColony(browser: Browser, plan: RunPlan): Promise<RunResult> {
  const colony = colonyName(plan);
  const context = await browser.newContext();
  const consoleErrors = watchConsole(context);
  const startedMs = Date.now();
  try {
    await context.addInitScript(probeScript({ colonySize: plan.colonySize, pollIntervalMs: PROBE_POLL_INTERVAL_MS }));
    const pages = await openTabs(context, pageURL(plan, colony), plan.colonySize);
    return result(plan, colony, startedMs, await observe(pages, plan, startedMs), consoleErrors);
  } catch (error) {
    return failedRun(plan, colony, startedMs, error, consoleErrors);
  } finally {
    // Closing the context closes its tabs: the next run starts with no bee of this one alive.
    await context.close();
  }
}
