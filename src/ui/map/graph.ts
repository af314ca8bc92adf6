// The hive map's input: plain data, so a bee's view, the projector and the simulator page all
// draw the same component. Builders turn their own sources into this shape.

import type { LinkKind, MapRole } from '../roles';

export interface MapNode {
  id: string;
  role: MapRole;
  /** The queen whose hive this bee belongs to, if known. */
  hive: string | null;
  /** The bee whose view this is (on a map of hives: the hive it belongs to). */
  self?: boolean;
  /** On a map of hives (aggregate.ts): the bees this node stands for, its queen included. */
  bees?: number;
}

export interface MapLink {
  source: string;
  target: string;
  kind: LinkKind;
}

export interface MapGraph {
  nodes: MapNode[];
  links: MapLink[];
  /** Each node is a hive (or the bees in none), not a bee: the colony is too big to draw bee by bee. */
  byHive?: boolean;
}

/** One message moving along its route; drawn for a while after `at` (performance.now() ms). */
export interface Flight {
  id: string;
  route: string[];
  kind: 'message' | 'relay';
  at: number;
}

export const EMPTY_GRAPH: MapGraph = { nodes: [], links: [] };

const pairKey = (a: string, b: string): string => (a < b ? `${a}|${b}` : `${b}|${a}`);

/**
 * Collects links without duplicates; a pair keeps its strongest kind (hive over court over
 * neighbour), since a worker's link to its queen is also a neighbour link.
 */
export class LinkSet {
  private readonly links = new Map<string, MapLink>();
  private static readonly RANK: Record<LinkKind, number> = { hive: 3, court: 2, neighbour: 1 };

  add(source: string, target: string, kind: LinkKind): void {
    if (source === target) return;
    const key = pairKey(source, target);
    const old = this.links.get(key);
    if (!old || LinkSet.RANK[kind] > LinkSet.RANK[old.kind]) this.links.set(key, { source, target, kind });
  }

  list(): MapLink[] {
    return [...this.links.values()];
  }
}

/** Counts by role, for captions, counters and tests. */
export function countRoles(graph: MapGraph): Record<MapRole, number> {
  const counts: Record<MapRole, number> = { egg: 0, worker: 0, candidate: 0, queen: 0, evicted: 0, observer: 0, unknown: 0 };
  for (const node of graph.nodes) counts[node.role]++;
  return counts;
}
