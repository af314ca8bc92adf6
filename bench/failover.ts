// The failover benchmark: how long a colony of real tabs is without its queen. Each run opens a
// colony (one hive: capacity = its size), waits for its queen, then (1) the queen abdicates — the
// graceful handover — at once, and her successor again once every worker has linked the heir she
// names for SETTLED_FOR_MS (a settled hive), (2) the last successor's renderer is crashed (no
// pagehide, no goodbye; the server notices its socket close), (3) a new tab joins the hive that
// has a queen, and (4) the queen's JavaScript is stopped (CDP Debugger.pause: her links stay open,
// she falls silent). Per tab, the time from the event until it is attached to the queen it ends
// up with; per colony, until every survivor is attached to one new queen. The colony's first
// election, from its last tab ready, is the baseline for the handover.

import type { Browser, Page } from '@playwright/test';
import type { HiveApi, HiveSnapshot } from '../src/bee.ts';
import { DEFAULT_CONFIG } from '../src/hive/protocol.ts';
import type { BenchResult, Figure } from './figures.ts';
import { stagesOf, stagesTable, type Stages } from './failover-stages.ts';
import { formatNumber, spread, timingFigure } from './figures.ts';
import { timingGoal, type Goal } from './goals.ts';
import { epochOf, PROBE_KEY, type ProbeRecord } from './probe.ts';
import { firstInstantAll, type TransportName } from './samples.ts';
import { oneHiveProblem, openColony, pageURL, queenOf, readRecord, readRecords, waitForColony, type Colony } from './tabs.ts';

/** From the last tab ready to one hive; beyond it the run fails. */
const ELECTION_CAP_MS = 30_000;
const HANDOVER_CAP_MS = 30_000;
/** A tab joining a hive that has a queen: from its navigation to attached, or the sample is missing. */
const JOINER_CAP_MS = 30_000;
/** Tabs are read this long after the colony is one hive again, so late flickers are seen. */
const SETTLE_AFTER_MS = 500;
/**
 * A settled hive: every worker linked to the heir this long (four heartbeats), so that the last
 * handover's new links and membership change are behind it, not under way.
 */
const SETTLED_FOR_MS = 2_000;

export interface FailoverOptions {
  size: number;
  runs: number;
  transport: TransportName;
}

/** An abdication right after an election, one in a settled hive, a crashed and a frozen queen. */
export type Departure = 'abdicate' | 'abdicate-settled' | 'crash' | 'freeze';

export interface Handover {
  departure: Departure;
  oldQueen: string;
  /** The queen every survivor ended attached to, or null if they did not agree. */
  newQueen: string | null;
  /** Per survivor (the old queen too, after an abdication): ms from the event to attached to its final queen. */
  perTabMs: Array<number | null>;
  /** Ms from the event to every survivor attached to one new queen. */
  colonyMs: number | null;
  /** abdicate() resolved this long after it was called. */
  resolvedMs: number | null;
  /** Where the time went: when survivors gave her up, campaigned, crowned and attached. */
  stages: Stages;
  problem: string | null;
}

export interface FailoverRun {
  run: number;
  colony: string;
  /** From the last tab ready to every tab attached to one queen. */
  electionMs: number | null;
  handovers: Handover[];
  /** A tab that joined the hive while it had a queen: ms from its hive.ready to attached to her. */
  joinerMs: number | null;
  consoleErrors: string[];
  error: string | null;
}

const oneQueen = (not: string | null) => (queens: ReadonlyArray<string | null>) =>
  queens.length > 0 && queens[0] !== null && queens[0] !== not && queens.every((queen) => queen === queens[0]);

export function handoverOf(departure: Departure, oldQueen: string, records: ProbeRecord[], atEpochMs: number, resolvedMs: number | null, problem: string | null): Handover {
  const finals = records.map((record) => record.attached.at(-1)?.[1] ?? null);
  const newQueen = oneQueen(oldQueen)(finals) ? finals[0]! : null;
  const colonyAt = firstInstantAll(records, (record) => record.attached, null, oneQueen(oldQueen), atEpochMs);
  const perTabMs = records.map((record, tab) => {
    const final = finals[tab] ?? null;
    const last = record.attached.at(-1);
    if (final === null || final === oldQueen || last === undefined) return null;
    // The last time it attached to its final queen; already hers before the event counts as at once.
    return Math.max(epochOf(record, last[0]), atEpochMs) - atEpochMs;
  });
  return {
    departure,
    oldQueen,
    newQueen,
    perTabMs,
    colonyMs: colonyAt === null ? null : colonyAt - atEpochMs,
    resolvedMs,
    stages: stagesOf(oldQueen, records, perTabMs, atEpochMs),
    problem,
  };
}

