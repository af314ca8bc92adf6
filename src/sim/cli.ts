// `npm run sim`: run a simulated colony from a seed and print what it cost, or run the fault
// scenario suite over a range of seeds. Any invariant violation prints the seed, the violations
// and a shrunk trace (saved to a file that --replay runs again), and exits 1.
//
//   npm run sim -- --bees 1000 --seed 7 [--join-ms 10000] [--no-kill-queen] [--timeout-ms 90000]
//   npm run sim -- --seeds 1..300
//   npm run sim -- --replay sim-trace-7.json
//   npm run sim -- --handovers 1000

import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Violation } from './invariants';
import { DEFAULT_CONVERGE_TIMEOUT_MS, defaultJoinSpreadMs, runColony, type ColonyReport, type Progress } from './run';
import { HANDOVER_DEADLINE_MS, measureHandovers } from './handover';
import { planScenario, runScenario, SETTLE_MS, shrink, type Action } from './scenario';

/** Shrinking reruns the plan once per action; beyond this many actions that takes too long. */
const MAX_SHRINK_ACTIONS = 120;
/** A trace too long to shrink is saved whole; this many of its actions are printed. */
const UNSHRUNK_TRACE_LINES = 5;
/** Violation details can list thousands of bees; print this much of each. */
const MAX_DETAIL_CHARS = 400;

const { values } = parseArgs({
  options: {
    bees: { type: 'string', default: '100' },
    seed: { type: 'string', default: '1' },
    'join-ms': { type: 'string' },
    'no-kill-queen': { type: 'boolean', default: false },
    'timeout-ms': { type: 'string', default: String(DEFAULT_CONVERGE_TIMEOUT_MS) },
    seeds: { type: 'string' },
    replay: { type: 'string' },
    handovers: { type: 'string' },
    quiet: { type: 'boolean', default: false },
  },
});

/** A saved trace: runScenario(seed, actions, {}, settleMs) replays it. */
interface Trace {
  seed: number;
  settleMs: number;
  actions: Action[];
}

function count(name: string, raw: string): number {
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`--${name} must be a whole number, got ${raw}`);
  return n;
}

const seconds = (ms: number | null): string => (ms === null ? 'never' : `${(ms / 1000).toFixed(1)} s`);
const mib = (bytes: number): string => `${Math.round(bytes / 2 ** 20)} MiB`;
const clip = (text: string): string => (text.length > MAX_DETAIL_CHARS ? `${text.slice(0, MAX_DETAIL_CHARS)}…` : text);

function printViolations(seed: number, violations: Violation[]): void {
  console.log(`INVARIANT VIOLATED with seed ${seed}:`);
  for (const v of violations) console.log(`  #${v.invariant} at ${seconds(v.at)}: ${clip(v.detail)}`);
}

/** Shrink the trace when that is affordable, save it, and say how to replay it. */
function printTrace(seed: number, actions: Action[], settleMs: number, rerun: string): void {
  const trace = actions.length <= MAX_SHRINK_ACTIONS ? shrink(seed, actions, {}, settleMs) : actions;
  const file = `sim-trace-${seed}.json`;
  const saved: Trace = { seed, settleMs, actions: trace };
  writeFileSync(file, `${JSON.stringify(saved)}\n`);
  const shrunk = actions.length <= MAX_SHRINK_ACTIONS;
  console.log(`trace (${actions.length} actions${shrunk ? `, shrunk to ${trace.length}` : ', too many to shrink'}):`);
  const shown = shrunk ? trace : trace.slice(0, UNSHRUNK_TRACE_LINES);
  for (const action of shown) console.log(`  ${JSON.stringify(action)}`);
  if (shown.length < trace.length) console.log(`  … ${trace.length - shown.length} more in ${file}`);
  console.log(`replay the trace: npm run sim -- --replay ${file}`);
  console.log(`rerun the seed:   npm run sim -- ${rerun}`);
}

