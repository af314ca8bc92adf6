// The simulator page's state: runs the SimRunner on animation frames, redraws the map a few
// times a second from the world, and measures the page's frame rate (window.simStats).

import { ColonyFeed, type TimelineEntry } from '../feed';
import { graphFromWorld } from '../map/from-world';
import { EMPTY_GRAPH, type Flight, type MapGraph } from '../map/graph';
import { SimRunner } from './sim-runner';

/** Wall time the simulator may use per animation frame. */
const FRAME_BUDGET_MS = 8;
/** How often the map and counters are refreshed from the world. */
const MAP_INTERVAL_MS = 250;
/** A frame gap longer than this (a hidden tab) is not simulated in one go. */
const MAX_FRAME_GAP_MS = 100;

export interface SimStats {
  /** Animation frames in the last whole second. */
  fps: number;
  frames: number;
  bees: number;
  queens: number;
  hives: number;
  virtualMs: number;
  /** Virtual ms simulated per real ms over the last second (below `speed` when the budget caps it). */
  effectiveSpeed: number;
  speed: number;
}

declare global {
  interface Window {
    simStats?: SimStats;
  }
}

export class SimView {
  graph: MapGraph = $state.raw(EMPTY_GRAPH);
  flights: Flight[] = $state.raw([]);
  timeline: TimelineEntry[] = $state.raw([]);
  stats: SimStats = $state({ fps: 0, frames: 0, bees: 0, queens: 0, hives: 0, virtualMs: 0, effectiveSpeed: 0, speed: 1 });
  messageRate = $state(0);
  neighbourLinks = $state(false);
  readonly feed = new ColonyFeed();
  private frame = 0;
  private lastFrameAt = 0;
  private lastMapAt = -Infinity;
  private secondStartedAt = 0;
  private framesThisSecond = 0;
  private virtualThisSecond = 0;

  constructor(readonly runner: SimRunner) {}

  start(): void {
    this.lastFrameAt = this.secondStartedAt = performance.now();
    this.frame = requestAnimationFrame((now) => this.tick(now));
  }

  stop(): void {
    cancelAnimationFrame(this.frame);
  }

  /** Redraw the map now (after a button changed the colony). */
  refresh(): void {
    this.lastMapAt = -Infinity;
  }

  private tick(now: number): void {
    this.frame = requestAnimationFrame((next) => this.tick(next));
    const gap = Math.min(now - this.lastFrameAt, MAX_FRAME_GAP_MS);
    this.lastFrameAt = now;
    this.virtualThisSecond += this.runner.advance(gap, FRAME_BUDGET_MS);
    this.framesThisSecond++;
    this.stats.frames++;
    if (now - this.secondStartedAt >= 1000) {
      const elapsed = now - this.secondStartedAt;
      this.stats.fps = Math.round((this.framesThisSecond * 1000) / elapsed);
      this.stats.effectiveSpeed = this.virtualThisSecond / elapsed;
      this.secondStartedAt = now;
      this.framesThisSecond = 0;
      this.virtualThisSecond = 0;
    }
    if (now - this.lastMapAt >= MAP_INTERVAL_MS) {
      this.lastMapAt = now;
      this.sample(now);
    }
    window.simStats = { ...this.stats };
  }

  private sample(now: number): void {
    const world = this.runner.world;
    for (const delivery of this.runner.deliveries()) this.feed.fly(delivery.id, delivery.route, 'message', now);
    if (this.feed.update(graphFromWorld(world, { neighbourLinks: this.neighbourLinks }), world.now)) {
      this.graph = this.feed.graph;
      this.timeline = this.feed.timeline;
    }
    this.flights = this.feed.flights;
    this.messageRate = this.feed.messagesPerSecond(now);
    const queens = this.graph.nodes.filter((node) => node.role === 'queen').length;
    Object.assign(this.stats, { bees: this.graph.nodes.length, queens, hives: queens, virtualMs: world.now, speed: this.runner.speed });
  }
}
