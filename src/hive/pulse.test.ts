// How long a worker waits on a silent queen: a few of her recent beat gaps, within the configured
// bounds, and the full timeout for a queen whose page is hidden (its timers throttled).
import { describe, expect, it } from 'vitest';
import { InvariantChecker } from '../sim/invariants';
import { World } from '../sim/world';
import { DEFAULT_CONFIG } from './events';
import { Pulse } from './pulse';

const BOUNDS = { queenTimeoutMs: 3500, queenTimeoutMinMs: 1500 };

function beats(gaps: number[], visible = true): Pulse {
  const pulse = new Pulse();
  let now = 0;
  pulse.beat(now, visible);
  for (const gap of gaps) pulse.beat((now += gap), visible);
  return pulse;
}

describe("a queen's pulse", () => {
  it('waits the full timeout until it has timed a few of her beats', () => {
    expect(beats([500]).timeoutMs(BOUNDS)).toBe(3500);
  });

  it('gives a steady queen two and a half of her longest recent gaps, never less than the floor', () => {
    expect(beats([500, 500, 500]).timeoutMs(BOUNDS)).toBe(1500);
    expect(beats([500, 750, 500, 500]).timeoutMs(BOUNDS)).toBe(1875);
  });

  it('stretches after a stall, up to the full timeout, and forgets the stall after a few beats', () => {
    expect(beats([500, 500, 1200, 500]).timeoutMs(BOUNDS)).toBe(3000);
    expect(beats([500, 500, 2000]).timeoutMs(BOUNDS)).toBe(3500);
    expect(beats([1200, 500, 500, 500, 500, 500, 500, 500, 500]).timeoutMs(BOUNDS)).toBe(1500);
  });

  it('doubts a queen after three fifths of her timeout (never before the floor), one not yet timed too, a hidden or unheard one only after all of it', () => {
    expect(beats([500, 500, 1200, 500]).doubtMs(BOUNDS)).toBe(1800);
    expect(beats([500, 500, 500]).doubtMs(BOUNDS)).toBe(1500);
    expect(beats([500]).doubtMs(BOUNDS)).toBe(2100);
    expect(beats([500, 500, 500], false).doubtMs(BOUNDS)).toBe(3500);
    expect(new Pulse().doubtMs(BOUNDS)).toBe(3500);
  });

  it('gives a queen that says her page is hidden the full timeout, however steady she was', () => {
    const pulse = beats([500, 500, 500, 500]);
    pulse.beat(2100, false);
    expect(pulse.timeoutMs(BOUNDS)).toBe(3500);
  });
});

describe('a silent queen in the simulated colony', () => {
  function colony(seed: number, tickJitterMs = 0): { world: World; checker: InvariantChecker; queen: string } {
    const world = new World({ seed, config: { capacity: 16 }, tickJitterMs });
    const checker = new InvariantChecker(world);
    for (let i = 0; i < 6; i++) {
      world.addBee();
      world.runFor(100);
    }
    world.runFor(15_000);
    const queen = world.liveIds().find((id) => world.bees.get(id)!.role === 'queen')!;
    return { world, checker, queen };
  }
  const followers = (world: World, queen: string) => world.liveIds().filter((id) => world.bees.get(id)!.queen === queen && id !== queen).length;

  it('is replaced when she stops for longer than her pulse allows, though less than the full timeout', () => {
    const { world, checker, queen } = colony(21);
    expect(followers(world, queen)).toBe(5);
    world.freeze(queen, DEFAULT_CONFIG.queenTimeoutMs - 1000);
    world.runFor(10_000);
    expect(followers(world, queen)).toBe(0);
    checker.checkSettled(16);
    expect(checker.violations).toEqual([]);
  });

  it('keeps her workers through the same stop when her page said it was hidden', () => {
    const { world, checker, queen } = colony(21);
    world.schedule(queen, { type: 'visibility', visible: false }, 0);
    world.runFor(100);
    world.freeze(queen, DEFAULT_CONFIG.queenTimeoutMs - 1000);
    world.runFor(10_000);
    expect(followers(world, queen)).toBe(5);
    expect(world.bees.get(queen)!.role).toBe('queen');
    expect(checker.violations).toEqual([]);
  });

  it("is replaced in one election when her ticks run late: her heir doubts her first, and workers whose own timeout had time left side with it", () => {
    const { world, checker, queen } = colony(23, 200);
    expect(followers(world, queen)).toBe(5);
    const elections = () => world.liveIds().reduce((sum, id) => sum + world.bees.get(id)!.elections, 0);
    const before = elections();
    let sidedWhileFollowing = 0;
    const check = world.observer!;
    world.observer = (bee, effect, now) => {
      check(bee, effect, now);
      if (effect.type === 'persist' && effect.votedFor !== null && effect.votedFor !== bee.id && bee.queen === queen) sidedWhileFollowing++;
    };
    world.freeze(queen, 20_000);
    world.runFor(10_000);
    expect(followers(world, queen)).toBe(0);
    expect(elections() - before).toBe(1);
    expect(sidedWhileFollowing).toBeGreaterThan(0);
    expect(checker.violations).toEqual([]);
  });
});
