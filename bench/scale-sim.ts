// Links and frames per bee as a simulated colony grows, against what a full mesh of the same bees
// would cost. Runs the real protocol in the simulator (src/sim/): bees join over a spread, the
// colony settles into hives (within capacity, the court connected), then three windows are
// measured on the virtual clock: idle traffic, unicasts between random workers, and broadcasts.
// Deterministic for a seed; the wall clock and memory it reports are the only parts that vary.

import { defaultJoinSpreadMs, settledHives } from '../src/sim/run.ts';
import { stage } from '../src/sim/scenario.ts';
import type { World } from '../src/sim/world.ts';
import { seededRng } from '../src/hive/rng.ts';

/** How often convergence is checked and progress reported, in virtual time. */
const CHECK_INTERVAL_MS = 100;
const PROGRESS_INTERVAL_MS = 5_000;
/** The idle window: heartbeats and gossip only. */
export const IDLE_WINDOW_MS = 3_000;
/**
 * Messages sent in their windows, one every so often, then the window runs on to let them land.
 * Unicasts are 60: a message no queen can route asks the whole court, and 20 let a mean hide or
 * overstate those (at 3,000 bees 2 in 60 did, each over a hundred times the rest).
 */
export const UNICASTS = 60;
const UNICAST_EVERY_MS = 50;
export const BROADCASTS = 5;
const BROADCAST_EVERY_MS = 200;
const MESSAGE_DRAIN_MS = 2_000;
/** A full mesh's idle traffic, as a model: one heartbeat a second on each of its N−1 links. */
const FULL_MESH_HEARTBEAT_MS = 1_000;
const BODY_PREFIX = 'bench-';

export interface ScalePlan {
  bees: number;
  seed: number;
  /** Virtual time allowed for convergence after the last join. */
  convergeCapMs: number;
}

export interface ScaleProgress {
  virtualMs: number;
  wallMs: number;
  live: number;
  /** Live queens some bee follows, and the bees following one of them (queens count themselves). */
  queens: number;
  following: number;
  linksPerBee: number;
  framesSent: number;
  rssBytes: number;
}

export interface PerBee {
  mean: number;
  max: number;
  /** What a full mesh of the same bees costs per bee. */
  fullMesh: number;
}

export interface MessageCost {
  sent: number;
  /** Frames that carried these messages or their acks, per message. */
  framesPerMessage: number;
  /** What a full mesh needs per message: direct frames (and the ack, for a unicast). */
  fullMeshFramesPerMessage: number;
  /** Share of the intended receivers that got the message. */
  deliveredShare: number;
  /** Frames of the median message and of the costliest one (with its ack, for a unicast). */
  medianFrames: number;
  maxFrames: number;
}

export interface ScaleOutcome {
  bees: number;
  seed: number;
  joinSpreadMs: number;
  /** Virtual ms from the first join until every live bee follows a live queen; null at the cap. */
  convergedMs: number | null;
  queens: number;
  following: number;
  /** Open links per live bee when measuring started (each link counts at both ends). */
  links: PerBee;
  /** Frames each bee put on its links per second of the idle window, and received. */
  idleFramesOutPerS: PerBee;
  idleFramesInPerS: PerBee;
  /**
   * Bytes each bee put on its links per second of the idle window, as JSON (what a tab sends,
   * before its link's authentication); the full mesh's is a model: N−1 heartbeats a second of
   * this colony's mean frame size.
   */
  idleBytesOutPerS: PerBee;
  unicast: MessageCost;
  broadcast: MessageCost;
  elections: number;
  violations: number;
  virtualMs: number;
  wallMs: number;
  /** Virtual and wall time from the first join until convergence (or the convergence cap): the simulator's speed. */
  convergeVirtualMs: number;
  convergeWallMs: number;
  /** Heap in use once converged, after a full GC when the process allows one (--expose-gc), per live bee. */
  heapPerBeeBytes: number;
  peakRssBytes: number;
}

