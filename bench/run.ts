// One join run: a fresh colony of N tabs opened at once, a wait until every tab has joined (ready,
// a link, the full roster) and is attached to a queen, then the samples. The timings come from the
// in-page probe, not from this loop.

import type { Browser } from '@playwright/test';
import type { HiveSnapshot } from '../src/bee.ts';
import type { ProbeRecord } from './probe.ts';
import { loadAverageNow } from './report.ts';
import { anomalies, colonyAttachedMs, colonyFullRosterMs, countersPerBee, hiveShape, linkGraph, tabSamples } from './samples.ts';
import type { RunResult, TransportName } from './samples.ts';
import { openColony, readRecords, readSnapshots, type Colony } from './tabs.ts';

/** How often this loop looks at the tabs; it only decides when to stop, so coarse is fine. */
const WAIT_POLL_INTERVAL_MS = 200;
/** Cap on one run, from the first navigation: a join or an election that takes longer is missing. */
export const RUN_CAP_MS = 30_000;
/**
 * Counters and links are read this long after the colony settled (all joined and attached), so
 * every run is read alike and links to queens have settled.
 */
export const COUNTERS_AFTER_SETTLED_MS = 1_000;

export interface RunPlan {
  transport: TransportName;
  colonySize: number;
  run: number;
  baseURL: string;
}

interface Observation {
  records: ProbeRecord[];
  snaps: HiveSnapshot[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const settled = (record: ProbeRecord): boolean =>
  record.readyMs !== null && record.firstLinkMs !== null && record.fullRosterMs !== null && record.attached.at(-1)?.[1] != null;

/**
 * Waits until every tab has joined and is attached to a queen, then COUNTERS_AFTER_SETTLED_MS
 * more, and reads every tab's snapshot once. At the cap it reads them as they are.
 */
async function observe(colony: Colony): Promise<Observation> {
  let settledAtMs: number | null = null;
  for (;;) {
    const records = await readRecords(colony.pages);
    const nowMs = Date.now();
    if (settledAtMs === null && records.every(settled)) settledAtMs = nowMs;
    const readNow = settledAtMs !== null && nowMs - settledAtMs >= COUNTERS_AFTER_SETTLED_MS;
    if (readNow || nowMs - colony.openedAtMs >= RUN_CAP_MS) return { records, snaps: await readSnapshots(colony.pages) };
    await sleep(WAIT_POLL_INTERVAL_MS);
  }
}

function result(plan: RunPlan, colony: Colony, seen: Observation): RunResult {
  const tabs = tabSamples(seen.records, colony.ids);
  return {
    transport: plan.transport,
    colonySize: plan.colonySize,
    run: plan.run,
    colony: colony.name,
    startedAt: new Date(colony.openedAtMs).toISOString(),
    wallMs: Date.now() - colony.openedAtMs,
    loadAverage1m: loadAverageNow(),
    tabs,
    colonyFullRosterMs: colonyFullRosterMs(tabs),
    colonyAttachedMs: colonyAttachedMs(seen.records),
    countersPerBee: countersPerBee(seen.snaps),
    links: linkGraph(seen.snaps),
    hives: hiveShape(seen.snaps),
    anomalies: anomalies(seen.records, tabs, seen.snaps, colony.name),
    consoleErrors: colony.consoleErrors,
    error: null,
  };
}

function failedRun(plan: RunPlan, startedMs: number, error: unknown): RunResult {
  const size = plan.colonySize;
  return {
    transport: plan.transport,
    colonySize: size,
    run: plan.run,
    colony: '',
    startedAt: new Date(startedMs).toISOString(),
    wallMs: Date.now() - startedMs,
    loadAverage1m: loadAverageNow(),
    tabs: [],
    colonyFullRosterMs: null,
    colonyAttachedMs: null,
    countersPerBee: countersPerBee([]),
    links: { total: 0, oneSided: 0, fullMesh: (size * (size - 1)) / 2, connected: false },
    hives: hiveShape([]),
    anomalies: [],
    consoleErrors: [],
    error: error instanceof Error ? error.message : String(error),
  };
}

export async function runColony(browser: Browser, plan: RunPlan): Promise<RunResult> {
  const startedMs = Date.now();
  let colony: Colony | undefined;
  try {
    colony = await openColony(browser, { baseURL: plan.baseURL, transport: plan.transport, size: plan.colonySize, label: `join${plan.colonySize}` });
    return result(plan, colony, await observe(colony));
  } catch (error) {
    return failedRun(plan, startedMs, error);
  } finally {
    // Closing the context closes its tabs: the next run starts with no bee of this one alive.
    await colony?.context.close();
  }
}
