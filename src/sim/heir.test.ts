// A worker's links in a settled colony: its queen and the heir her heartbeats name, and nothing
// else it asked for (links.ts keepHive).
import { describe, expect, it } from 'vitest';
import { defaultJoinSpreadMs, settledHives } from './run';
import { DEFAULT_CONFIG } from '../hive/protocol';
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

/** The heir each queen names in her heartbeats, heard over one second. */
function namedHeirs(world: World): Map<string, string> {
  const heirs = new Map<string, string>();
  world.tap = (from, _to, frame) => {
    if (frame.t === 'hb' && frame.queen === from && frame.heir !== undefined) heirs.set(from, frame.heir);
  };
  world.runFor(1_000);
  world.tap = null;
  return heirs;
}

describe("a worker's links", () => {
  it('keep 32 settled bees under 0.15 of the links of a full mesh, each worker linked to its queen and her heir', () => {
    for (const seed of [1, 2, 3]) {
      const world = settledColony(32, seed);
      const heirs = namedHeirs(world);
      expect((2 * world.linkCount()) / 32 / 31).toBeLessThan(0.15);
      for (const id of world.liveIds()) {
        const bee = world.bees.get(id)!;
        if (bee.role !== 'worker' || bee.queen === null) continue;
        const heir = heirs.get(bee.queen);
        expect([id, world.neighboursOf(id).has(bee.queen)]).toEqual([id, true]);
        if (heir !== undefined && heir !== id) expect([id, world.neighboursOf(id).has(heir)]).toEqual([id, true]);
      }
    }
  });

  it('in a crowd opening at once, stay within a bee\'s own links plus, for an heir, one per worker of a hive within capacity', () => {
    // 32 bees all join the founding hive, which breeds at once: its workers link no heir meanwhile.
    const bound = DEFAULT_CONFIG.maxNeighbours + 8;
    for (const seed of [1, 2, 3]) {
      const world = new World({ seed, config: { capacity: 8 } });
      for (let i = 0; i < 32; i++) world.addBee();
      let most = 0;
      for (let waited = 0; waited < 20_000; waited += 100) {
        world.runFor(100);
        for (const id of world.liveIds()) if (world.bees.get(id)!.role !== 'queen') most = Math.max(most, world.neighboursOf(id).size);
      }
      expect(settledHives(world), `seed ${seed}`).not.toBeNull();
      expect(most, `seed ${seed}`).toBeLessThanOrEqual(bound);
    }
  });

  it("forget a queen's hive as soon as her own heartbeats say she follows another", () => {
    const world = settledColony(10, 1, 16);
    const [queen] = queens(world) as [string];
    world.schedule(queen, { type: 'abdicate', ref: 1 }, 0);
    world.runFor(1_000);
    expect(queens(world)).not.toContain(queen);
    expect(world.liveIds().filter((id) => world.bees.get(id)!.protocol.snapshot().hives.some((hive) => hive.queen === queen))).toEqual([]);
  });
});
