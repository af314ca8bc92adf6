// Upgrades in the simulated world: neighbour to neighbour before there is a queen, through the
// queen after; only newer versions are adopted.
import { describe, expect, it } from 'vitest';
import { World } from '../sim/world';

function colony(size: number, seed: number, elections: boolean): World {
  const world = new World({ seed, config: { elections, capacity: 16 } });
  for (let i = 0; i < size; i++) {
    world.addBee();
    world.runFor(100);
  }
  world.runFor(15_000);
  return world;
}

const snap = (world: World, id: string) => world.bees.get(id)!.protocol.snapshot();
const seed = (world: World, id: string, version: number) => world.schedule(id, { type: 'seed', version, config: { colour: '#1d4ed8', note: `v${version}` } }, 0);

describe('upgrades', () => {
  it('spread hop by hop in discovery mode: every route step is a link, and every bee ends on it', () => {
    const world = colony(12, 41, false);
    const ids = world.liveIds();
    expect(ids.every((id) => snap(world, id).queen === null)).toBe(true);
    seed(world, ids[0]!, 1);
    world.runFor(5000);
    for (const id of ids) {
      const { upgrade, neighbours } = snap(world, id);
      expect(upgrade?.version).toBe(1);
      expect(upgrade!.route[0]).toBe(ids[0]);
      expect(upgrade!.route.at(-1)).toBe(id);
      if (upgrade!.route.length > 1) expect(neighbours).toContain(upgrade!.route.at(-2));
    }
    expect(Math.max(...ids.map((id) => snap(world, id).upgrade!.route.length))).toBeGreaterThan(2);
  });

  it('goes up to the queen and out from her in queen mode', () => {
    const world = colony(8, 42, true);
    const ids = world.liveIds();
    const queen = ids.find((id) => snap(world, id).role === 'queen')!;
    const seeder = ids.find((id) => id !== queen)!;
    seed(world, seeder, 1);
    world.runFor(3000);
    for (const id of ids.filter((id) => id !== seeder)) {
      expect(snap(world, id).upgrade?.route).toEqual(id === queen ? [seeder, queen] : [seeder, queen, id]);
    }
  });

  it('never goes back to an older version, and a newer one replaces it everywhere', () => {
    const world = colony(6, 43, true);
    const [a, b] = world.liveIds() as [string, string];
    seed(world, a, 2);
    world.runFor(3000);
    seed(world, b, 1);
    world.runFor(3000);
    expect(world.liveIds().map((id) => snap(world, id).upgrade?.version)).toEqual(Array(6).fill(2));
    seed(world, b, 3);
    world.runFor(3000);
    expect(world.liveIds().map((id) => snap(world, id).upgrade?.version)).toEqual(Array(6).fill(3));
  });
});
