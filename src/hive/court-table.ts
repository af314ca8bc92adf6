// The court's routing table, in the manner of Kademlia: every queen has a place in a 32-bit key
// space (a hash of her id), and the court is split, as seen from one queen, into buckets by how
// many leading bits another queen's key shares with hers. A queen that links one queen in every
// bucket holding any can reach any queen greedily, each hop sharing at least one more bit with
// the target's key: O(log hives) hops instead of a flood of the court. The same buckets give a
// broadcast a spanning tree: a queen hands it to one queen per bucket deeper than the one it came
// from, and every queen gets it once.
//
// Keys are hashes, not the ids themselves, so the table works for any id. An outsider who grinds
// ids can pick its place in the key space; it can do no more than a queen that drops traffic.

/**
 * Keys worked out lately: a queen compares every queen she knows each beat, and works out her
 * workers' homes among them; hashing the same ids again each time grows with the court. A pure
 * function's memory, so shared; cleared when full (a limit on everything).
 */
const KEYS_KEPT = 1 << 16;
const keys = new Map<string, number>();

/**
 * A bee's place in the court's key space: FNV-1a over its id, 32 bits. Buckets run from 0 (the
 * first bit differs) to 32 (the same key: a collision).
 */
export function courtKey(id: string): number {
  const known = keys.get(id);
  if (known !== undefined) return known;
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  if (keys.size >= KEYS_KEPT) keys.clear();
  keys.set(id, hash >>> 0);
  return hash >>> 0;
}

/** The bucket `other` falls in as seen from `self`: the leading key bits they share. */
export function bucketOf(self: string, other: string): number {
  return Math.clz32((courtKey(self) ^ courtKey(other)) >>> 0);
}

/**
 * A queen with her key worked out once. The court's scans go over every queen a queen knows, each
 * beat; the hive map keeps each queen's key beside her hive rather than looking it up again.
 */
export interface Keyed {
  readonly queen: string;
  readonly key: number;
}

export const keyed = (queen: string): Keyed => ({ queen, key: courtKey(queen) });

/**
 * The home of `bee` among `queens`: the one whose key is nearest its own (directory.ts). Nearness
 * is the XOR of keys; a tie (a hash collision) goes to the smaller id, here and in `contacts`.
 */
export function homeOf(bee: string, queens: Iterable<string>): string | undefined {
  return nearestOf(courtKey(bee), [...queens].map(keyed));
}

/** Like `homeOf`, over queens whose keys are known, and `also` if given. */
export function nearestOf(key: number, queens: Iterable<Keyed>, also?: Keyed): string | undefined {
  let best = also?.queen;
  let bestDistance = also === undefined ? 0 : (also.key ^ key) >>> 0;
  for (const { queen, key: other } of queens) {
    const d = (other ^ key) >>> 0;
    if (best === undefined || d < bestDistance || (d === bestDistance && queen < best)) {
      best = queen;
      bestDistance = d;
    }
  }
  return best;
}

/**
 * One queen per bucket among `queens` (those `self` links): the one nearest to `self`, so that
 * the choice is the same every time for the same links.
 */
export function contacts(self: string, queens: Iterable<string>): Map<number, string> {
  return nearestPerBucket(self, [...queens].map(keyed), () => false);
}

/** The nearest queen to `self` in each bucket, leaving out those `skip` says (by queen and bucket). */
function nearestPerBucket(self: string, queens: Iterable<Keyed>, skip: (queen: string, bucket: number) => boolean): Map<number, string> {
  const key = courtKey(self);
  const chosen = new Map<number, string>();
  const distances = new Map<number, number>();
  for (const { queen, key: other } of queens) {
    if (queen === self) continue;
    const d = (other ^ key) >>> 0;
    const bucket = Math.clz32(d);
    if (skip(queen, bucket)) continue;
    const held = chosen.get(bucket);
    const heldDistance = distances.get(bucket) as number;
    if (held === undefined || d < heldDistance || (d === heldDistance && queen < held)) {
      chosen.set(bucket, queen);
      distances.set(bucket, d);
    }
  }
  return chosen;
}

/**
 * The next hop from `self` towards the queen `target`: the linked queen nearest to her in the key
 * space, when nearer than `self` is. Undefined when no link gets closer (the table has a hole).
 */
export function nextHop(self: string, target: string, queens: readonly string[]): string | undefined {
  if (queens.includes(target)) return target;
  const best = homeOf(target, [self, ...queens]);
  return best === self ? undefined : best;
}

/**
 * Where a queen passes a broadcast on to in the court: one queen per bucket deeper than the
 * bucket of the queen it came from (`from`; null when it started in her own hive). The queens
 * of the shallower buckets are the sender's to reach.
 */
export function broadcastTargets(self: string, from: string | null, queens: Iterable<string>): string[] {
  const depth = from === null ? -1 : bucketOf(self, from);
  return [...contacts(self, queens)].filter(([bucket]) => bucket > depth).map(([, queen]) => queen);
}

/**
 * The queens a queen should link to fill her table: in every bucket she links nobody in, the
 * nearest known queen. `busy` says which are linked, being linked, or resting after a failure.
 */
export function missingContacts(self: string, known: Iterable<Keyed>, linked: Iterable<string>, busy: (queen: string) => boolean): string[] {
  const held = new Set(contacts(self, linked).keys());
  // One pass over what she knows (every queen, in a big colony), with keys worked out before.
  return [...nearestPerBucket(self, known, (queen, bucket) => held.has(bucket) || busy(queen)).values()];
}