function runSuite(range: string): number {
  const match = /^(\d+)\.\.(\d+)$/.exec(range);
  if (!match) throw new Error(`--seeds takes a range like 1..300, got ${range}`);
  const [from, to] = [count('seeds', match[1] as string), count('seeds', match[2] as string)];
  let failed = 0;
  for (let seed = from; seed <= to; seed++) {
    const result = runScenario(seed, planScenario(seed));
    const line = `seed ${seed}: ${result.bees} bees, ${result.elections} elections, term ${result.maxTerm}`;
    if (result.violations.length === 0) {
      if (!values.quiet) console.log(`${line}: pass`);
      continue;
    }
    failed++;
    console.log(`${line}: FAIL`);
    printViolations(seed, result.violations);
    printTrace(seed, result.actions, SETTLE_MS, `--seeds ${seed}..${seed}`);
  }
  console.log(`${to - from + 1 - failed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

function replay(file: string): number {
  const { seed, settleMs, actions } = JSON.parse(readFileSync(file, 'utf8')) as Trace;
  const result = runScenario(seed, actions, {}, settleMs);
  console.log(`replayed ${actions.length} actions with seed ${seed}: ${result.bees} bees, ${result.elections} elections, term ${result.maxTerm}`);
  if (result.violations.length === 0) {
    console.log('no invariant violated');
    return 0;
  }
  printViolations(seed, result.violations);
  return 1;
}

function runHandovers(raw: string): number {
  const { report, runs } = measureHandovers(count('handovers', raw));
  console.log(`${report.runs} handovers (half in fresh colonies, half after 1–2 failovers; 4–12 bees; links 5–40 ms one way)`);
  console.log(`done within ${HANDOVER_DEADLINE_MS} ms   ${report.runs - report.failed}; failed ${report.failed}; old queen re-elected ${report.reelected}`);
  console.log(`abdication → all follow one queen   p50 ${report.p50Ms} ms, p95 ${report.p95Ms} ms, max ${report.maxMs} ms (virtual)`);
  console.log(`invariant violations   ${report.violations}`);
  for (const run of runs.filter((r) => r.ms === null || r.reelected || r.violations.length > 0)) {
    console.log(`  seed ${run.seed} (${run.bees} bees, ${run.failovers} failovers): ${run.ms === null ? 'failed' : `${run.ms} ms`}${run.reelected ? ', old queen re-elected' : ''}`);
    printViolations(run.seed, run.violations);
  }
  return report.failed + report.reelected + report.violations === 0 ? 0 : 1;
}

function printProgress(p: Progress): void {
  const wall = (p.wallMs / 1000).toFixed(1);
  console.log(`  t=${seconds(p.nowMs)}: ${p.live} live, ${p.queens} queens, ${p.following} follow a live queen, ${p.framesSent} frames (wall ${wall} s)`);
}

function printReport(r: ColonyReport): void {
  const rate = r.beeSecondsPerWallSecond >= 1e6 ? `${(r.beeSecondsPerWallSecond / 1e6).toFixed(2)}M` : Math.round(r.beeSecondsPerWallSecond).toString();
  console.log(`bees               ${r.bees} (joins spread over ${seconds(r.joinSpreadMs)})`);
  console.log(`seed               ${r.seed}`);
  const waited = `never (waited ${seconds(r.convergeTimeoutMs)})`;
  const converged = r.convergedMs === null ? waited : `${seconds(r.convergedMs)} after the first join (virtual)`;
  const failover = r.failoverMs !== null ? `${seconds(r.failoverMs)} from a queen's crash until the hives settled again` : r.killedQueen ? waited : 'not measured';
  console.log(`converged          ${converged}`);
  console.log(`hives              ${r.hives ?? 'not settled'} (capacity ${r.capacity} workers per queen)`);
  console.log(`elections          ${r.elections} campaigns, highest term ${r.maxTerm}`);
  console.log(`frames per bee     ${Math.round(r.framesPerBee)}`);
  console.log(`links per bee      ${r.linksPerBee.toFixed(1)} (full mesh: ${r.fullMeshLinksPerBee})`);
  console.log(`failover           ${failover}${r.killedQueen ? ` (${r.failoverElections} campaigns)` : ''}`);
  console.log(`wall clock         ${seconds(r.wallMs)} for ${seconds(r.virtualMs)} virtual: ${rate} bee·s per wall s`);
  console.log(`peak RSS           ${mib(r.peakRssBytes)}`);
}

function runOne(): number {
  const bees = count('bees', values.bees);
  const seed = count('seed', values.seed);
  const joinSpreadMs = values['join-ms'] === undefined ? defaultJoinSpreadMs(bees) : count('join-ms', values['join-ms']);
  const report = runColony({
    bees,
    seed,
    joinSpreadMs,
    killQueen: !values['no-kill-queen'],
    convergeTimeoutMs: count('timeout-ms', values['timeout-ms']),
    ...(values.quiet ? {} : { onProgress: printProgress }),
  });
  printReport(report);
  if (report.violations.length === 0) return 0;
  printViolations(seed, report.violations);
  printTrace(seed, report.actions, report.convergeTimeoutMs, `--bees ${bees} --seed ${seed} --join-ms ${joinSpreadMs} --timeout-ms ${values['timeout-ms']}`);
  return 1;
}

try {
  if (values.replay !== undefined) process.exitCode = replay(values.replay);
  else if (values.seeds !== undefined) process.exitCode = runSuite(values.seeds);
  else if (values.handovers !== undefined) process.exitCode = runHandovers(values.handovers);
  else process.exitCode = runOne();
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 2;
}
