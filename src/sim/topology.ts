// The simulated network's shape: which links are open (both directions) and how a partition
// groups the bees. The World decides when links open and close; this only keeps the record.

const NO_NEIGHBOURS: ReadonlySet<string> = new Set();

export class Topology {
  /** Open links. */
  links = 0;
  /** `adjacent.get(a).has(b)` iff a–b is open. */
  private readonly adjacent = new Map<string, Set<string>>();
  /** Bees in different groups cannot reach each other; no entry means the main group. */
  private readonly partition = new Map<string, number>();

  linked(a: string, b: string): boolean {
    return this.adjacent.get(a)?.has(b) === true;
  }

  /** The bees `bee` has an open link with. */
  neighboursOf(bee: string): ReadonlySet<string> {
    return this.adjacent.get(bee) ?? NO_NEIGHBOURS;
  }

  connect(a: string, b: string): void {
    this.links++;
    this.adjacencyOf(a).add(b);
    this.adjacencyOf(b).add(a);
  }

  /** Closes a–b; false if it was not open. */
  disconnect(a: string, b: string): boolean {
    if (!this.linked(a, b)) return false;
    this.links--;
    this.adjacencyOf(a).delete(b);
    this.adjacencyOf(b).delete(a);
    return true;
  }

  /** Whether a chain of open links leads from a to b. */
  connected(a: string, b: string): boolean {
    const reached = new Set([a]);
    for (const frontier = [a]; frontier.length > 0; ) {
      for (const next of this.neighboursOf(frontier.pop() as string)) {
        if (next === b) return true;
        if (!reached.has(next)) reached.add(next), frontier.push(next);
      }
    }
    return false;
  }

  /** Puts bees into partition groups; bees in different groups cannot exchange anything. */
  split(groups: string[][]): void {
    groups.forEach((group, index) => group.forEach((bee) => this.partition.set(bee, index)));
  }

  heal(): void {
    this.partition.clear();
  }

  /** Whether a and b are on the same side of any partition. */
  sameSide(a: string, b: string): boolean {
    return (this.partition.get(a) ?? -1) === (this.partition.get(b) ?? -1);
  }

  private adjacencyOf(bee: string): Set<string> {
    let set = this.adjacent.get(bee);
    if (!set) this.adjacent.set(bee, (set = new Set()));
    return set;
  }
}
