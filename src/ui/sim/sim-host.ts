// The simulator's side of /sim, run in a Web Worker (sim-worker.ts): it owns the SimRunner, runs
// it in slices between the page's orders, reports the colony as map data a few times a second,
// and lays the map out (ForceLayout), sending the bees' positions while they move. Nothing here
// touches the DOM; the page only draws what it is sent.

import { drawnAs } from '../map/aggregate';
import { graphFromWorld } from '../map/from-world';
import { ForceLayout } from '../map/layout';
import { SimRunner } from './sim-runner';
import { MAX_BEES, type SimControls, type SimOrder, type SimReport } from './sim-protocol';

/** Wall time one run of the simulator may take before the worker reads its messages again. */
export const SLICE_BUDGET_MS = 25;
/** How often the colony is reported to the page. */
export const SAMPLE_MS = 250;
/** A longer pause (a sleeping laptop) is not simulated in one go. */
const MAX_GAP_MS = 100;

export class SimHost {
  private runner: SimRunner | null = null;
  private readonly layout = new ForceLayout();
  /** Whether the page has been told where the bees are since the layout last changed. */
  private placed = true;
  /** Whether the page knows the bees (and their order) the positions are for. */
  private idsSent = false;
  /**
   * A placement is on its way and not yet drawn: no other is sent, so a busy page is never
   * flooded with positions it cannot draw (the queue would starve its input and frames).
   */
  private awaitingDraw = false;
  private controls: SimControls = { speed: 1, trafficPerS: 2, paused: false, neighbourLinks: false, beesDrawn: MAX_BEES };
  private lastRunAt = 0;
  private lastSampleAt = -Infinity;
  private windowStartedAt = 0;
  private virtualInWindow = 0;
  private effectiveSpeed = 0;

  constructor(
    private readonly report: (report: SimReport, transfer?: Transferable[]) => void,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  order(order: SimOrder): void {
    if (order.type === 'start') {
      this.runner = new SimRunner(order.setup.seed, order.setup.bees, order.setup.capacity);
      this.lastRunAt = this.windowStartedAt = this.clock();
      this.apply(order.controls);
      return;
    }
    if (order.type === 'drawn') {
      this.awaitingDraw = false;
      return;
    }
    const runner = this.runner;
    if (!runner) return;
    switch (order.type) {
      case 'controls': this.apply(order.controls); break;
      case 'killQueens': this.report({ type: 'killed', queens: runner.killQueens() }); break;
      case 'partition': runner.partition(); break;
      case 'heal': runner.heal(); break;
      case 'addBees': runner.addBees(order.n); break;
      case 'refresh': break;
    }
    this.lastSampleAt = -Infinity;
  }

  /** Simulates the time since the last run (within the budget); reports when a sample is due. */
  run(): void {
    const runner = this.runner;
    if (!runner) return;
    const now = this.clock();
    const gap = Math.min(now - this.lastRunAt, MAX_GAP_MS);
    this.lastRunAt = now;
    this.virtualInWindow += runner.advance(gap, SLICE_BUDGET_MS);
    const after = this.clock();
    if (after - this.windowStartedAt >= 1000) {
      this.effectiveSpeed = this.virtualInWindow / (after - this.windowStartedAt);
      this.windowStartedAt = after;
      this.virtualInWindow = 0;
    }
    if (after - this.lastSampleAt >= SAMPLE_MS) {
      this.lastSampleAt = after;
      const bees = graphFromWorld(runner.world, { neighbourLinks: this.controls.neighbourLinks });
      // A colony the page cannot draw bee by bee goes as hives: a sample, its copy into the page
      // and the layout then grow with the hives, not the bees.
      const graph = drawnAs(bees, this.controls.beesDrawn);
      if (this.layout.update(graph)) [this.placed, this.idsSent] = [false, false];
      this.report({ type: 'sample', graph, deliveries: runner.deliveries(), virtualMs: runner.world.now, effectiveSpeed: this.effectiveSpeed, bees: runner.liveCount() });
    }
    this.place();
  }

  /** One layout step, and the positions it gives once the page drew the last; once more at rest. */
  private place(): void {
    const moving = this.layout.step();
    if (moving) this.placed = false;
    if (this.placed || this.awaitingDraw) return;
    const ids = this.idsSent ? null : [...this.layout.nodes.keys()];
    const xy = new Float32Array(this.layout.nodes.size * 2);
    let i = 0;
    for (const node of this.layout.nodes.values()) {
      xy[i++] = node.x;
      xy[i++] = node.y;
    }
    this.report({ type: 'placed', ids, xy, moving }, [xy.buffer]);
    [this.placed, this.idsSent, this.awaitingDraw] = [!moving, true, true];
  }

  private apply(controls: SimControls): void {
    this.controls = controls;
    if (!this.runner) return;
    this.runner.speed = controls.speed;
    this.runner.trafficPerS = controls.trafficPerS;
    this.runner.paused = controls.paused;
  }
}
