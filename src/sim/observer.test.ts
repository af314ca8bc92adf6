// Tests that the projector, an observer, watches a colony without governing it: it never votes,
// campaigns, follows or reigns, no hive counts it, and its going changes nobody's queen.
import { describe, expect, it } from 'vitest';
import { InvariantChecker } from './invariants';
import { settledHives } from './run';
import { World } from './world';

function colonyWatched(size: number, seed: number, capacity = 8): { world: World; checker: InvariantChecker; observer: string } {
  const world = new World({ seed, config: { capacity } });
  const checker = new InvariantChecker(world);
  const observer = world.addBee({ observer: true });
  for (let i = 0; i < size; i++) {
    world.addBee();
    world.runFor(100);
  }
  for (let waited = 0; settledHives(world) === null && waited < 60_000; waited += 250) world.runFor(250);
  world.runFor(3000);
  return { world, checker, observer };
}

/** Who each bee but the observer follows, in which term. */
const allegiances = (world: World, observer: string) =>
  world.liveIds().filter((id) => id !== observer).map((id) => [id, world.bees.get(id)!.queen, world.bees.get(id)!.term]);

describe('an observer watches the colony without governing it', () => {
  it('a colony of eight watched by an observer elects a queen of its own bees; the observer never votes or joins', () => {
    const { world, checker, observer } = colonyWatched(8, 7);
    expect(settledHives(world)).toBe(1);
    const watcher = world.bees.get(observer)!.protocol.snapshot();
    expect(watcher.role).toBe('observer');
    expect(watcher.queen).toBeNull();
    expect(watcher.membership).toBeNull();
    expect(watcher.neighbours.length).toBeGreaterThan(0);
    expect(watcher.queens.length).toBe(1);
    expect(checker.violations).toEqual([]);
    checker.checkSettled(world.config.capacity);
    expect(checker.violations).toEqual([]);
  });

  it('the observer relays nothing and gossips nothing: the colony never learns of a bee through it', () => {
    const { world, observer } = colonyWatched(8, 1);
    const worker = world.liveIds().find((id) => id !== observer && world.bees.get(id)!.role === 'worker')!;
    world.send(worker, null, 'to everyone', 1);
    world.runFor(3000);
    const watcher = world.bees.get(observer)!.protocol.snapshot();
    expect(watcher.counters.forwarded).toBe(0);
    expect(world.bees.get(observer)!.inbox.map((m) => m.body)).toContain('to everyone');
  });

  it('the observer closing its page changes no queen and no term', () => {
    const { world, checker, observer } = colonyWatched(8, 11);
    const before = allegiances(world, observer);
    world.closeBee(observer);
    world.runFor(15_000);
    expect(allegiances(world, observer)).toEqual(before);
    expect(checker.violations).toEqual([]);
  });

  it('a colony config seeded in queen mode reaches the observer, whom no queen counts as hers', () => {
    const { world, observer } = colonyWatched(8, 13);
    const seeder = world.liveIds().find((id) => id !== observer && world.bees.get(id)!.role === 'worker')!;
    world.schedule(seeder, { type: 'seed', version: 1, config: { by: seeder, sig: 'one' } });
    world.runFor(5000);
    expect(world.liveIds().map((id) => world.bees.get(id)!.protocol.snapshot().upgrade?.version)).toEqual(world.liveIds().map(() => 1));
  });

  it('eggs of a colony too big to count found hives of their egg neighbours, never of the observer', () => {
    const { world, checker } = colonyWatched(14, 5, 3);
    expect(settledHives(world)).toBeGreaterThan(1);
    checker.checkSettled(world.config.capacity);
    expect(checker.violations).toEqual([]);
  });
});
