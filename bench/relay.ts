// The relay benchmark: what routing through the queen costs. In a colony of real tabs with one
// queen, two workers A and B exchange pings and bulk transfers by the app's path (hive.send: A →
// queen → B, acknowledged end to end, kept in IndexedDB) and by a bare data channel the benchmark
// opens between the same two tabs in the same run (relay-agent.ts). Ratios: relayed ÷ direct.

import type { Browser, Page } from '@playwright/test';
import type { HiveSnapshot } from '../src/bee.ts';
import type { BenchResult, Figure } from './figures.ts';
import { formatNumber, spread, timingFigure } from './figures.ts';
import { figureGoal, type Goal } from './goals.ts';
import { pageScript } from './page-script.ts';
import { AGENT_KEY, installAgent, type Agent, type Arrival } from './relay-agent.ts';
import type { TransportName } from './samples.ts';
import { oneHiveProblem, openColony, queenOf, waitForColony, type Colony } from './tabs.ts';

const ELECTION_CAP_MS = 30_000;
/** Longest one agent call may take (a bulk run takes seconds). */
const CALL_CAP_MS = 120_000;
/** Small bodies for latency; bulk bodies of 4 KiB (the app takes up to 8 KiB per message). */
const PING_PAD_BYTES = 64;
const BULK_PAD_BYTES = 4_096;
const WARMUP_PINGS = 10;
/** Messages in flight at once on the relayed bulk path (each hive.send waits for its ack). */
const RELAY_WINDOW = 16;

export interface RelayOptions {
  size: number;
  runs: number;
  pings: number;
  bulk: number;
  transport: TransportName;
}

export interface RelayRun {
  run: number;
  colony: string;
  queen: string | null;
  pair: [string, string] | null;
  relayRttMs: number[];
  directRttMs: number[];
  relayOneWayMs: number[];
  directOneWayMs: number[];
  relayBulkMs: number | null;
  directBulkMs: number | null;
  /** Relayed messages B received, and how many of them came A → queen → B. */
  relayed: number;
  viaQueen: number;
  /** What the pings phase cost each of A, the queen and B, per relayed round trip. */
  stages: Stages | null;
  /** The same for the bulk phase (both paths' runs), per relayed message. */
  bulkStages: Stages | null;
  consoleErrors: string[];
  error: string | null;
}

