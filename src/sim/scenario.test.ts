import { describe, expect, it } from 'vitest';
import { ELECTION_RULES, type ElectionRules } from '../hive/election';
import { planScenario, runScenario, shrink } from './scenario';

const SEEDS = 300;
/** Hundreds of simulated colonies: seconds on an idle machine, a minute or more on a busy one. */
const HEAVY_TIMEOUT_MS = 240_000;

describe('seeded fault scenarios', () => {
  it(`keep invariants 1 to 4 over ${SEEDS} seeds of crashes, reloads, frozen tabs, failed writes, clock jumps, partitions, loss and joins`, () => {
    const failures: string[] = [];
    for (let seed = 1; seed <= SEEDS; seed++) {
      const result = runScenario(seed, planScenario(seed));
      if (result.violations.length > 0) failures.push(`seed ${seed}: ${result.violations.map((v) => `#${v.invariant} ${v.detail}`).join('; ')}`);
    }
    expect(failures).toEqual([]);
  }, HEAVY_TIMEOUT_MS);

  it('catches a deliberately broken rule (a bee votes for every candidate) and shrinks the trace', () => {
    const voteForAnyone: ElectionRules = { ...ELECTION_RULES, grantsVote: () => true };
    let caught: { seed: number; actions: number; invariants: number[] } | null = null;
    for (let seed = 1; seed <= 50 && !caught; seed++) {
      const actions = planScenario(seed, 20);
      const result = runScenario(seed, actions, { rules: voteForAnyone });
      if (result.violations.length > 0) {
        const minimal = shrink(seed, actions, { rules: voteForAnyone });
        caught = { seed, actions: minimal.length, invariants: result.violations.map((v) => v.invariant) };
        expect(minimal.length).toBeLessThan(actions.length);
        expect(runScenario(seed, minimal, { rules: voteForAnyone }).violations.length).toBeGreaterThan(0);
      }
    }
    expect(caught?.invariants).toContain(1);
  }, HEAVY_TIMEOUT_MS);
});