async function awaitNewHive(pages: readonly Page[], oldQueen: string): Promise<{ records: ProbeRecord[]; problem: string | null }> {
  const { problem } = await waitForColony(pages, (snaps) => oneHiveProblem(snaps, oldQueen), HANDOVER_CAP_MS);
  await new Promise((resolve) => setTimeout(resolve, SETTLE_AFTER_MS));
  return { records: await readRecords(pages), problem };
}

async function abdicate(colony: Colony, queen: string, departure: 'abdicate' | 'abdicate-settled'): Promise<Handover> {
  const page = colony.pageOf(queen);
  // Timed in the page: the call starts on its clock, and resolves (or fails) on it too.
  const atEpochMs = await page.evaluate(() => {
    const w = window as unknown as { hive: HiveApi; __abdicated?: Promise<number | string> };
    const at = performance.timeOrigin + performance.now();
    w.__abdicated = w.hive.abdicate().then(
      () => performance.timeOrigin + performance.now(),
      (error: unknown) => String(error),
    );
    return at;
  });
  const { records, problem } = await awaitNewHive(colony.pages, queen);
  const resolved = await page.evaluate(() => (window as unknown as { __abdicated: Promise<number | string> }).__abdicated);
  const handover = handoverOf(departure, queen, records, atEpochMs, typeof resolved === 'number' ? resolved - atEpochMs : null, problem);
  return typeof resolved === 'string' ? { ...handover, problem: `abdicate() failed: ${resolved}` } : handover;
}

async function crash(colony: Colony, queen: string): Promise<Handover> {
  const page = colony.pageOf(queen);
  const survivors = colony.pages.filter((other) => other !== page);
  const crashed = page.waitForEvent('crash', { timeout: 10_000 });
  const cdp = await page.context().newCDPSession(page);
  const atEpochMs = Date.now();
  // The command never answers: the renderer it runs in is gone.
  cdp.send('Page.crash').catch(() => undefined);
  await crashed;
  const { records, problem } = await awaitNewHive(survivors, queen);
  return handoverOf('crash', queen, records, atEpochMs, null, problem);
}

/**
 * Stops the queen's JavaScript with the debugger: her tab and links stay open but she says
 * nothing, as a tab stuck in a long task or frozen by the browser. Timed from the moment the
 * debugger reports her paused (the pause lands on her next task, within a tick).
 */
async function freeze(colony: Colony, queen: string): Promise<Handover> {
  const page = colony.pageOf(queen);
  const survivors = colony.pages.filter((other) => other !== page);
  const cdp = await page.context().newCDPSession(page);
  const paused = new Promise<number>((resolve) => cdp.once('Debugger.paused', () => resolve(Date.now())));
  await cdp.send('Debugger.enable');
  await cdp.send('Debugger.pause');
  const atEpochMs = await paused;
  const { records, problem } = await awaitNewHive(survivors, queen);
  return handoverOf('freeze', queen, records, atEpochMs, null, problem);
}

/** Why `snaps` are not a settled hive (one queen, an heir named, every worker linked to her), or null. */
export function heirProblem(snaps: readonly HiveSnapshot[]): string | null {
  const queen = queenOf(snaps);
  if (queen === null) return oneHiveProblem(snaps);
  const heir = snaps.find((snap) => snap.id === queen)?.heir ?? null;
  if (heir === null) return 'the queen names no heir';
  const unlinked = snaps.filter((snap) => snap.id !== queen && snap.id !== heir && (snap.heir !== heir || !snap.neighbours.includes(heir)));
  return unlinked.length === 0 ? null : `not linked to the heir ${heir}: ${unlinked.map((snap) => snap.id).join(', ')}`;
}

/** Waits for a settled hive (heirProblem) that stays settled for SETTLED_FOR_MS; returns what was missing, or null. */
async function waitSettled(pages: readonly Page[]): Promise<string | null> {
  const linked = await waitForColony(pages, heirProblem, HANDOVER_CAP_MS);
  if (linked.problem !== null) return linked.problem;
  await new Promise((resolve) => setTimeout(resolve, SETTLED_FOR_MS));
  return (await waitForColony(pages, heirProblem, HANDOVER_CAP_MS)).problem;
}

/** A crashed tab is no longer part of the colony. */
function forget(colony: Colony, id: string): void {
  const index = colony.ids.indexOf(id);
  colony.pages.splice(index, 1);
  colony.ids.splice(index, 1);
}

