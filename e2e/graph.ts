// The colony's link graph as the tabs report it: an undirected link a–b exists when either end
// lists the other among its neighbours (snapshots are taken a moment apart, so one end may lag).
import type { Snapshot } from './fixtures.ts';

const linkKey = (a: string, b: string) => (a < b ? `${a} ${b}` : `${b} ${a}`);

export function links(snaps: readonly Snapshot[]): Set<string> {
  return new Set(snaps.flatMap((snap) => snap.neighbours.map((peer) => linkKey(snap.id, peer))));
}

/** True when every bee in `ids` reaches every other over links among `ids` only. */
export function isConnected(ids: readonly string[], snaps: readonly Snapshot[]): boolean {
  const members = new Set(ids);
  const adjacent = new Map(ids.map((id) => [id, new Set<string>()]));
  for (const key of links(snaps)) {
    const [a = '', b = ''] = key.split(' ');
    if (!members.has(a) || !members.has(b)) continue;
    adjacent.get(a)?.add(b);
    adjacent.get(b)?.add(a);
  }
  const start = ids[0];
  if (start === undefined) return true;
  const seen = new Set([start]);
  const queue = [start];
  for (let bee = queue.shift(); bee !== undefined; bee = queue.shift()) {
    for (const next of adjacent.get(bee) ?? []) {
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return seen.size === members.size;
}

/**
 * Two workers that follow the same queen, two without a link between them if there are such, or
 * undefined. Their messages go through her whether or not they link each other.
 */
export function workersOfOneQueen(snaps: readonly Snapshot[]): [Snapshot, Snapshot] | undefined {
  const linked = links(snaps);
  const workers = snaps.filter((snap) => snap.role === 'worker' && snap.queen !== null);
  const pairs = workers.flatMap((a) => workers.filter((b) => a.id < b.id && b.queen === a.queen).map((b): [Snapshot, Snapshot] => [a, b]));
  return pairs.find(([a, b]) => !linked.has(linkKey(a.id, b.id))) ?? pairs[0];
}
