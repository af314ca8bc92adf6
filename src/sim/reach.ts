// Walking a graph the simulator keeps: the bees a chain of open links joins, the queens the court
// joins.

/** Every node a walk from `start` along `next` reaches, `start` included. */
export function reachedFrom(start: string, next: (node: string) => Iterable<string>): Set<string> {
  const reached = new Set([start]);
  for (const frontier = [start]; frontier.length > 0; ) {
    for (const node of next(frontier.pop() as string)) if (!reached.has(node)) reached.add(node), frontier.push(node);
  }
  return reached;
}

/** How many of `queens` the first one reaches across the court (links between queens of the map). */
export function courtReach(queens: ReadonlyMap<string, { court: readonly string[] }>): number {
  const first = queens.keys().next().value as string;
  return reachedFrom(first, (queen) => (queens.get(queen)?.court ?? []).filter((other) => queens.has(other))).size;
}