/** Opens one more tab in the colony and times it from hive.ready to attached to a queen. */
async function joinOne(colony: Colony, options: FailoverOptions, baseURL: string): Promise<number | null> {
  const page = await colony.context.newPage();
  await page.goto(pageURL(baseURL, colony.name, options.transport, { capacity: String(options.size) }), { waitUntil: 'commit' });
  const attached = (key: string) => {
    const record = (window as unknown as Record<string, ProbeRecord | undefined>)[key];
    return record?.readyMs != null && record.attached.some(([, queen]) => queen !== null);
  };
  await page.waitForFunction(attached, PROBE_KEY, { timeout: JOINER_CAP_MS, polling: 100 }).catch(() => undefined);
  const record = await readRecord(page);
  const id = await page.evaluate(() => (window as unknown as { hive: HiveApi }).hive.id);
  colony.pages.push(page);
  colony.ids.push(id);
  const at = record?.attached.find(([, queen]) => queen !== null)?.[0];
  return record?.readyMs == null || at === undefined ? null : Math.max(0, at - record.readyMs);
}

async function runOnce(browser: Browser, options: FailoverOptions, baseURL: string, run: number): Promise<FailoverRun> {
  let colony: Colony | undefined;
  const base = { run, colony: '', electionMs: null, handovers: [], joinerMs: null, consoleErrors: [] };
  try {
    colony = await openColony(browser, { baseURL, transport: options.transport, size: options.size, label: 'failover', params: { capacity: String(options.size) } });
    const elected = await waitForColony(colony.pages, (snaps) => oneHiveProblem(snaps), ELECTION_CAP_MS);
    const queen = queenOf(elected.snaps);
    if (queen === null) return { ...base, colony: colony.name, consoleErrors: colony.consoleErrors, error: `no single queen within ${ELECTION_CAP_MS / 1000} s: ${elected.problem}` };
    const records = await readRecords(colony.pages);
    const lastReady = Math.max(...records.map((record) => epochOf(record, record.readyMs ?? 0)));
    const electedAt = firstInstantAll(records, (record) => record.attached, null, oneQueen(null), lastReady);
    const handovers = [await abdicate(colony, queen, 'abdicate')];
    let successor = handovers[0]!.newQueen;
    if (successor !== null && (await waitSettled(colony.pages)) === null) {
      const settled = await abdicate(colony, successor, 'abdicate-settled');
      handovers.push(settled);
      successor = settled.newQueen;
    }
    if (successor !== null) {
      handovers.push(await crash(colony, successor));
      forget(colony, successor);
    }
    const joinerMs = successor !== null ? await joinOne(colony, options, baseURL) : null;
    const whole = await waitForColony(colony.pages, (snaps) => oneHiveProblem(snaps), HANDOVER_CAP_MS);
    const reigning = queenOf(whole.snaps);
    if (reigning !== null) handovers.push(await freeze(colony, reigning));
    return {
      run,
      colony: colony.name,
      electionMs: electedAt === null ? null : electedAt - lastReady,
      handovers,
      joinerMs,
      consoleErrors: colony.consoleErrors.filter((error) => error !== 'tab crashed'),
      error: successor === null ? `no single successor after the abdication: ${handovers[0]!.problem}` : null,
    };
  } catch (error) {
    return { ...base, colony: colony?.name ?? '', consoleErrors: colony?.consoleErrors ?? [], error: error instanceof Error ? error.message : String(error) };
  } finally {
    await colony?.context.close();
  }
}

function progressLine(run: FailoverRun): string {
  const parts = [`election ${formatNumber(run.electionMs)} ms`];
  for (const h of run.handovers) {
    const { lastLostMs, electionMs, crownedMs, campaigns } = h.stages;
    const stages = `lost by all ${formatNumber(lastLostMs)}, election ${formatNumber(electionMs)}, crowned ${formatNumber(crownedMs)}, ${campaigns} candidacies`;
    parts.push(`${h.departure}: all re-attached in ${formatNumber(h.colonyMs)} ms (${stages})${h.problem ? ` (${h.problem})` : ''}`);
  }
  parts.push(`a tab joining: ready → attached in ${formatNumber(run.joinerMs)} ms`);
  return `failover: run ${run.run}: ${parts.join(', ')}${run.error ? `; FAILED: ${run.error}` : ''}`;
}

