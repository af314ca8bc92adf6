// A hive's line of succession and the links a worker keeps in it. Members stand on a ring in id
// order; the bees after the queen's place come first, and the first of them is her heir. A
// worker links its queen and her heir and nothing else it asks for: its queen routes everything,
// and when she dies the heir, linked to every worker, campaigns first and is one hop from each
// vote (before, each worker held five or six links to random bees of the colony). Pure.

/** Where `self` stands in line for `queen`'s throne (`members` sorted): 0 for her heir. */
export function succession(members: readonly string[], queen: string, self: string): number {
  const line = members.filter((bee) => bee !== queen);
  const at = line.indexOf(self);
  if (at < 0) return line.length;
  const first = line.findIndex((bee) => bee > queen);
  return (at - Math.max(first, 0) + line.length) % line.length;
}

/** The queen's heir: the member after her on the ring (none in a hive of one). In any order. */
export function heirOf(members: Iterable<string>, queen: string): string | undefined {
  let after: string | undefined;
  let lowest: string | undefined;
  for (const bee of members) {
    if (bee === queen) continue;
    if (bee > queen && (after === undefined || bee < after)) after = bee;
    if (lowest === undefined || bee < lowest) lowest = bee;
  }
  return after ?? lowest;
}
