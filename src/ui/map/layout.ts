// Force-directed layout of a MapGraph (d3-force), stepped by the map's own animation frame so
// drawing and layout share one loop that sleeps once the colony stands still. Bees keep their
// positions across updates; newcomers start beside their queen, so a change reads as movement.

import { forceCollide, forceLink, forceManyBody, forceSimulation, forceX, forceY, type Simulation, type SimulationLinkDatum, type SimulationNodeDatum } from 'd3-force';
import type { LinkKind } from '../roles';
import { hiveRadius } from './aggregate';
import type { MapGraph, MapNode } from './graph';

export type LaidNode = MapNode & SimulationNodeDatum & { x: number; y: number };
export type LaidLink = SimulationLinkDatum<LaidNode> & { kind: LinkKind; source: LaidNode; target: LaidNode };

const LINK_DISTANCE: Record<LinkKind, number> = { hive: 34, court: 170, neighbour: 70 };
const LINK_STRENGTH: Record<LinkKind, number> = { hive: 0.5, court: 0.12, neighbour: 0.02 };
const QUEEN_CHARGE = -320;
const BEE_CHARGE = -36;
/** Pull towards the middle, so bees without links stay in view. */
const GRAVITY = 0.05;
/** How hot a change makes the layout: a few new bees nudge it, a new hive reshapes it. */
const MIN_REHEAT = 0.08;
const MAX_REHEAT = 0.6;
/** Cools in ~190 steps (d3's default takes 300): about three seconds of motion per change. */
const ALPHA_DECAY = 0.035;
/** Above this many bees, charge alone keeps them apart: collision costs a frame's worth. */
const COLLIDE_LIMIT = 150;
/** The frame the cooling is counted in: a step this long apart is one tick. */
export const FRAME_MS = 1000 / 60;
/** Ticks one late step may catch up on; the rest of the time late it only cools. */
const MAX_TICKS_PER_STEP = 3;

/** Where the map's bees are: laid out here (ForceLayout) or elsewhere and sent (PlacedLayout). */
export interface MapLayout {
  readonly nodes: ReadonlyMap<string, LaidNode>;
  readonly links: readonly LaidLink[];
  /** Takes a new graph; returns whether its shape changed. */
  update(graph: MapGraph): boolean;
  /** Brings the positions forward by `elapsedMs` (one frame by default); false once they rest. */
  step(elapsedMs?: number): boolean;
  /** Calls `wake` when positions change without a step (they arrived from elsewhere). */
  listen?(wake: () => void): void;
}

export class ForceLayout implements MapLayout {
  readonly nodes = new Map<string, LaidNode>();
  links: LaidLink[] = [];
  private readonly simulation: Simulation<LaidNode, LaidLink>;
  private readonly linkForce = forceLink<LaidNode, LaidLink>().id((node) => node.id);
  private readonly collide = forceCollide<LaidNode>((node) => (node.bees !== undefined ? hiveRadius(node.bees) + 4 : node.role === 'queen' ? 16 : 8));
  private structureKey = '';

  constructor() {
    this.simulation = forceSimulation<LaidNode, LaidLink>()
      .force('charge', forceManyBody<LaidNode>().strength((node) => (node.role === 'queen' ? QUEEN_CHARGE : BEE_CHARGE)).distanceMax(600))
      .force('link', this.linkForce.distance((link) => LINK_DISTANCE[link.kind]).strength((link) => LINK_STRENGTH[link.kind]))
      .force('x', forceX<LaidNode>(0).strength(GRAVITY))
      .force('y', forceY<LaidNode>(0).strength(GRAVITY))
      .alphaDecay(ALPHA_DECAY)
      .stop();
  }

  /** Takes a new graph; returns whether its shape changed (and the layout woke up). */
  update(graph: MapGraph): boolean {
    const before = new Map(this.nodes);
    this.nodes.clear();
    let changed = 0;
    for (const node of graph.nodes) {
      const old = before.get(node.id);
      if (old && old.role === node.role && old.hive === node.hive) {
        // A hive drawn as one keeps its place while its count changes: drawn, not laid out anew.
        [old.self, old.bees] = [node.self, node.bees];
        this.nodes.set(node.id, old);
        continue;
      }
      changed++;
      const place = old ?? this.placeNear(node, before);
      this.nodes.set(node.id, Object.assign(place, node));
    }
    changed += [...before.keys()].filter((id) => !this.nodes.has(id)).length;
    const links = graph.links.filter((link) => this.nodes.has(link.source) && this.nodes.has(link.target));
    // The same links in another order are the same shape: a bee lists the hives it knows
    // freshest last, so their order changes with every heartbeat and must not reheat the layout.
    const key = links.map((link) => `${link.source}${link.kind[0]}${link.target}`).sort().join();
    if (changed === 0 && key === this.structureKey) return false;
    this.structureKey = key;
    this.links = links.map((link) => ({ source: this.nodes.get(link.source) as LaidNode, target: this.nodes.get(link.target) as LaidNode, kind: link.kind }));
    this.simulation.nodes([...this.nodes.values()]);
    this.linkForce.links(this.links);
    this.simulation.force('collide', this.nodes.size <= COLLIDE_LIMIT ? this.collide : null);
    const share = Math.max(changed, 1) / Math.max(this.nodes.size, 1);
    this.simulation.alpha(Math.max(this.simulation.alpha(), Math.min(MAX_REHEAT, MIN_REHEAT + share)));
    return true;
  }

  /**
   * One step of the layout, `elapsedMs` after the last; false once it has come to rest. It cools
   * by the clock, not by the frame: a tab that draws one frame a second (a background window)
   * comes to rest as soon as one drawing sixty, instead of animating for minutes.
   */
  step(elapsedMs = FRAME_MS): boolean {
    if (this.simulation.alpha() < this.simulation.alphaMin()) return false;
    const frames = Math.max(1, Math.round(elapsedMs / FRAME_MS));
    const ticks = Math.min(frames, MAX_TICKS_PER_STEP);
    this.simulation.tick(ticks);
    this.simulation.alpha(this.simulation.alpha() * (1 - ALPHA_DECAY) ** (frames - ticks));
    return true;
  }

  /** A newcomer starts beside its queen (or any bee it links to), else somewhere near the middle. */
  private placeNear(node: MapNode, known: ReadonlyMap<string, LaidNode>): LaidNode {
    const anchor = (node.hive !== null ? known.get(node.hive) : undefined) ?? this.nodes.get(node.hive ?? '');
    const spread = anchor ? 30 : 120;
    const angle = Math.random() * 2 * Math.PI;
    const radius = Math.random() * spread;
    return { ...node, x: (anchor?.x ?? 0) + radius * Math.cos(angle), y: (anchor?.y ?? 0) + radius * Math.sin(angle) };
  }
}