/** Live queens followed, how many bees follow one, and whether every live bee does. */
export function hiveCensus(world: World): { queens: number; following: number; live: number } {
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
    following += count;
  }
  return { queens, following, live };
}

function perBee(counts: ReadonlyMap<string, number>, live: readonly string[], divisor: number, fullMesh: number): PerBee {
  let total = 0;
  let max = 0;
  for (const id of live) {
    const n = counts.get(id) ?? 0;
    total += n;
    max = Math.max(max, n);
  }
  return { mean: total / Math.max(1, live.length) / divisor, max: max / divisor, fullMesh };
}

/** Bytes per frame over a window: the sum of one count over the sum of the other. */
function meanOf(bytes: ReadonlyMap<string, number>, frames: ReadonlyMap<string, number>): number {
  let [b, f] = [0, 0];
  for (const n of bytes.values()) b += n;
  for (const n of frames.values()) f += n;
  return f === 0 ? 0 : b / f;
}

/** Frames (and their bytes as JSON) per bee over one window of virtual time, counted through the world's tap. */
function countFrames(world: World, durationMs: number, during: () => void = () => {}): { out: Map<string, number>; into: Map<string, number>; bytesOut: Map<string, number> } {
  const out = new Map<string, number>();
  const into = new Map<string, number>();
  const bytesOut = new Map<string, number>();
  world.tap = (from, to, frame) => {
    out.set(from, (out.get(from) ?? 0) + 1);
    into.set(to, (into.get(to) ?? 0) + 1);
    bytesOut.set(from, (bytesOut.get(from) ?? 0) + JSON.stringify(frame).length);
  };
  const end = world.now + durationMs;
  during();
  world.runUntil(end);
  world.tap = null;
  return { out, into, bytesOut };
}

/** Sends `count` messages through `send`, one every `everyMs`, then lets them land; counts their frames. */
function messageWindow(
  world: World,
  count: number,
  everyMs: number,
  send: (i: number, body: string) => void,
): { frames: number; bodies: string[]; perMessage: number[] } {
  const framesOf = new Map<string, number>();
  let frames = 0;
  const bodies: string[] = [];
  world.tap = (_from, _to, frame) => {
    if (frame.t !== 'env') return;
    const p = frame.p;
    const ours = (p.k === 'data' && typeof p.body === 'string' && p.body.startsWith(BODY_PREFIX)) || (p.k === 'ack' && framesOf.has(p.msg));
    if (!ours) return;
    framesOf.set(p.msg, (framesOf.get(p.msg) ?? 0) + 1);
    frames++;
  };
  for (let i = 0; i < count; i++) {
    const body = `${BODY_PREFIX}${world.now}-${i}`;
    bodies.push(body);
    send(i, body);
    world.runFor(everyMs);
  }
  world.runFor(MESSAGE_DRAIN_MS);
  world.tap = null;
  return { frames, bodies, perMessage: [...framesOf.values()].sort((a, b) => a - b) };
}

/** The median and the largest of counts sorted in ascending order (0 for none). */
const medianAndMax = (sorted: readonly number[]): { medianFrames: number; maxFrames: number } => ({
  medianFrames: sorted[Math.floor((sorted.length - 1) / 2)] ?? 0,
  maxFrames: sorted.at(-1) ?? 0,
});

function received(world: World, body: string): number {
  let n = 0;
  for (const bee of world.bees.values()) if (bee.alive && bee.inbox.some((m) => m.body === body)) n++;
  return n;
}

