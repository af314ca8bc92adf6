// One colony run, as `npm run sim` and its test do it: bees join over a spread, the colony
// settles into hives within capacity, then a queen crashes and her orphans must crown another. The run is
// a plan of scenario actions carried out by the scenario stage, so a failing run's trace replays
// in runScenario. It reports what the run cost: virtual time, frames, links, wall time, memory.

import type { Violation } from './invariants';
import { courtReach } from './reach';
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
  /** After convergence, crash a queen and time the failover. */
  killQueen?: boolean;
  /** No convergence this long after the last join (or after the crash) breaks invariant 2. */
  convergeTimeoutMs?: number;
  onProgress?: (progress: Progress) => void;
}

export interface Progress {
  nowMs: number;
  live: number;
  /** Live queens. */
  queens: number;
  /** Live bees following a live queen. */
  following: number;
  framesSent: number;
  wallMs: number;
}

export interface ColonyReport {
  bees: number;
  seed: number;
  joinSpreadMs: number;
  /** Virtual time from the first join until the colony settled into hives (invariants 2 and 3). */
  convergedMs: number | null;
  /** Virtual time from a queen's crash until the colony settled again. */
  failoverMs: number | null;
  /** Whether the queen was crashed (only after convergence, and only if asked). */
  killedQueen: boolean;
  convergeTimeoutMs: number;
  /** Hives at convergence (null if the colony never settled). */
  hives: number | null;
  capacity: number;
  /** Campaigns started by all bees (sum of counters.elections). */
  elections: number;
  /** Campaigns started after the queen's crash (her orphans electing her successor). */
  failoverElections: number;
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

/**
 * The number of hives once the colony has settled (invariants 2 and 3 hold: every live bee is a
 * worker of a live queen within capacity, and the court joins the queens), else null. One pass
 * over the bees, and one over each queen's links.
 */
export function settledHives(world: World): number | null {
  const queens = new Map<string, { workers: string[]; court: string[] }>();
  let workers = 0;
  for (const bee of world.bees.values()) {
    if (!bee.alive || bee.observer) continue;
    if (bee.role === 'queen') queens.set(bee.id, bee.protocol.hiveView());
    else workers++;
  }
  let counted = 0;
  for (const [queen, hive] of queens) {
    if (hive.workers.length > world.config.capacity) return null;
    for (const worker of hive.workers) {
      const bee = world.bees.get(worker);
      // Her view of a worker trails its own by a heartbeat: both must name her.
      if (!bee?.alive || bee.queen !== queen) return null;
      counted++;
    }
  }
  if (queens.size === 0 || counted !== workers) return null;
  return courtReach(queens) === queens.size ? queens.size : null;
}

function census(world: World): Pick<Progress, 'live' | 'queens' | 'following'> {
  let live = 0;
  let following = 0;
  const queens = new Set<string>();
  for (const bee of world.bees.values()) {
    if (!bee.alive) continue;
    live++;
    if (bee.role === 'queen') queens.add(bee.id);
  }
  for (const bee of world.bees.values()) if (bee.alive && bee.queen !== null && queens.has(bee.queen)) following++;
  return { live, queens: queens.size, following };
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
   * Runs until the colony settles into hives; the virtual time that took, or null if she is not
   * there by the deadline. The deadline check is runScenario's settle check at the same moment,
   * so the run's actions with settleMs = timeoutMs replay a failure exactly.
   */
  const converge = (): number | null => {
    const from = world.now;
    const deadline = from + timeoutMs;
    for (;;) {
      if (settledHives(world) !== null) return world.now - from;
      if (world.now >= deadline) break;
      world.runFor(Math.min(CHECK_INTERVAL_MS, deadline - world.now));
      progress();
    }
    checker.checkSettled(world.config.capacity);
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
  const hives = settledHives(world);
  let failoverMs: number | null = null;
  const killedQueen = convergedMs !== null && (options.killQueen ?? true);
  const campaigns = (): number => [...world.bees.values()].reduce((sum, bee) => sum + bee.elections, 0);
  const campaignsBeforeCrash = campaigns();
  if (killedQueen) {
    perform({ at: world.now, kind: 'crash', queen: true });
    failoverMs = converge();
  }
  checker.checkFollowedQueens();
  const wallMs = performance.now() - started;
  return {
    bees,
    seed,
    joinSpreadMs,
    convergedMs,
    failoverMs,
    killedQueen,
    convergeTimeoutMs: timeoutMs,
    hives,
    capacity: world.config.capacity,
    elections: campaigns(),
    failoverElections: campaigns() - campaignsBeforeCrash,
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
