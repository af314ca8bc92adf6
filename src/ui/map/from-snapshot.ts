// The colony as one bee knows it, as a map: itself, the bees in its roster, the hives and queens
// it has heard of, its own links. Roles it was not told stay 'unknown'.

import { knownColony, type ColonySnapshot } from '../colony';
import type { MapRole } from '../roles';
import { LinkSet, type MapGraph, type MapNode } from './graph';

export function graphFromSnapshot(snap: ColonySnapshot): MapGraph {
  const colony = knownColony(snap);
  const nodes = new Map<string, MapNode>();
  const put = (id: string, role: MapRole, hive: string | null): void => {
    const old = nodes.get(id);
    if (!old || old.role === 'unknown') nodes.set(id, { id, role, hive: hive ?? old?.hive ?? null });
  };
  const links = new LinkSet();

  put(snap.id, snap.role, colony.hive);
  for (const hive of colony.hives) {
    put(hive.queen, 'queen', hive.queen);
    for (const worker of hive.workers) {
      put(worker, 'worker', hive.queen);
      links.add(worker, hive.queen, 'hive');
    }
  }
  for (const queen of colony.queens) put(queen, 'queen', queen);
  for (const bee of snap.roster) put(bee, 'unknown', null);
  for (const bee of snap.neighbours) put(bee, 'unknown', null);

  for (const peer of snap.neighbours) {
    const isQueenLink = (peer === snap.queen && snap.role !== 'queen') || (snap.role === 'queen' && snap.workers.includes(peer));
    links.add(snap.id, peer, isQueenLink ? 'hive' : 'neighbour');
  }
  if (snap.role === 'queen') for (const queen of colony.court) links.add(snap.id, queen, 'court');

  const self = nodes.get(snap.id) as MapNode;
  self.self = true;
  // In a fixed order, so the same colony makes the same graph whatever order the snapshot's
  // lists came in (the feed then sees no change, and the map stays asleep).
  const byId = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  return {
    nodes: [...nodes.values()].sort((a, b) => byId(a.id, b.id)),
    links: links.list().sort((a, b) => byId(a.source, b.source) || byId(a.target, b.target)),
  };
}
