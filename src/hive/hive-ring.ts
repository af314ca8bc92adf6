// A hive's line of succession: its members stand on a ring in id order, and the line starts
// after the lost queen's place. An orphan ranks its candidacy by its place in line: over the two
// or three links a worker keeps (its queen and her heir) it sees too few rivals to rank among,
// and tied ones split the vote (2.3 elections per crash in the simulator, 1.0 by the line). Pure.

/** Where `self` stands in line for `queen`'s throne (`members` sorted): 0 for the member after her. */
export function succession(members: readonly string[], queen: string, self: string): number {
  const line = members.filter((bee) => bee !== queen);
  const at = line.indexOf(self);
  if (at < 0) return line.length;
  const first = line.findIndex((bee) => bee > queen);
  return (at - Math.max(first, 0) + line.length) % line.length;
}