/** One call into the page's agent; a message that never settles fails the run instead of hanging the suite. */
async function call<T, A = null>(page: Page, fn: (agent: Agent, arg: A) => Promise<T> | T, arg?: A): Promise<T> {
  const run = (key: string, method: (agent: Agent, value: A) => Promise<T> | T, value: A) => method((window as unknown as Record<string, Agent>)[key]!, value);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stuck = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the agent did not answer ${String(fn).replace(/\s+/g, ' ').slice(0, 60)} within ${CALL_CAP_MS / 1000} s`)), CALL_CAP_MS);
  });
  try {
    return await Promise.race([page.evaluate(pageScript(run, AGENT_KEY, { fn }, arg ?? null)) as Promise<T>, stuck]);
  } finally {
    clearTimeout(timer);
  }
}

export async function openDirect(a: Page, b: Page): Promise<void> {
  for (const page of [a, b]) await page.evaluate(pageScript(installAgent, AGENT_KEY));
  const offer = await call(a, (agent) => agent.offer());
  const answer = await call(b, (agent, sdp: RTCSessionDescriptionInit) => agent.answer(sdp), offer);
  await Promise.all([call(a, (agent, sdp: RTCSessionDescriptionInit) => agent.accept(sdp), answer), call(b, (agent) => agent.opened())]);
}

/** Two workers of the hive, preferably not linked to each other (so the queen path is the only one). */
function workerPair(colony: Colony, snaps: readonly HiveSnapshot[], queen: string): [string, string] {
  const workers = snaps.filter((snap) => snap.id !== queen);
  for (const a of workers) {
    const b = workers.find((other) => other.id !== a.id && !a.neighbours.includes(other.id));
    if (b) return [a.id, b.id];
  }
  if (workers.length < 2) throw new Error(`a colony of ${colony.pages.length} has fewer than two workers`);
  return [workers[0]!.id, workers[1]!.id];
}

/** Runs both paths one after the other, in the order given. */
async function bothPaths<T>(paths: { relay: () => Promise<T>; direct: () => Promise<T> }, directFirst: boolean): Promise<{ relay: T; direct: T }> {
  if (directFirst) {
    const direct = await paths.direct();
    return { relay: await paths.relay(), direct };
  }
  const relay = await paths.relay();
  return { relay, direct: await paths.direct() };
}

const arrivalsOf = (page: Page) => call(page, (agent) => agent.arrivals());

/** One tab's running totals of the work a message costs it: crypto and IndexedDB commits. */
interface Cost {
  cryptoMs: number;
  signed: number;
  verified: number;
  maced: number;
  macChecked: number;
  storeMs: number;
  transactions: number;
}
type Stages = Record<'origin' | 'queen' | 'receiver', Cost>;

async function costOf(page: Page): Promise<Cost> {
  const snap = (await page.evaluate(() => (window as unknown as { hive: { snapshot(): HiveSnapshot } }).hive.snapshot())) as HiveSnapshot;
  const e = snap.security.envelopes as HiveSnapshot['security']['envelopes'] & { maced?: number; macChecked?: number; macMs?: number };
  return {
    cryptoMs: e.signMs + e.verifyMs + (e.macMs ?? 0),
    signed: e.signed,
    verified: e.verified,
    maced: e.maced ?? 0,
    macChecked: e.macChecked ?? 0,
    storeMs: snap.storage.writeMs,
    transactions: snap.storage.transactions,
  };
}

const costsOf = async (pages: { origin: Page; queen: Page; receiver: Page }): Promise<Stages> => ({
  origin: await costOf(pages.origin),
  queen: await costOf(pages.queen),
  receiver: await costOf(pages.receiver),
});

/** (after - before) / count, field by field. */
function perMessage(before: Stages, after: Stages, count: number): Stages {
  const each = (a: Cost, b: Cost): Cost => Object.fromEntries(Object.keys(a).map((key) => [key, (b[key as keyof Cost] - a[key as keyof Cost]) / count])) as unknown as Cost;
  return { origin: each(before.origin, after.origin), queen: each(before.queen, after.queen), receiver: each(before.receiver, after.receiver) };
}
const oneWay = (arrivals: Arrival[], from: number) => arrivals.slice(from).map((arrival) => arrival.oneWayMs);

async function runOnce(browser: Browser, options: RelayOptions, baseURL: string, run: number): Promise<RelayRun> {
  let colony: Colony | undefined;
  const empty = { relayRttMs: [], directRttMs: [], relayOneWayMs: [], directOneWayMs: [], relayBulkMs: null, directBulkMs: null, relayed: 0, viaQueen: 0, stages: null, bulkStages: null };
  try {
    colony = await openColony(browser, { baseURL, transport: options.transport, size: options.size, label: 'relay', params: { capacity: String(options.size) } });
    const { snaps, problem } = await waitForColony(colony.pages, (s) => oneHiveProblem(s), ELECTION_CAP_MS);
    const queen = queenOf(snaps);
    if (queen === null) throw new Error(`no single queen within ${ELECTION_CAP_MS / 1000} s: ${problem}`);
    const [aId, bId] = workerPair(colony, snaps, queen);
    const [a, b] = [colony.pageOf(aId), colony.pageOf(bId)];
    await openDirect(a, b);

    // Warm both paths (a fresh channel ramps up), then measure; odd runs go direct first.
    await call(a, (agent, args: [number, number]) => agent.directPings(args[0], args[1]), [WARMUP_PINGS, PING_PAD_BYTES]);
    await call(a, (agent, args: [string, number, number]) => agent.relayPings(args[0], args[1], args[2]), [bId, WARMUP_PINGS, PING_PAD_BYTES]);
    const before = await arrivalsOf(b);
    const pings = {
      relay: () => call(a, (agent, args: [string, number, number]) => agent.relayPings(args[0], args[1], args[2]), [bId, options.pings, PING_PAD_BYTES]),
      direct: () => call(a, (agent, args: [number, number]) => agent.directPings(args[0], args[1]), [options.pings, PING_PAD_BYTES]),
    };
    const bulk = {
      relay: () => call(a, (agent, args: [string, number, number, number]) => agent.relayBulk(args[0], args[1], args[2], args[3]), [bId, options.bulk, BULK_PAD_BYTES, RELAY_WINDOW]),
      direct: () => call(a, (agent, args: [number, number]) => agent.directBulk(args[0], args[1]), [options.bulk, BULK_PAD_BYTES]),
    };
    const stagePages = { origin: a, queen: colony.pageOf(queen), receiver: b };
    const costsBefore = await costsOf(stagePages);
    const rtt = await bothPaths(pings, run % 2 === 1);
    const stages = perMessage(costsBefore, await costsOf(stagePages), options.pings);
    const bulkBefore = await costsOf(stagePages);
    const bulkMs = await bothPaths(bulk, run % 2 === 1);
    const bulkStages = perMessage(bulkBefore, await costsOf(stagePages), options.bulk);
    const after = await arrivalsOf(b);
    await call(a, (agent) => agent.close());
    const measuredRoutes = after.routes.slice(before.routes.length);
    return {
      run,
      colony: colony.name,
      queen,
      pair: [aId, bId],
      relayRttMs: rtt.relay,
      directRttMs: rtt.direct,
      relayOneWayMs: oneWay(after.relayed, before.relayed.length),
      directOneWayMs: oneWay(after.direct, before.direct.length),
      relayBulkMs: bulkMs.relay,
      directBulkMs: bulkMs.direct,
      relayed: measuredRoutes.length,
      viaQueen: measuredRoutes.filter((route) => route.length === 3 && route[0] === aId && route[1] === queen && route[2] === bId).length,
      stages,
      bulkStages,
      consoleErrors: colony.consoleErrors,
      error: null,
    };
  } catch (error) {
    return { run, colony: colony?.name ?? '', queen: null, pair: null, ...empty, consoleErrors: colony?.consoleErrors ?? [], error: error instanceof Error ? error.message : String(error) };
  } finally {
    await colony?.context.close();
  }
}

const perSecond = (count: number, ms: number | null) => (ms === null || ms <= 0 ? null : (count * 1000) / ms);

function figures(runs: readonly RelayRun[], options: RelayOptions): Figure[] {
  const all = (pick: (run: RelayRun) => number[]) => runs.flatMap(pick);
  const p50 = (values: number[]) => spread(values).p50;
  const rates = (pick: (run: RelayRun) => number | null) => runs.map((run) => perSecond(options.bulk, pick(run))).filter((v): v is number => v !== null);
  const [relayRates, directRates] = [rates((run) => run.relayBulkMs), rates((run) => run.directBulkMs)];
  const kib = (rate: number | null) => (rate === null ? null : (rate * (BULK_PAD_BYTES + 40)) / 1024);
  const relayRate = spread(relayRates).p50;
  return [
    timingFigure('round trip A→B→A: hive.send until acked (via the queen)', all((run) => run.relayRttMs), { label: 'direct channel ping-pong p50', value: p50(all((run) => run.directRttMs)) }),
    timingFigure('one way A→B (via the queen; inbox stamps whole ms)', all((run) => run.relayOneWayMs), { label: 'direct channel one way p50', value: p50(all((run) => run.directOneWayMs)) }),
    {
      label: `throughput A→B, ${BULK_PAD_BYTES / 1024} KiB messages (via the queen, ${RELAY_WINDOW} in flight, each acked)`,
      unit: 'msg/s',
      value: relayRate,
      detail: `${formatNumber(kib(relayRate))} KiB/s; direct ${formatNumber(kib(spread(directRates).p50))} KiB/s`,
      baseline: { label: 'direct channel msg/s', value: spread(directRates).p50 },
    },
  ];
}

/** Where one relayed round trip's time goes, by tab: crypto and IndexedDB commits (the rest is wire, event loop and JSON). */
function stageLine(stages: Stages): string {
  const f = (value: number) => formatNumber(Math.round(value * 100) / 100);
  const tab = (name: string, cost: Cost) =>
    `${name}: crypto ${f(cost.cryptoMs)} ms (${f(cost.signed)} signed, ${f(cost.verified)} verified, ${f(cost.maced)} MAC'd, ${f(cost.macChecked)} MACs checked), IndexedDB ${f(cost.storeMs)} ms in ${f(cost.transactions)} commits`;
  return `${tab('A', stages.origin)}; ${tab('queen', stages.queen)}; ${tab('B', stages.receiver)}`;
}

function progressLine(run: RelayRun, options: RelayOptions): string {
  if (run.error !== null) return `relay: run ${run.run}: FAILED: ${run.error}`;
  const p50 = (values: number[]) => formatNumber(spread(values).p50);
  return (
    `relay: run ${run.run}: rtt p50 ${p50(run.relayRttMs)} ms via queen vs ${p50(run.directRttMs)} ms direct; ` +
    `${formatNumber(perSecond(options.bulk, run.relayBulkMs))} vs ${formatNumber(perSecond(options.bulk, run.directBulkMs))} msg/s; ${run.viaQueen}/${run.relayed} via the queen` +
    (run.stages ? `\n  per round trip: ${stageLine(run.stages)}` : '') +
    (run.bulkStages ? `\n  per bulk message: ${stageLine(run.bulkStages)}` : '')
  );
}

/** Issue 15's goals for the message path, judged on the figures' ratios to a bare channel. */
export function relayGoals(measured: readonly Figure[]): Goal[] {
  return [
    figureGoal('relayed round trip ÷ direct ping-pong', measured.find((f) => f.label.startsWith('round trip A→B→A')), { atMost: 4 }),
    figureGoal('relayed throughput of 4 KiB messages ÷ a direct channel', measured.find((f) => f.label.startsWith('throughput A→B')), { atLeast: 0.5 }),
  ];
}

export async function runRelayBench(browser: Browser, options: RelayOptions, baseURL: string, log: (line: string) => void): Promise<BenchResult> {
  const runs: RelayRun[] = [];
  for (let run = 1; run <= options.runs; run++) {
    const result = await runOnce(browser, options, baseURL, run);
    log(progressLine(result, options));
    runs.push(result);
  }
  const failed = runs.filter((run) => run.error !== null);
  const relayed = runs.reduce((sum, run) => sum + run.relayed, 0);
  const viaQueen = runs.reduce((sum, run) => sum + run.viaQueen, 0);
  const expected = runs.filter((run) => run.error === null).length * (options.pings + options.bulk);
  const notes = [
    ...failed.map((run) => `run ${run.run} failed: ${run.error}`),
    ...(viaQueen < relayed ? [`${relayed - viaQueen} of ${relayed} relayed messages did not take the route A → queen → B`] : []),
    ...(relayed < expected ? [`B's inbox held ${relayed} of the ${expected} relayed messages sent`] : []),
  ];
  const measured = figures(runs, options);
  return {
    name: 'relay',
    status: failed.length === runs.length ? 'failed' : notes.length > 0 ? 'partial' : 'measured',
    notes,
    figures: measured,
    goals: relayGoals(measured),
    details: [
      `${options.runs} colonies of ${options.size} tabs (${options.transport}, one hive). Per run: ${options.pings} pings of ${PING_PAD_BYTES} B one after another, then ${options.bulk} messages of ${BULK_PAD_BYTES / 1024} KiB, on each path, after ${WARMUP_PINGS} warm-up pings each; the order of the paths alternates between runs. ` +
        `The relayed path is the app's whole send: outbox write in IndexedDB, A → queen → B, inbox write, ack B → queen → A. The direct path is a bare RTCPeerConnection data channel between A and B with no acks or storage: a floor, not a rival design. ` +
        `${viaQueen} of ${relayed} relayed messages took the route A → queen → B.`,
      ...runs.filter((run) => run.stages !== null).map((run) => `Run ${run.run}, work per relayed round trip of the pings phase (mean): ${stageLine(run.stages!)}.`),
      ...runs.filter((run) => run.bulkStages !== null).map((run) => `Run ${run.run}, work per relayed message of the bulk phase (mean): ${stageLine(run.bulkStages!)}.`),
    ],
    settings: { ...options, pingPadBytes: PING_PAD_BYTES, bulkPadBytes: BULK_PAD_BYTES, relayWindow: RELAY_WINDOW, warmupPings: WARMUP_PINGS },
    raw: runs.map((run) => ({ ...run, relayRtt: spread(run.relayRttMs), directRtt: spread(run.directRttMs) })),
  };
}
