// Tests that the teacher's console works on a colony of tabs as e2e/projector.spec.ts drives it:
// the projector founds the colony, eight tabs join, the teacher kills the queen, splits the room
// in two halves (by a bee id's first hex digit) and heals it. The heal is an order in the
// founder's config, and a bee of a split room refuses every bee of the other half until it runs
// it: it must hear it from the founder, whose link alone crosses the halves.
import { describe, expect, it } from 'vitest';
import { settledHives } from './run';
import { World } from './world';
import { halfOf } from '../tab/classroom';

const TABS = 8;
const SETTLE_LIMIT_MS = 90_000;
/** How long the room stays split: every half governs itself, and a bee alone in one lost its queen. */
const SPLIT_MS = 10_000;
/** Seeds of the whole story; without the founder's link, seed 29 left a bee alone in its half an egg for good. */
const SEEDS = Array.from({ length: 40 }, (_, i) => i + 1);

/** The projector's colony of eight tabs, settled in a hive; the founder signs its configs. */
function classroom(seed: number) {
  const world = new World({ seed, tabs: true });
  const founder = world.addBee({ observer: true });
  let version = 0;
  const order = (settings: Record<string, unknown>) => {
    version++;
    world.schedule(founder, { type: 'seed', version, config: { by: founder, sig: `v${version}`, settings } }, 0);
  };
  order({});
  world.runFor(200);
  for (let i = 0; i < TABS; i++) {
    world.addBee();
    world.runFor(100);
  }
  const settle = () => {
    const until = world.now + SETTLE_LIMIT_MS;
    while (settledHives(world) === null && world.now < until) world.runFor(250);
    return settledHives(world) !== null;
  };
  const tabs = () => world.liveIds().filter((id) => id !== founder);
  const crossing = () => tabs().some((id) => [...world.neighboursOf(id)].some((peer) => peer !== founder && halfOf(peer) !== halfOf(id)));
  return { world, founder, order, settle, tabs, crossing };
}

/** The teacher kills the queen (her tab leaves: she crowns a successor), and the colony re-forms. */
function killTheQueen({ world, settle }: ReturnType<typeof classroom>): void {
  const queen = world.liveIds().find((id) => world.bees.get(id)!.role === 'queen')!;
  world.schedule(queen, { type: 'leave' }, 0);
  world.runFor(20);
  world.closeBee(queen);
  expect(settle()).toBe(true);
}

/** The teacher splits the room; it stays split until no link crosses the halves, and a while. */
function split(room: ReturnType<typeof classroom>): void {
  room.order({ split: true });
  for (let waited = 0; room.crossing() && waited < SETTLE_LIMIT_MS; waited += 250) room.world.runFor(250);
  expect(room.crossing()).toBe(false);
  room.world.runFor(SPLIT_MS);
}

describe("the teacher's console on a colony of tabs", () => {
  it('after the queen is killed and the room split and healed, every tab is in a hive again, also one the split left alone in its half', () => {
    let alone = 0;
    for (const seed of SEEDS) {
      const room = classroom(seed);
      expect(room.settle(), `seed ${seed}`).toBe(true);
      killTheQueen(room);
      const halves = room.tabs().map(halfOf);
      if (halves.filter((half) => half === 'left').length === 1 || halves.filter((half) => half === 'right').length === 1) alone++;
      split(room);
      room.order({});
      expect(room.settle(), `seed ${seed}`).toBe(true);
    }
    expect(alone).toBeGreaterThan(0);
  });

  it('while the room is split every tab holds a link to the founder, the one that carries the order to heal', () => {
    for (const seed of SEEDS.slice(0, 10)) {
      const room = classroom(seed);
      expect(room.settle(), `seed ${seed}`).toBe(true);
      split(room);
      expect(room.tabs().filter((id) => !room.world.neighboursOf(id).has(room.founder)), `seed ${seed}`).toEqual([]);
    }
  });
});
