// Colonies of real tabs for the browser benchmarks: a fresh browser context per colony, the probe
// injected before the app runs, every tab opened at once, and waits on what the tabs report.

import type { Browser, BrowserContext, Page } from '@playwright/test';
import type { HiveApi, HiveSnapshot } from '../src/bee.ts';
import type { TransportName } from './samples.ts';
import { attachedQueen } from './hive-view.ts';
import { PROBE_KEY, PROBE_POLL_INTERVAL_MS, probeScript, type ProbeRecord } from './probe.ts';

/** Each tab's `hive.ready`: page load, bee start and the server's welcome, on a busy 2-core machine. */
const READY_TIMEOUT_MS = 30_000;
/** How often Node looks at the tabs while it waits: it only decides when to stop, so coarse is fine. */
const WAIT_POLL_INTERVAL_MS = 100;
const CONSOLE_ERRORS_KEPT = 20;

export interface ColonyPlan {
  baseURL: string;
  transport: TransportName;
  size: number;
  /** Prefix of the colony's name (the name is unique per colony). */
  label: string;
  /** More query parameters, such as capacity. */
  params?: Record<string, string>;
}

export interface Colony {
  name: string;
  context: BrowserContext;
  pages: Page[];
  ids: string[];
  /** Console errors and uncaught exceptions of every tab, as they happen. */
  consoleErrors: string[];
  /** Date.now() just before the first tab was opened. */
  openedAtMs: number;
  pageOf(id: string): Page;
}

let colonies = 0;

export function colonyName(label: string, transport: TransportName): string {
  const short = transport === 'peerjs' ? 'pj' : 'sp';
  return `bench-${label}-${short}-${Date.now().toString(36)}-${++colonies}`;
}

export function pageURL(baseURL: string, colony: string, transport: TransportName, params: Record<string, string> = {}): string {
  const url = new URL('/', baseURL);
  url.searchParams.set('colony', colony);
  url.searchParams.set('transport', transport);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return url.href;
}

export function watchConsole(context: BrowserContext): string[] {
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
export async function openTabs(context: BrowserContext, url: string, count: number): Promise<Page[]> {
  return Promise.all(
    Array.from({ length: count }, async () => {
      const page = await context.newPage();
      await page.goto(url, { waitUntil: 'commit' });
      return page;
    }),
  );
}

/** A fresh context with the probe, `plan.size` tabs opened at once, all of them ready. */
export async function openColony(browser: Browser, plan: ColonyPlan): Promise<Colony> {
  const name = colonyName(plan.label, plan.transport);
  const context = await browser.newContext();
  try {
    const consoleErrors = watchConsole(context);
    await context.addInitScript(probeScript({ colonySize: plan.size, pollIntervalMs: PROBE_POLL_INTERVAL_MS }));
    const openedAtMs = Date.now();
    const pages = await openTabs(context, pageURL(plan.baseURL, name, plan.transport, plan.params), plan.size);
    await Promise.all(
      pages.map((page) =>
        page.waitForFunction((key) => (window as unknown as Record<string, ProbeRecord | undefined>)[key]?.readyMs != null, PROBE_KEY, {
          timeout: READY_TIMEOUT_MS,
          polling: WAIT_POLL_INTERVAL_MS,
        }),
      ),
    );
    const ids = await Promise.all(pages.map((page) => page.evaluate(() => (window as unknown as { hive: HiveApi }).hive.id)));
    return { name, context, pages, ids, consoleErrors, openedAtMs, pageOf: (id) => pages[ids.indexOf(id)]! };
  } catch (error) {
    await context.close();
    throw error;
  }
}

export function readRecord(page: Page): Promise<ProbeRecord | null> {
  return page.evaluate((key) => (window as unknown as Record<string, ProbeRecord | undefined>)[key] ?? null, PROBE_KEY);
}

/** Stops the probe in every tab: from then on the tabs run the app alone. */
export async function stopProbes(pages: readonly Page[]): Promise<void> {
  await Promise.all(pages.map((page) => page.evaluate((key) => ((window as unknown as Record<string, ProbeRecord>)[key]!.done = true), PROBE_KEY)));
}

export async function readRecords(pages: readonly Page[]): Promise<ProbeRecord[]> {
  const records = await Promise.all(pages.map(readRecord));
  const missing = records.filter((record) => record === null).length;
  if (missing > 0) throw new Error(`the probe never ran in ${missing} tab(s)`);
  return records as ProbeRecord[];
}

export function readSnapshots(pages: readonly Page[]): Promise<HiveSnapshot[]> {
  return Promise.all(pages.map((page) => page.evaluate(() => (window as unknown as { hive: HiveApi }).hive.snapshot())));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls the tabs' snapshots until `problem` returns null for them, or `capMs` passes; returns the
 * last snapshots and what was still missing (null when the condition held).
 */
export async function waitForColony(
  pages: readonly Page[],
  problem: (snaps: HiveSnapshot[]) => string | null,
  capMs: number,
): Promise<{ snaps: HiveSnapshot[]; problem: string | null }> {
  const deadline = Date.now() + capMs;
  for (;;) {
    const snaps = await readSnapshots(pages);
    const missing = problem(snaps);
    if (missing === null || Date.now() >= deadline) return { snaps, problem: missing };
    await sleep(WAIT_POLL_INTERVAL_MS);
  }
}

/** Why `snaps` are not one hive (every tab attached to one queen, other than `not`), or null. */
export function oneHiveProblem(snaps: readonly HiveSnapshot[], not: string | null = null): string | null {
  const queens = new Set(snaps.map(attachedQueen));
  if (queens.has(null)) return `not attached: ${snaps.filter((snap) => attachedQueen(snap) === null).map((snap) => snap.id).join(', ')}`;
  if (queens.size > 1) return `attached to different queens: ${[...queens].join(', ')}`;
  const [queen] = queens;
  return queen === not ? `still attached to ${not}` : null;
}

/** The colony's queen when `snaps` form one hive, else null. */
export function queenOf(snaps: readonly HiveSnapshot[]): string | null {
  return oneHiveProblem(snaps) === null ? attachedQueen(snaps[0]!) : null;
}
