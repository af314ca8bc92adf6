// Handovers measured in the simulator: a queen abdicates, in a fresh colony or in one that lived
// through failovers first, and the run times how long until every live bee works for one queen
// again. A handover fails when that takes longer than the deadline; it re-elects the old queen
// when she is the one reigning afterwards. `npm run sim -- --handovers 1000` prints the figures.

import { InvariantChecker, type Violation } from './invariants';
import { settledHives } from './run';
import { World } from './world';

/** Virtual time between checks while a handover is under way. */
const STEP_MS = 5;
/** A handover not done by then failed. */
export const HANDOVER_DEADLINE_MS = 5000;
const SETTLE_LIMIT_MS = 60_000;
/** Room for every bee in one hive: these runs are about one queen. */
const CAPACITY = 16;

export interface HandoverRun {
  seed: number;
  bees: number;
  /** Queens crashed (and replaced) before the abdication. */
  failovers: number;
  /** Virtual time from the abdication until every live bee followed one queen; null if never. */
  ms: number | null;
  reelected: boolean;
  violations: Violation[];
}

export interface HandoverReport {
  runs: number;
  failed: number;
  reelected: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  violations: number;
}

const queenOf = (world: World): string | undefined => world.liveIds().find((id) => world.bees.get(id)!.role === 'queen');

function settle(world: World): boolean {
  for (let waited = 0; waited < SETTLE_LIMIT_MS; waited += 100) {
    if (settledHives(world) === 1) return true;
    world.runFor(100);
  }
  return false;
}

/** One colony of `bees`, `failovers` crashed queens, then one abdication, timed. */
export function runHandover(seed: number, bees: number, failovers: number, latencyMs?: [number, number]): HandoverRun {
  const world = new World({ seed, config: { capacity: CAPACITY }, ...(latencyMs ? { latencyMs } : {}) });
  const checker = new InvariantChecker(world);
  for (let i = 0; i < bees + failovers; i++) {
    world.addBee();
    world.runFor(100);
  }
  const failed = (): HandoverRun => ({ seed, bees, failovers, ms: null, reelected: false, violations: checker.violations });
  if (!settle(world)) return failed();
  for (let i = 0; i < failovers; i++) {
    world.crashBee(queenOf(world)!);
    if (!settle(world)) return failed();
  }
  // Her hive's membership is committed, as in a colony that has been up a while.
  world.runFor(2000);
  const old = queenOf(world)!;
  world.schedule(old, { type: 'abdicate', ref: 1 }, 0);
  const started = world.now;
  while (world.now - started < HANDOVER_DEADLINE_MS) {
    world.runFor(STEP_MS);
    const queen = queenOf(world);
    if (queen !== undefined && queen !== old && settledHives(world) === 1) break;
  }
  const done = settledHives(world) === 1 && queenOf(world) !== old;
  world.runFor(2000);
  checker.checkFollowedQueens();
  return { seed, bees, failovers, ms: done ? world.now - 2000 - started : null, reelected: queenOf(world) === old, violations: checker.violations };
}

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;

/** `runs` handovers: half in fresh colonies, half after one or two failovers, 4–12 bees. */
export function measureHandovers(runs: number, firstSeed = 1, latencyMs?: [number, number]): { report: HandoverReport; runs: HandoverRun[] } {
  const results: HandoverRun[] = [];
  for (let i = 0; i < runs; i++) {
    const seed = firstSeed + i;
    results.push(runHandover(seed, 4 + (seed % 9), i % 2 === 0 ? 0 : 1 + (seed % 2), latencyMs));
  }
  const times = results.flatMap((run) => (run.ms === null ? [] : [run.ms])).sort((a, b) => a - b);
  return {
    runs: results,
    report: {
      runs,
      failed: results.filter((run) => run.ms === null).length,
      reelected: results.filter((run) => run.reelected).length,
      p50Ms: percentile(times, 0.5),
      p95Ms: percentile(times, 0.95),
      maxMs: times.at(-1) ?? Number.NaN,
      violations: results.reduce((sum, run) => sum + run.violations.length, 0),
    },
  };
}