export function runScale(plan: ScalePlan, onProgress: (progress: ScaleProgress) => void = () => {}): ScaleOutcome {
  const started = performance.now();
  const { world, checker, act } = stage(plan.seed);
  const rng = seededRng(plan.seed ^ 0xbe7c4);
  const joinSpreadMs = defaultJoinSpreadMs(plan.bees);
  let nextProgressAt = 0;
  const progress = (force = false) => {
    if (!force && world.now < nextProgressAt) return;
    nextProgressAt = world.now + PROGRESS_INTERVAL_MS;
    const census = hiveCensus(world);
    onProgress({
      virtualMs: world.now,
      wallMs: performance.now() - started,
      ...census,
      linksPerBee: (2 * world.linkCount()) / Math.max(1, census.live),
      framesSent: world.framesSent,
      rssBytes: process.memoryUsage.rss(),
    });
  };

  for (let i = 0; i < plan.bees; i++) {
    act({ at: Math.floor((i * joinSpreadMs) / plan.bees), kind: 'join' });
    progress();
  }
  const deadline = world.now + plan.convergeCapMs;
  let convergedMs: number | null = null;
  for (;;) {
    // Settled into hives: every hive within capacity, every worker with the queen who counts it, the court connected.
    if (settledHives(world) !== null) {
      convergedMs = world.now;
      break;
    }
    if (world.now >= deadline) break;
    world.runFor(Math.min(CHECK_INTERVAL_MS, deadline - world.now));
    progress();
  }
  progress(true);
  const [convergeVirtualMs, convergeWallMs] = [world.now, performance.now() - started];
  const census = hiveCensus(world);
  const live = world.liveIds();
  const n = live.length;
  (globalThis as { gc?: () => void }).gc?.();
  const heapPerBeeBytes = process.memoryUsage().heapUsed / Math.max(1, n);
  const linkCounts = new Map(live.map((id) => [id, world.bees.get(id)!.protocol.snapshot().neighbours.length]));
  const links = perBee(linkCounts, live, 1, n - 1);

  const idle = countFrames(world, IDLE_WINDOW_MS);
  const seconds = IDLE_WINDOW_MS / 1000;
  const meshPerS = ((n - 1) * 1000) / FULL_MESH_HEARTBEAT_MS;
  progress(true);

  const workers = live.filter((id) => world.bees.get(id)!.role !== 'queen');
  const pickWorker = () => workers[rng.int(workers.length)]!;
  const pairs: Array<[string, string]> = [];
  const unicasts = messageWindow(world, UNICASTS, UNICAST_EVERY_MS, (i, body) => {
    let [from, to] = [pickWorker(), pickWorker()];
    while (to === from && workers.length > 1) to = pickWorker();
    pairs.push([from, to]);
    world.send(from, to, body, 1_000_000 + i);
  });
  const unicastDelivered = unicasts.bodies.filter((body, i) => world.bees.get(pairs[i]![1])!.inbox.some((m) => m.body === body)).length;
  const broadcasts = messageWindow(world, BROADCASTS, BROADCAST_EVERY_MS, (i, body) => world.send(pickWorker(), null, body, 2_000_000 + i));
  const broadcastReceivers = broadcasts.bodies.reduce((sum, body) => sum + received(world, body), 0);
  progress(true);

  return {
    bees: plan.bees,
    seed: plan.seed,
    joinSpreadMs,
    convergedMs,
    queens: census.queens,
    following: census.following,
    links,
    idleFramesOutPerS: perBee(idle.out, live, seconds, meshPerS),
    idleFramesInPerS: perBee(idle.into, live, seconds, meshPerS),
    idleBytesOutPerS: perBee(idle.bytesOut, live, seconds, meshPerS * meanOf(idle.bytesOut, idle.out)),
    unicast: {
      sent: UNICASTS,
      framesPerMessage: unicasts.frames / UNICASTS,
      fullMeshFramesPerMessage: 2,
      deliveredShare: unicastDelivered / UNICASTS,
      ...medianAndMax(unicasts.perMessage),
    },
    broadcast: {
      sent: BROADCASTS,
      framesPerMessage: broadcasts.frames / BROADCASTS,
      fullMeshFramesPerMessage: n - 1,
      // Every live bee but the sender.
      deliveredShare: broadcastReceivers / (BROADCASTS * (n - 1)),
      ...medianAndMax(broadcasts.perMessage),
    },
    elections: [...world.bees.values()].reduce((sum, bee) => sum + bee.elections, 0),
    violations: checker.violations.length,
    virtualMs: world.now,
    wallMs: performance.now() - started,
    convergeVirtualMs,
    convergeWallMs,
    heapPerBeeBytes,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
  };
}
