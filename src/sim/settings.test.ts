// Tests that a colony's settings are one: the founder (here the projector, an observer) signs a
// config with a new capacity, every bee runs by it, including one that joins afterwards with
// nothing but the colony's name, and the colony re-forms its hives to fit.
import { describe, expect, it } from 'vitest';
import { knobsOf } from '../hive/settings';
import { InvariantChecker } from './invariants';
import { settledHives } from './run';
import { World } from './world';

const settle = (world: World) => {
  for (let waited = 0; settledHives(world) === null && waited < 60_000; waited += 250) world.runFor(250);
  world.runFor(3000);
};

describe('colony-wide settings', () => {
  it('a capacity the founder signs reaches every bee, a later one too, and the colony re-forms its hives to fit', () => {
    const world = new World({ seed: 21 });
    const checker = new InvariantChecker(world);
    const projector = world.addBee({ observer: true });
    for (let i = 0; i < 9; i++) {
      world.addBee();
      world.runFor(100);
    }
    settle(world);
    expect(settledHives(world)).toBe(1);
    world.schedule(projector, { type: 'seed', version: 1, config: { by: projector, sig: 'v1', settings: { colour: '#1d4ed8', capacity: 3 } } });
    world.runFor(2000);
    const late = world.addBee();
    settle(world);
    const capacities = world.liveIds().map((id) => world.bees.get(id)!.protocol.snapshot().capacity);
    expect(capacities).toEqual(world.liveIds().map(() => 3));
    expect(world.bees.get(late)!.protocol.snapshot().capacity).toBe(3);
    expect(settledHives(world)).toBeGreaterThanOrEqual(3);
    checker.checkSettled(3);
    expect(checker.violations).toEqual([]);
    // A reload runs by the config it kept: nobody hands it the same version again.
    world.reload(late);
    world.runFor(3000);
    expect(world.bees.get(late)!.protocol.snapshot().capacity).toBe(3);
  });

  it('a bee the config has not reached yet keeps the setting it had, and takes the new one when it arrives', () => {
    const world = new World({ seed: 22 });
    const projector = world.addBee({ observer: true });
    for (let i = 0; i < 5; i++) world.addBee();
    settle(world);
    const [cutOff, ...rest] = world.liveIds().filter((id) => id !== projector);
    world.split([[cutOff!], [projector, ...rest]]);
    world.schedule(projector, { type: 'seed', version: 1, config: { by: projector, sig: 'v1', settings: { colour: '#1d4ed8', capacity: 2 } } });
    world.runFor(3000);
    expect(world.bees.get(cutOff!)!.protocol.snapshot().capacity).toBe(8);
    expect(world.bees.get(rest[0]!)!.protocol.snapshot().capacity).toBe(2);
    world.heal();
    world.runFor(15_000);
    expect(world.bees.get(cutOff!)!.protocol.snapshot().capacity).toBe(2);
  });

  it('a colony config without knobs, or with ones out of range, changes no setting', () => {
    const upgrade = (settings: unknown) => ({ version: 1, config: { settings }, route: [] });
    expect(knobsOf(upgrade({ colour: '#1d4ed8' }))).toEqual({});
    expect(knobsOf(upgrade({ capacity: 0, queens: 'off' }))).toEqual({});
    expect(knobsOf(upgrade({ capacity: 2.5 }))).toEqual({});
    expect(knobsOf(upgrade({ capacity: 4, queens: false }))).toEqual({ capacity: 4, queens: false });
    expect(knobsOf(null)).toEqual({});
  });
});
