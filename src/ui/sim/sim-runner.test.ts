import { describe, expect, it } from 'vitest';
import { MAX_BEES } from './sim-protocol';
import { SimRunner } from './sim-runner';

const queens = (runner: SimRunner) => runner.world.liveIds().filter((id) => runner.world.bees.get(id)?.role === 'queen');

describe('the simulator as the /sim page drives it', () => {
  it('spreads joins, crowns queens (20 bees outgrow one), delivers messages along routes and replaces killed queens', () => {
    const runner = new SimRunner(4, 20);
    expect(runner.world.liveIds()).toHaveLength(0);
    runner.advance(30_000, Infinity);
    expect(runner.world.liveIds()).toHaveLength(20);
    expect(queens(runner).length).toBeGreaterThanOrEqual(2);
    const deliveries = runner.deliveries();
    expect(deliveries.length).toBeGreaterThan(0);
    expect(deliveries.every((delivery) => delivery.route.length >= 2)).toBe(true);
    expect(runner.deliveries()).toEqual([]);
    const old = queens(runner);
    expect(runner.killQueens()).toBe(old.length);
    runner.advance(30_000, Infinity);
    expect(queens(runner).length).toBeGreaterThanOrEqual(1);
    expect(queens(runner).filter((queen) => old.includes(queen))).toEqual([]);
  });

  it('caps the colony and the wall time one frame may take', () => {
    const runner = new SimRunner(4, MAX_BEES + 50);
    expect(runner.liveCount()).toBe(MAX_BEES);
    runner.addBees(10);
    expect(runner.liveCount()).toBe(MAX_BEES);
    runner.speed = 2;
    expect(runner.advance(100, Infinity)).toBe(200);
    runner.paused = true;
    expect(runner.advance(100, Infinity)).toBe(0);
  });
});
