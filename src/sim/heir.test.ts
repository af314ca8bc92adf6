// A worker's links in a settled colony: its queen and her heir (src/hive/hive-ring.ts), and what
// that buys when the queen goes.
import { describe, expect, it } from 'vitest';
import { heirOf } from '../hive/hive-ring';
import { defaultJoinSpreadMs, settledHives } from './run';
import { World } from './world';

function settledColony(bees: number, seed: number, capacity = 8): World {
  const world = new World({ seed, config: { capacity } });
  for (let i = 0; i < bees; i++) {
    world.addBee();
    world.runFor(Math.floor(defaultJoinSpreadMs(bees) / bees));
  }
  for (let waited = 0; settledHives(world) === null && waited < 60_000; waited += 100) world.runFor(100);
  expect(settledHives(world)).not.toBeNull();
  world.runFor(10_000);
  return world;
}

const queens = (world: World) => world.liveIds().filter((id) => world.bees.get(id)!.role === 'queen');
const elections = (world: World) => world.liveIds().reduce((sum, id) => sum + world.bees.get(id)!.protocol.snapshot().counters.elections, 0);

describe("a hive's heir", () => {
  it('keeps 32 settled bees at under 0.15 of the links of a full mesh, each worker linked to its queen and her heir', () => {
    for (const seed of [1, 2, 3]) {
      const world = settledColony(32, seed);
      expect((2 * world.linkCount()) / 32 / 31).toBeLessThan(0.15);
      for (const id of world.liveIds()) {
        const bee = world.bees.get(id)!;
        const membership = bee.protocol.snapshot().membership;
        if (bee.role !== 'worker' || bee.queen === null || membership === null) continue;
        expect(world.neighboursOf(id).has(bee.queen)).toBe(true);
        const heir = heirOf(membership.members, bee.queen);
        if (heir !== undefined && heir !== id) expect([id, world.neighboursOf(id).has(heir)]).toEqual([id, true]);
      }
    }
  });

  it('is crowned in one election when her queen crashes, and when her queen abdicates (her old hive forgotten at once)', () => {
    for (const seed of [1, 2, 3, 4]) {
      const world = settledColony(10, seed, 16);
      const [queen] = queens(world) as [string];
      const members = world.bees.get(queen)!.protocol.snapshot().membership!.members;
      world.crashBee(queen);
      const before = elections(world);
      for (let waited = 0; settledHives(world) === null && waited < 10_000; waited += 100) world.runFor(100);
      const heir = heirOf(members, queen)!;
      expect(queens(world)).toEqual([heir]);
      expect(elections(world) - before).toBe(1);

      world.runFor(3_000);
      const next = heirOf(world.bees.get(heir)!.protocol.snapshot().membership!.members, heir)!;
      world.schedule(heir, { type: 'abdicate', ref: 1 }, 0);
      world.runFor(1_000);
      expect(queens(world)).toEqual([next]);
      // Her own heartbeats say she follows another: no bee keeps her hive until it times out.
      expect(world.liveIds().filter((id) => world.bees.get(id)!.protocol.snapshot().hives.some((hive) => hive.queen === heir))).toEqual([]);
    }
  });
});
