import { describe, expect, it } from 'vitest';
import { broadcastTargets, bucketOf, contacts, courtKey, homeOf, keyed, missingContacts, nextHop } from './court-table';
import { seededRng } from './rng';

/** A court of `n` queens, each linking the nearest queen of every bucket (and linked back). */
function court(n: number, seed = 1): Map<string, string[]> {
  const rng = seededRng(seed);
  const queens = Array.from({ length: n }, () => rng.hex(8));
  const links = new Map(queens.map((queen) => [queen, new Set<string>()]));
  for (const queen of queens) {
    for (const next of missingContacts(queen, queens.map(keyed), [], () => false)) {
      links.get(queen)!.add(next);
      links.get(next)!.add(queen);
    }
  }
  return new Map([...links].map(([queen, set]) => [queen, [...set]]));
}

/** Hops from `from` to `to` by nextHop, or null when routing stalls. */
function hops(table: Map<string, string[]>, from: string, to: string): number | null {
  let at = from;
  for (let n = 0; n <= table.size; n++) {
    if (at === to) return n;
    const next = nextHop(at, to, table.get(at)!);
    if (next === undefined) return null;
    at = next;
  }
  return null;
}

/** How many times each queen receives a broadcast started by `root`'s hive. */
function broadcast(table: Map<string, string[]>, root: string): Map<string, number> {
  const received = new Map<string, number>();
  const queue: Array<[string, string | null]> = [[root, null]];
  while (queue.length > 0) {
    const [queen, from] = queue.shift()!;
    for (const next of broadcastTargets(queen, from, table.get(queen)!)) {
      received.set(next, (received.get(next) ?? 0) + 1);
      if (received.get(next) === 1) queue.push([next, queen]);
    }
  }
  return received;
}

describe('the court table', () => {
  const big = court(600);

  it('links one queen per bucket: about log2 of the court, not the court', () => {
    const table = big;
    const sizes = [...table.values()].map((linked) => linked.length);
    const mean = sizes.reduce((a, b) => a + b, 0) / sizes.length;
    expect(mean).toBeGreaterThan(Math.log2(600) - 2);
    expect(mean).toBeLessThan(2 * Math.log2(600));
  });

  it('reaches every queen greedily in at most a logarithm of hops', () => {
    const table = big;
    const queens = [...table.keys()];
    const rng = seededRng(2);
    let longest = 0;
    for (let i = 0; i < 500; i++) {
      const n = hops(table, queens[rng.int(queens.length)]!, queens[rng.int(queens.length)]!);
      expect(n).not.toBeNull();
      longest = Math.max(longest, n!);
    }
    expect(longest).toBeLessThanOrEqual(Math.ceil(Math.log2(600)));
  });

  it('hands a broadcast to every queen of the court exactly once', () => {
    const table = court(300, 3);
    const [root] = table.keys();
    const received = broadcast(table, root!);
    expect(received.size).toBe(table.size - 1);
    expect([...received.values()].every((times) => times === 1)).toBe(true);
  });

  it('hands a broadcast that came from a queen only into the buckets deeper than hers', () => {
    const table = court(200, 4);
    const [queen] = table.keys();
    const linked = table.get(queen!)!;
    const deep = linked.reduce((a, b) => (bucketOf(queen!, a) > bucketOf(queen!, b) ? a : b));
    expect(broadcastTargets(queen!, deep, linked)).toEqual([]);
    expect(broadcastTargets(queen!, null, linked).length).toBe(contacts(queen!, linked).size);
  });

  it('gives no next hop when no linked queen is nearer the target than this one', () => {
    const self = 'a'.repeat(16);
    const target = 'b'.repeat(16);
    expect(nextHop(self, target, [])).toBeUndefined();
    expect(nextHop(self, target, [target])).toBe(target);
  });

  it('asks for nobody once every bucket with a known queen is linked', () => {
    const table = court(100, 5);
    const queens = [...table.keys()];
    const [queen] = queens;
    expect(missingContacts(queen!, queens.map(keyed), table.get(queen!)!, () => false)).toEqual([]);
    expect(missingContacts(queen!, queens.map(keyed), [], () => false).length).toBe(contacts(queen!, table.get(queen!)!).size);
  });

  it("makes a bee's home the queen whose key is nearest its own, whatever the order of the court", () => {
    const queens = [...court(50, 6).keys()];
    const bee = 'f'.repeat(16);
    const home = homeOf(bee, queens)!;
    const distance = (queen: string) => (courtKey(queen) ^ courtKey(bee)) >>> 0;
    expect(queens.every((queen) => distance(home) <= distance(queen))).toBe(true);
    expect(homeOf(bee, [...queens].reverse())).toBe(home);
    expect(homeOf(bee, [])).toBeUndefined();
  });
});
