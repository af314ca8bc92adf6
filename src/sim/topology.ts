// The simulated network's shape: which links are open (both directions), how a partition groups
// the bees, and which dials it loses. The World decides when links open and close; this only
// keeps the record.

import { reachedFrom } from './reach';

const NO_NEIGHBOURS: ReadonlySet<string> = new Set();

export class Topology {
  /** Open links. */
  links = 0;
  /** `adjacent.get(a).has(b)` iff a–b is open. */
  private readonly adjacent = new Map<string, Set<string>>();
  /** Bees in different groups cannot reach each other; no entry means the main group. */
  private readonly partition = new Map<string, number>();
  /** Pairs whose next link attempt is lost. */
  private readonly lostDials = new Set<string>();

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
    return reachedFrom(a, (bee) => this.neighboursOf(bee)).has(b);
  }

  /** The next link attempt between a and b, either way, is lost. */
  loseDial(a: string, b: string): void {
    this.lostDials.add(pairKey(a, b));
  }

  /** Whether this attempt between a and b is one to lose; it is lost once. */
  dialLost(a: string, b: string): boolean {
    return this.lostDials.delete(pairKey(a, b));
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

const pairKey = (a: string, b: string) => (a < b ? `${a}:${b}` : `${b}:${a}`);
