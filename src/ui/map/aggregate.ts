// The map at scale: above what the canvas can draw bee by bee, each hive becomes one node sized
// by its bees, the court's links stay, and the bees in no hive (eggs, candidates, orphans) are
// one node with their count. The layout then places hives, not bees, so it stays cheap at 10,000.

import type { MapGraph, MapLink, MapNode } from './graph';

/** The id of the node that stands for every bee in no hive. */
export const LOOSE_BEES = 'loose';
/**
 * A worker's disc is 9 px across at the map's smallest scale; with its link and a gap about its
 * own size on each side, a bee needs a square about this wide to be told apart from the next.
 */
const BEE_CELL_PX = 26;
/** The projector draws bees 1.6 times bigger, to be read from the back of the room. */
const BIG_CELL_PX = BEE_CELL_PX * 1.6;

/** How many bees a map of this size draws one by one; past that it draws hives. */
export function beesThatFit(width: number, height: number, big = false): number {
  const cell = big ? BIG_CELL_PX : BEE_CELL_PX;
  return Math.floor((Math.max(0, width) * Math.max(0, height)) / (cell * cell));
}

/** What a map that draws `fits` bees one by one shows of `graph`: the bees, or past that its hives. */
export function drawnAs(graph: MapGraph, fits: number): MapGraph {
  return graph.nodes.length <= fits ? graph : hivesOnly(graph);
}

/** The graph as hives: one node per queen with her hive's bee count, the court, the loose bees. */
export function hivesOnly(graph: MapGraph): MapGraph {
  if (graph.byHive) return graph;
  const hives = new Map<string, MapNode>();
  for (const node of graph.nodes) if (node.role === 'queen') hives.set(node.id, { id: node.id, role: 'queen', hive: node.id, bees: 1, ...(node.self ? { self: true } : {}) });
  let loose = 0;
  let selfLoose = false;
  for (const node of graph.nodes) {
    if (node.role === 'queen') continue;
    const hive = node.hive === null ? undefined : hives.get(node.hive);
    if (!hive) {
      loose++;
      selfLoose ||= node.self === true;
      continue;
    }
    hive.bees = (hive.bees ?? 1) + 1;
    if (node.self) hive.self = true;
  }
  const nodes = [...hives.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
  if (loose > 0) nodes.push({ id: LOOSE_BEES, role: 'egg', hive: null, bees: loose, ...(selfLoose ? { self: true } : {}) });
  const links: MapLink[] = graph.links.filter((link) => link.kind === 'court' && hives.has(link.source) && hives.has(link.target));
  return { nodes, links, byHive: true };
}

/** The radius of a hive drawn as one node, in layout units: it grows with its bees, by area. */
export function hiveRadius(bees: number): number {
  return Math.min(40, 8 + 2.5 * Math.sqrt(bees));
}

/** The bees a graph stands for, whether it draws bees or hives. */
export function beesOn(graph: MapGraph): number {
  return graph.nodes.reduce((sum, node) => sum + (node.bees ?? 1), 0);
}
