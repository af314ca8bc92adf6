// One colony run, as `npm run sim` and its test do it: bees join over a spread, the colony
// converges on one queen, then the queen crashes and the orphans must crown another. The run is
// a plan of scenario actions carried out by the scenario stage, so a failing run's trace replays
// in runScenario. It reports what the run cost: virtual time, frames, links, wall time, memory.

import type { Violation } from './invariants';
import { stage, type Action } from './scenario';
import type { World } from './world';

/** How often convergence is checked, in virtual time (each check is one pass over the bees). */
const CHECK_INTERVAL_MS = 100;
/** How often a long run reports progress, in virtual time. */
const PROGRESS_INTERVAL_MS = 5000;
/** Default spread of joins: 10 ms per bee, at most this long. */
const MAX_DEFAULT_JOIN_SPREAD_MS = 30_000;
const JOIN_SPREAD_PER_BEE_MS = 10;
/** Default wait for convergence after the last join, and for a new queen after the crash. */
export const DEFAULT_CONVERGE_TIMEOUT_MS = 90_000;

export interface ColonyOptions {
  bees: number;
  seed: number;
  /** Joins are spread evenly over this long. */
  joinSpreadMs?: number;
  /** After convergence, crash the queen and time the failover. */
  killQueen?: boolean;
  /** No convergence this long after the last join (or after the crash) breaks invariant 2. */
  convergeTimeoutMs?: number;
  onProgress?: (progress: Progress) => void;
}

export interface Progress {
  nowMs: number;
  live: number;
  /** Live queens that some bee follows. */
  queens: number;
  /** Live bees following the live queen most bees follow (she counts herself). */
  following: number;
  framesSent: number;
  wallMs: number;
}

export interface ColonyReport {
  bees: number;
  seed: number;
  joinSpreadMs: number;
  /** Virtual time from the first join until one queen is followed by every live bee. */
  convergedMs: number | null;
  /** Virtual time from the queen's crash until one new queen is followed by every live bee. */
  failoverMs: number | null;
  /** Whether the queen was crashed (only after convergence, and only if asked). */
  killedQueen: boolean;
  convergeTimeoutMs: number;
  /** Campaigns started by all bees (sum of counters.elections). */
  elections: number;
  maxTerm: number;
  framesPerBee: number;
  /** Open links per live bee at convergence (each link counts at both ends). */
  linksPerBee: number;
  /** The same for a full mesh: every other bee. */
  fullMeshLinksPerBee: number;
  virtualMs: number;
  wallMs: number;
  /** Simulated bee·seconds per wall-clock second. */
  beeSecondsPerWallSecond: number;
  peakRssBytes: number;
  violations: Violation[];
  /** The plan as carried out (joins, then the crash at the time it happened): replayable. */
  actions: Action[];
}

export const defaultJoinSpreadMs = (bees: number): number => Math.min(bees * JOIN_SPREAD_PER_BEE_MS, MAX_DEFAULT_JOIN_SPREAD_MS);

/** The queen every live bee follows, if there is exactly one such; one pass, no snapshots. */
export function convergedQueen(world: World): string | null {
  let queen: string | null | undefined;
  for (const bee of world.bees.values()) {
    if (!bee.alive) continue;
    if (queen === undefined) queen = bee.queen;
    if (bee.queen === null || bee.queen !== queen) return null;
  }
  const reigning = queen ? world.bees.get(queen) : undefined;
  return reigning?.alive && reigning.role === 'queen' ? reigning.id : null;
}

function census(world: World): Pick<Progress, 'live' | 'queens' | 'following'> {
  let live = 0;
  const followers = new Map<string, number>();
  for (const bee of world.bees.values()) {
    if (!bee.alive) continue;
    live++;
    if (bee.queen !== null) followers.set(bee.queen, (followers.get(bee.queen) ?? 0) + 1);
  }
  let queens = 0;
  let following = 0;
  for (const [queen, count] of followers) {
    const bee = world.bees.get(queen);
    if (!bee?.alive || bee.role !== 'queen') continue;
    queens++;
    following = Math.max(following, count);
  }
  return { live, queens, following };
}

/** How long bees were alive in total, from the plan: each join until the end, minus each crash. */
function beeMs(actions: Action[], endMs: number): number {
  let total = 0;
  for (const action of actions) {
    if (action.kind === 'join') total += endMs - action.at;
    else if (action.kind === 'crash') total -= endMs - action.at;
  }
  return total;
}

export function runColony(options: ColonyOptions): ColonyReport {
  const { bees, seed } = options;
  const joinSpreadMs = options.joinSpreadMs ?? defaultJoinSpreadMs(bees);
  const timeoutMs = options.convergeTimeoutMs ?? DEFAULT_CONVERGE_TIMEOUT_MS;
  const started = performance.now();
  const { world, checker, act } = stage(seed);
  const actions: Action[] = [];
  const perform = (action: Action): void => {
    actions.push(action);
    act(action);
  };
  let nextProgressAt = 0;
  const progress = (): void => {
    if (!options.onProgress || world.now < nextProgressAt) return;
    nextProgressAt = world.now + PROGRESS_INTERVAL_MS;
    options.onProgress({ nowMs: world.now, ...census(world), framesSent: world.framesSent, wallMs: performance.now() - started });
  };
  /**
   * Runs until one queen is followed by all; the virtual time that took, or null if she is not
   * there by the deadline. The deadline check is runScenario's settle check at the same moment,
   * so the run's actions with settleMs = timeoutMs replay a failure exactly.
   */
  const converge = (): number | null => {
    const from = world.now;
    const deadline = from + timeoutMs;
    for (;;) {
      if (convergedQueen(world) !== null) return world.now - from;
      if (world.now >= deadline) break;
      world.runFor(Math.min(CHECK_INTERVAL_MS, deadline - world.now));
      progress();
    }
    checker.checkSettled();
    return null;
  };

  for (let i = 0; i < bees; i++) {
    perform({ at: Math.floor((i * joinSpreadMs) / bees), kind: 'join' });
    progress();
  }
  const lastJoinMs = world.now;
  const sinceLastJoin = converge();
  const convergedMs = sinceLastJoin === null ? null : lastJoinMs + sinceLastJoin;
  const live = world.liveIds().length;
  const linksPerBee = (2 * world.linkCount()) / live;
  let failoverMs: number | null = null;
  const killedQueen = convergedMs !== null && (options.killQueen ?? true);
  if (killedQueen) {
    perform({ at: world.now, kind: 'crash', queen: true });
    failoverMs = converge();
  }
  const wallMs = performance.now() - started;
  return {
    bees,
    seed,
    joinSpreadMs,
    convergedMs,
    failoverMs,
    killedQueen,
    convergeTimeoutMs: timeoutMs,
    elections: [...world.bees.values()].reduce((sum, bee) => sum + bee.elections, 0),
    maxTerm: [...world.bees.values()].reduce((max, bee) => Math.max(max, bee.term), 0),
    framesPerBee: world.framesSent / bees,
    linksPerBee,
    fullMeshLinksPerBee: live - 1,
    virtualMs: world.now,
    wallMs,
    beeSecondsPerWallSecond: beeMs(actions, world.now) / wallMs,
    // maxRSS is in KiB.
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    violations: checker.violations,
    actions,
  };
}
