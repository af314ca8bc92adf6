// The simulator's tab faults: a reload restarts a bee from its disk, a failed write keeps the
// frames behind it from leaving, a frozen tab reads nothing until it thaws, a clock jumps ahead.
import { describe, expect, it } from 'vitest';
import { InvariantChecker } from './invariants';
import { World, type SimBee } from './world';

/** A colony of `size` bees left to elect a queen; its checker watching from the start. */
function colony(size: number, seed: number, storageFailRate = 0): { world: World; checker: InvariantChecker; ids: string[] } {
  const world = new World({ seed, storageFailRate });
  const checker = new InvariantChecker(world);
  const ids = Array.from({ length: size }, () => world.addBee());
  world.runFor(15_000);
  return { world, checker, ids };
}

const bee = (world: World, id: string) => world.bees.get(id) as SimBee;
const queens = (world: World) => world.liveIds().filter((id) => bee(world, id).role === 'queen');

describe('tab faults in the simulator', () => {
  it('a reloaded bee comes back under its id from what it stored, and rejoins its hive without voting again', () => {
    const { world, checker, ids } = colony(5, 21);
    const [queen] = queens(world) as [string];
    // A worker that voted for her (a bee that joined after the election cast no vote to keep).
    const worker = bee(world, ids.find((id) => id !== queen && bee(world, id).disk.votedFor === queen) as string);
    const before = worker.protocol;
    world.send(queen, worker.id, 'before the reload', 1);
    world.runFor(2000);
    expect(worker.disk).toMatchObject({ term: worker.term, votedFor: queen, deliveredIds: [worker.inbox[0]?.id] });

    world.reload(worker.id);
    expect(worker.alive).toBe(false);
    world.runFor(15_000);
    expect(worker.lives).toBe(2);
    expect(worker.protocol).not.toBe(before);
    expect(worker.queen).toBe(queen);
    checker.checkSettled(world.config.capacity);
    checker.checkFollowedQueens();
    expect(checker.violations).toEqual([]);
  });

  it('a bee whose vote was not written casts no vote: with every write failing no queen is crowned, once writes work one is', () => {
    const { world, ids } = colony(4, 22, 1);
    expect(queens(world)).toEqual([]);
    expect(world.writesFailed).toBeGreaterThan(0);
    for (const id of ids) expect(bee(world, id).disk.votedFor).toBeNull();
    world.storageFailRate = 0;
    world.runFor(15_000);
    expect(queens(world)).toHaveLength(1);
  });

  it('a frozen bee reads nothing until it thaws, then everything that reached it', () => {
    const { world, ids } = colony(4, 23);
    const [queen] = queens(world) as [string];
    const worker = bee(world, ids.find((id) => id !== queen) as string);
    const framesIn = () => worker.protocol.snapshot().counters.framesIn;
    world.freeze(worker.id, 2000);
    const frozenAt = framesIn();
    world.send(queen, worker.id, 'first', 1);
    world.send(queen, worker.id, 'second', 2);
    world.runFor(1900);
    expect(framesIn()).toBe(frozenAt);
    expect(worker.inbox).toEqual([]);
    world.runFor(200);
    expect(framesIn()).toBeGreaterThan(frozenAt);
    // Simulated links are not ordered (each frame draws its own latency): both arrived, in either order.
    expect(worker.inbox.map((message) => message.body).sort()).toEqual(['first', 'second']);
  });

  it("a bee's clock jumps ahead for that bee alone, and never back", () => {
    const { world, ids } = colony(3, 24);
    const [from, to, other] = ids as [string, string, string];
    // Less than a link's timeout: a bigger jump makes the bee drop every link as silent.
    world.jumpClock(to, 3000);
    world.send(from, to, 'to the bee ahead', 1);
    world.send(from, other, 'to a bee on time', 2);
    world.runFor(2000);
    expect(bee(world, to).inbox[0]?.at).toBeGreaterThan(world.now + 1000);
    expect(bee(world, other).inbox[0]?.at).toBeLessThanOrEqual(world.now);
    expect(() => world.jumpClock(to, -1)).toThrow(RangeError);
  });
});