function figures(runs: readonly FailoverRun[], size: number): Figure[] {
  const of = (departure: Departure) => runs.flatMap((run) => run.handovers.filter((h) => h.departure === departure));
  const [abdications, settled, crashes, freezes] = [of('abdicate'), of('abdicate-settled'), of('crash'), of('freeze')];
  const colony = (hs: Handover[]) => hs.map((h) => h.colonyMs);
  const perTab = (hs: Handover[]) => hs.flatMap((h) => h.perTabMs);
  const p50 = (values: Array<number | null>) => spread(values).p50;
  const election = { label: 'first election p50 (last tab ready → one hive)', value: p50(runs.map((run) => run.electionMs)) };
  return [
    timingFigure(`${size} tabs: queen crash → all ${size - 1} survivors re-attached (per colony)`, colony(crashes), { label: 'abdicate, per colony p50', value: p50(colony(abdications)) }, runs.length),
    timingFigure(`${size} tabs: queen crash → each worker re-attached`, perTab(crashes), { label: 'abdicate, per tab p50', value: p50(perTab(abdications)) }, runs.length * (size - 1)),
    timingFigure(`${size} tabs: abdicate → all ${size} re-attached (per colony)`, colony(abdications), election, runs.length),
    timingFigure(`${size} tabs: abdicate → each tab re-attached`, perTab(abdications), election, runs.length * size),
    timingFigure(`${size} tabs: abdicate in a settled hive → all ${size} re-attached (per colony)`, colony(settled), { label: 'abdicate at once, per colony p50', value: p50(colony(abdications)) }, runs.length),
    timingFigure(`${size} tabs: queen frozen → all ${size - 1} survivors re-attached (per colony)`, colony(freezes), { label: 'crash, per colony p50', value: p50(colony(crashes)) }, runs.length),
    timingFigure(`a tab joining a hive that has a queen: ready → attached`, runs.map((run) => run.joinerMs), election, runs.length),
  ];
}

/** Issue 15's goals for failover and for joining a hive that has a queen. */
function goals(runs: readonly FailoverRun[]): Goal[] {
  const colony = (departure: Departure) => spread(runs.flatMap((run) => run.handovers.filter((h) => h.departure === departure).map((h) => h.colonyMs)));
  return [
    timingGoal('a tab joining a hive that has a queen: ready → attached', spread(runs.map((run) => run.joinerMs)), { p50: 500 }),
    timingGoal('queen crash → all survivors re-attached, per colony', colony('crash'), { p50: 1000, p95: 1500 }),
    timingGoal('queen frozen (JS stopped, links open) → all re-attached', colony('freeze'), { p50: 2500 }),
    timingGoal('abdicate right after the election → all re-attached, per colony', colony('abdicate'), { p50: 100 }),
    timingGoal(`abdicate in a settled hive (workers linked to her heir for ${SETTLED_FOR_MS / 1000} s) → all re-attached, per colony`, colony('abdicate-settled'), { p50: 100 }),
  ];
}

export async function runFailoverBench(browser: Browser, options: FailoverOptions, baseURL: string, log: (line: string) => void): Promise<BenchResult> {
  const runs: FailoverRun[] = [];
  for (let run = 1; run <= options.runs; run++) {
    const result = await runOnce(browser, options, baseURL, run);
    log(progressLine(result));
    runs.push(result);
  }
  const failed = runs.filter((run) => run.error !== null);
  const errors = runs.reduce((sum, run) => sum + run.consoleErrors.length, 0);
  const notes = [
    ...failed.map((run) => `run ${run.run} failed: ${run.error}`),
    ...(errors > 0 ? [`${errors} console errors in the tabs (see the JSON)`] : []),
  ];
  return {
    name: 'failover',
    status: failed.length === runs.length ? 'failed' : failed.length > 0 ? 'partial' : 'measured',
    notes,
    figures: figures(runs, options.size),
    goals: goals(runs),
    details: [
      `${options.runs} colonies of ${options.size} tabs (${options.transport}, capacity ${options.size}: one hive). In each, the queen abdicates as soon as the colony is one hive, her successor abdicates once every worker has been linked to the heir she names for ${SETTLED_FOR_MS / 1000} s, then the last successor's renderer is crashed (CDP Page.crash: no pagehide; the server sees the socket close and tells the colony), a new tab joins (timed from its hive.ready), and the reigning queen's JavaScript is stopped (CDP Debugger.pause: links open, no word from her). ` +
        `Per tab: from the event to attached to the queen it ends with, on the probe's 10 ms clock. Heartbeats: a queen beats every ${DEFAULT_CONFIG.queenHeartbeatMs} ms and is given up after ${DEFAULT_CONFIG.queenTimeoutMinMs}–${DEFAULT_CONFIG.queenTimeoutMs} ms of silence, by her heir once in doubt (3/5 of that, never under ${DEFAULT_CONFIG.queenTimeoutMinMs} ms: pulse.ts).`,
      '',
      ...stagesTable((['abdicate', 'abdicate-settled', 'crash', 'freeze'] as const).map((departure) => [departure, runs.flatMap((run) => run.handovers.filter((h) => h.departure === departure).map((h) => h.stages))])),
    ],
    settings: { ...options, electionCapMs: ELECTION_CAP_MS, handoverCapMs: HANDOVER_CAP_MS },
    raw: runs,
  };
}
