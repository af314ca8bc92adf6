// The simulator page's state. The simulator and the map's layout run in a Web Worker
// (sim-worker.ts); this side sends it the buttons' orders, turns its samples into the map,
// flights and timeline, places the bees where the worker says, and counts the page's own frames
// (window.simStats). Besides that, the page's thread only draws.

import { ColonyFeed, type TimelineEntry } from '../feed';
import { beesOn } from '../map/aggregate';
import { EMPTY_GRAPH, type Flight, type MapGraph } from '../map/graph';
import { PlacedLayout } from '../map/placed-layout';
import { MAX_BEES, type SimControls, type SimOrder, type SimReport, type SimSample, type SimSetup } from './sim-protocol';

export interface SimStats {
  /** Animation frames in the last whole second. */
  fps: number;
  frames: number;
  bees: number;
  queens: number;
  hives: number;
  virtualMs: number;
  /** Virtual ms simulated per real ms over the last second (below `speed` when the machine caps it). */
  effectiveSpeed: number;
  speed: number;
  /** The simulator runs in a Web Worker, off the page's thread. */
  worker: boolean;
}

declare global {
  interface Window {
    simStats?: SimStats;
  }
}

/** The simulator's side, as the page sees it: a Worker, or a stand-in in tests. */
export interface SimPort {
  postMessage(order: SimOrder): void;
  onmessage: ((event: MessageEvent<SimReport>) => void) | null;
  terminate(): void;
}

export function simWorker(): SimPort {
  return new Worker(new URL('./sim-worker.ts', import.meta.url), { type: 'module', name: 'hivemesh-sim' }) as unknown as SimPort;
}

export class SimView {
  graph: MapGraph = $state.raw(EMPTY_GRAPH);
  flights: Flight[] = $state.raw([]);
  timeline: TimelineEntry[] = $state.raw([]);
  stats: SimStats = $state({ fps: 0, frames: 0, bees: 0, queens: 0, hives: 0, virtualMs: 0, effectiveSpeed: 0, speed: 1, worker: true });
  messageRate = $state(0);
  /** Live bees plus those still joining, as the simulator last said. */
  liveCount = $state(0);
  /** What the page last told the simulator (not reactive: the page's own inputs hold the state). */
  controls: SimControls = { speed: 1, trafficPerS: 2, paused: false, neighbourLinks: false, beesDrawn: MAX_BEES };
  readonly feed = new ColonyFeed();
  /** The map's positions, computed in the worker. */
  readonly layout = new PlacedLayout();
  private frame = 0;
  private secondStartedAt = 0;
  private framesThisSecond = 0;
  private killed: Array<(queens: number) => void> = [];

  constructor(
    private readonly port: SimPort,
    readonly setup: SimSetup,
  ) {
    this.liveCount = setup.bees;
    port.onmessage = (event) => this.received(event.data);
  }

  start(): void {
    this.port.postMessage({ type: 'start', setup: this.setup, controls: { ...this.controls } });
    this.secondStartedAt = performance.now();
    this.frame = requestAnimationFrame((now) => this.tick(now));
  }

  stop(): void {
    cancelAnimationFrame(this.frame);
    this.port.terminate();
  }

  setControls(controls: Partial<SimControls>): void {
    this.controls = { ...this.controls, ...controls };
    this.stats.speed = this.controls.speed;
    this.port.postMessage({ type: 'controls', controls: { ...this.controls } });
  }

  /** The map says how many bees it draws one by one at its size; past that the worker sends hives. */
  fit(bees: number): void {
    if (bees !== this.controls.beesDrawn) this.setControls({ beesDrawn: bees });
  }

  /** Crashes every queen at once; resolves how many there were. */
  killQueens(): Promise<number> {
    return new Promise((resolve) => {
      this.killed.push(resolve);
      this.port.postMessage({ type: 'killQueens' });
    });
  }

  partition(): void {
    this.port.postMessage({ type: 'partition' });
  }

  heal(): void {
    this.port.postMessage({ type: 'heal' });
  }

  addBees(n: number): void {
    this.port.postMessage({ type: 'addBees', n });
  }

  private received(report: SimReport): void {
    if (report.type === 'killed') this.killed.shift()?.(report.queens);
    else if (report.type === 'placed') {
      this.layout.place(report);
      // Ask for the next positions once this frame is drawn, not before.
      requestAnimationFrame(() => this.port.postMessage({ type: 'drawn' }));
    }
    else this.sample(report, performance.now());
  }

  private tick(now: number): void {
    this.frame = requestAnimationFrame((next) => this.tick(next));
    this.framesThisSecond++;
    this.stats.frames++;
    if (now - this.secondStartedAt >= 1000) {
      this.stats.fps = Math.round((this.framesThisSecond * 1000) / (now - this.secondStartedAt));
      this.secondStartedAt = now;
      this.framesThisSecond = 0;
    }
    window.simStats = { ...this.stats };
  }

  private sample(sample: SimSample, now: number): void {
    for (const delivery of sample.deliveries) this.feed.fly(delivery.id, delivery.route, 'message', now);
    if (this.feed.update(sample.graph, sample.virtualMs)) {
      this.graph = this.feed.graph;
      this.timeline = this.feed.timeline;
    }
    this.flights = this.feed.flights;
    this.messageRate = this.feed.messagesPerSecond(now);
    this.liveCount = sample.bees;
    const queens = this.graph.nodes.filter((node) => node.role === 'queen').length;
    Object.assign(this.stats, { bees: beesOn(this.graph), queens, hives: queens, virtualMs: sample.virtualMs, effectiveSpeed: sample.effectiveSpeed });
  }
}
