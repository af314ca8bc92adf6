// A broadcast sent while the colony is in two hives that cannot reach each other (a founding
// storm, a cut network) reaches the other hive's bees once their hive merges in: the queen hands
// the broadcasts she fanned out lately to every bee that starts following her.
import { describe, expect, it } from 'vitest';
import { InvariantChecker } from './invariants';
import { RECENT_BROADCAST_MS } from '../hive/routing';
import { World } from './world';

const queenOf = (world: World, ids: readonly string[]) => ids.find((id) => world.bees.get(id)!.role === 'queen');

describe('a broadcast sent while the colony is in two hives', () => {
  it('reaches the bees of the other hive once theirs merges in, each of them once', () => {
    const world = new World({ seed: 4, config: { capacity: 8 } });
    const checker = new InvariantChecker(world);
    const ids = Array.from({ length: 5 }, () => world.addBee());
    const [left, right] = [ids.slice(0, 3), ids.slice(3)];
    world.split([left, right]);
    for (let waited = 0; (queenOf(world, left) === undefined || queenOf(world, right) === undefined) && waited < 30_000; waited += 100) world.runFor(100);
    world.runFor(2_000);
    const sender = left.find((id) => world.bees.get(id)!.role === 'worker')!;
    world.send(sender, null, 'while apart');
    world.runFor(1_000);
    const copies = (id: string) => world.bees.get(id)!.inbox.filter((m) => m.body === 'while apart').length;
    expect(right.map(copies), 'the other hive cannot have it yet').toEqual([0, 0]);
    world.heal();
    // Time to merge: the queens learn of each other and the smaller hive moves, within the window.
    world.runFor(RECENT_BROADCAST_MS - 3_000);
    const queens = new Set(ids.map((id) => world.bees.get(id)!.queen ?? id));
    expect(queens.size, 'one hive again').toBe(1);
    expect(ids.filter((id) => id !== sender).map(copies)).toEqual([1, 1, 1, 1]);
    expect(checker.violations).toEqual([]);
  });
});
