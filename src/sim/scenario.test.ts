import { describe, expect, it } from 'vitest';
import type { ElectionRules } from '../hive/election';
import { planScenario, runScenario, shrink } from './scenario';

const SEEDS = 300;

describe('seeded fault scenarios', () => {
  it(`keep invariants 1, 2 and 4 over ${SEEDS} seeds of crashes, partitions, loss and joins`, () => {
    const failures: string[] = [];
    for (let seed = 1; seed <= SEEDS; seed++) {
      const result = runScenario(seed, planScenario(seed));
      if (result.violations.length > 0) failures.push(`seed ${seed}: ${result.violations.map((v) => `#${v.invariant} ${v.detail}`).join('; ')}`);
    }
    expect(failures).toEqual([]);
  });

  it('catches a deliberately broken rule (a bee votes for every candidate) and shrinks the trace', () => {
    const voteForAnyone: ElectionRules = { grantsVote: () => true };
    let caught: { seed: number; actions: number; invariants: number[] } | null = null;
    for (let seed = 1; seed <= 50 && !caught; seed++) {
      const actions = planScenario(seed, 20);
      const result = runScenario(seed, actions, voteForAnyone);
      if (result.violations.length > 0) {
        const minimal = shrink(seed, actions, voteForAnyone);
        caught = { seed, actions: minimal.length, invariants: result.violations.map((v) => v.invariant) };
        expect(minimal.length).toBeLessThan(actions.length);
        expect(runScenario(seed, minimal, voteForAnyone).violations.length).toBeGreaterThan(0);
      }
    }
    expect(caught?.invariants).toContain(1);
  });
});
