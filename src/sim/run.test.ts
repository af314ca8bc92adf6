import { describe, expect, it } from 'vitest';
import { convergedQueen, runColony } from './run';
import { World } from './world';

// 150 bees keep this test at a few seconds: every vote floods the whole mesh (O(bees²) frames
// per election), so 500 bees take minutes; `npm run sim -- --bees 500` shows it.
const BEES = 150;

describe('a colony run', () => {
  it(`${BEES} bees converge on one queen, then elect another within seconds of her crash`, () => {
    const report = runColony({ bees: BEES, seed: 7 });
    expect(report.violations).toEqual([]);
    expect(report.convergedMs).not.toBeNull();
    expect(report.failoverMs).not.toBeNull();
    expect(report.failoverMs).toBeLessThan(15_000);
    expect(report.maxTerm).toBeGreaterThanOrEqual(2);
    // Sparse: each bee links a few neighbours and its queen, far from a full mesh.
    expect(report.linksPerBee).toBeLessThan(10);
    expect(report.fullMeshLinksPerBee).toBe(BEES - 1);
    expect(report.actions.filter((a) => a.kind === 'join')).toHaveLength(BEES);
    expect(report.actions.at(-1)).toMatchObject({ kind: 'crash', queen: true });
  });

  it('reports a colony that cannot converge as a violation of invariant 2', () => {
    const report = runColony({ bees: 5, seed: 3, convergeTimeoutMs: 500 });
    expect(report.convergedMs).toBeNull();
    expect(report.failoverMs).toBeNull();
    expect(report.violations.map((v) => v.invariant)).toEqual([2]);
  });

  it('sees convergence only when every live bee follows one live queen', () => {
    const world = new World({ seed: 5 });
    for (let i = 0; i < 6; i++) world.addBee();
    expect(convergedQueen(world)).toBeNull();
    world.runFor(15_000);
    const queen = convergedQueen(world);
    expect(queen).not.toBeNull();
    expect(world.bees.get(queen!)!.protocol.snapshot().role).toBe('queen');
    world.crashBee(queen!);
    expect(convergedQueen(world)).toBeNull();
  });
});
