import { describe, expect, it } from 'vitest';
import { settledHives, runColony } from './run';
import { runScenario } from './scenario';
import { World } from './world';

// Small enough for a few seconds on a loaded 2-core machine; `npm run sim -- --bees N` goes bigger.
const BEES = 150;
/** A few seconds on an idle machine; far more while other work shares its two cores. */
const RUN_TIMEOUT_MS = 240_000;

describe('a colony run', () => {
  it(`${BEES} bees settle into hives within capacity, then re-elect within seconds of a queen's crash`, () => {
    const report = runColony({ bees: BEES, seed: 7 });
    expect(report.violations).toEqual([]);
    expect(report.convergedMs).not.toBeNull();
    expect(report.failoverMs).not.toBeNull();
    expect(report.failoverMs).toBeLessThan(15_000);
    expect(report.hives).toBeGreaterThanOrEqual(Math.ceil(BEES / 9));
    // The orphans crowned a successor by election rather than scattering.
    expect(report.failoverElections).toBeGreaterThan(0);
    // Sparse: each bee links a few neighbours and its queen, far from a full mesh.
    expect(report.linksPerBee).toBeLessThan(10);
    expect(report.fullMeshLinksPerBee).toBe(BEES - 1);
    expect(report.actions.filter((a) => a.kind === 'join')).toHaveLength(BEES);
    expect(report.actions.at(-1)).toMatchObject({ kind: 'crash', queen: true });
  }, RUN_TIMEOUT_MS);

  it('reports a colony that cannot converge as a violation of invariant 2, which its trace replays', () => {
    const report = runColony({ bees: 5, seed: 3, convergeTimeoutMs: 500 });
    expect(report.convergedMs).toBeNull();
    expect(report.failoverMs).toBeNull();
    expect(report.killedQueen).toBe(false);
    expect(report.violations.map((v) => v.invariant)).toEqual([2]);
    const replayed = runScenario(3, report.actions, {}, report.convergeTimeoutMs);
    expect(replayed.violations).toEqual(report.violations);
  });

  it('sees convergence only when every live bee works for a live queen', () => {
    const world = new World({ seed: 5 });
    for (let i = 0; i < 6; i++) world.addBee();
    expect(settledHives(world)).toBeNull();
    world.runFor(15_000);
    expect(settledHives(world)).toBe(1);
    const queen = [...world.bees.values()].find((bee) => bee.role === 'queen')!;
    expect(queen.protocol.hiveView().workers).toHaveLength(5);
    world.crashBee(queen.id);
    expect(settledHives(world)).toBeNull();
  });
});
