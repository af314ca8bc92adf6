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

/** Two bees with no link between them, or undefined in a full mesh. */
export function unlinkedPair(snaps: readonly Snapshot[]): [Snapshot, Snapshot] | undefined {
  const linked = links(snaps);
  for (const a of snaps) {
    for (const b of snaps) {
      if (a.id < b.id && !linked.has(linkKey(a.id, b.id))) return [a, b];
    }
  }
  return undefined;
}

/** Two workers that follow the same queen, if there are two. */
export function workersOfOneQueen(snaps: readonly Snapshot[]): [Snapshot, Snapshot] | undefined {
  const workers = snaps.filter((snap) => snap.role === 'worker' && snap.queen !== null);
  for (const a of workers) {
    const b = workers.find((other) => other !== a && other.queen === a.queen);
    if (b) return [a, b];
  }
  return undefined;
}
