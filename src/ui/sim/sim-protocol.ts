// What the /sim page and the simulator's Web Worker say to each other. The worker owns the
// World and runs it; the page only draws what the worker reports and sends the buttons' orders.

import type { MapGraph } from '../map/graph';
import type { Placement } from '../map/placed-layout';

export const MIN_BEES = 2;
/**
 * The page stays responsive up to here: the simulator runs off the page's thread, and past what
 * the map draws bee by bee the worker sends hives, not bees. How fast the simulator itself runs
 * that many is its own matter (it slows its virtual clock, never the page).
 */
export const MAX_BEES = 10_000;

export interface SimSetup {
  seed: number;
  bees: number;
  capacity?: number;
}

export interface SimControls {
  /** Virtual ms per real ms. */
  speed: number;
  /** Messages sent per virtual second between random bees. */
  trafficPerS: number;
  paused: boolean;
  neighbourLinks: boolean;
  /** Bees the page's map draws one by one (it says once it is measured); past that the worker sends hives. */
  beesDrawn: number;
}

export type SimOrder =
  | { type: 'start'; setup: SimSetup; controls: SimControls }
  | { type: 'controls'; controls: SimControls }
  | { type: 'killQueens' }
  | { type: 'partition' }
  | { type: 'heal' }
  | { type: 'addBees'; n: number }
  /** Report the colony now rather than at the next sample. */
  | { type: 'refresh' }
  /** The page drew the last positions: send the next (one placement in flight at a time). */
  | { type: 'drawn' };

export interface SimSample {
  type: 'sample';
  graph: MapGraph;
  /** Messages delivered since the last sample, with their routes. */
  deliveries: Array<{ id: string; route: string[] }>;
  virtualMs: number;
  /** Virtual ms simulated per real ms over the last second. */
  effectiveSpeed: number;
  /** Live bees plus those still joining. */
  bees: number;
}

/** The map's layout, run in the worker too: where every bee is now (see PlacedLayout). */
export interface SimPlacement extends Placement {
  type: 'placed';
}

export type SimReport = SimSample | SimPlacement | { type: 'killed'; queens: number };
