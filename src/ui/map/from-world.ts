// The simulator's colony as a map: every live bee with the role it announced, its hive, and the
// world's open links (the simulator knows everything, unlike one bee).

import type { World } from '../../sim/world';
import { LinkSet, type MapGraph, type MapNode } from './graph';

export function graphFromWorld(world: World, options: { neighbourLinks: boolean }): MapGraph {
  const nodes: MapNode[] = [];
  const links = new LinkSet();
  const live = world.liveIds();
  const queens = new Set(live.filter((id) => world.bees.get(id)?.role === 'queen'));
  for (const id of live) {
    const bee = world.bees.get(id);
    if (!bee) continue;
    const hive = bee.queen !== null && queens.has(bee.queen) ? bee.queen : null;
    nodes.push({ id, role: bee.role, hive });
    for (const peer of world.neighboursOf(id)) {
      if (peer < id) continue;
      const peerQueen = world.bees.get(peer)?.queen ?? null;
      if (queens.has(id) && queens.has(peer)) links.add(id, peer, 'court');
      else if (peer === hive || (queens.has(id) && id === peerQueen)) links.add(id, peer, 'hive');
      else if (options.neighbourLinks) links.add(id, peer, 'neighbour');
    }
  }
  return { nodes, links: links.list() };
}
