// Every interleaving, up to a few choices, of a small hive that crowned a queen: frames arriving
// in any order or never, clocks moving on, a crash, a reload. The depths are what a busy two-core
// machine explores in seconds; `npx tsx src/sim/explore.ts` goes deeper.
import { describe, expect, it } from 'vitest';
import { ELECTION_RULES } from '../hive/election';
import { explore, formatFound, formatLevel, replay, type ExploreOptions, type Exploration } from './explore';

function run(options: ExploreOptions): Exploration {
  const result = explore(options);
  const last = result.levels.at(-1);
  if (last) console.log(`${options.bees} bees, ${options.prelude ?? 'hatched'}: ${formatLevel(last)}`);
  return result;
}

/** Each exploration takes a few seconds of one core; a busy machine may stretch that several times. */
const BUSY_MACHINE_MS = 60_000;

describe('exhaustive exploration of a small hive', { timeout: BUSY_MACHINE_MS }, () => {
  it('three bees that crowned a queen keep one queen per reign, one vote per term and certified crowns through every interleaving of 5 choices, a crash and a reload among them', () => {
    const result = run({ bees: 3, seed: 1, depth: 5 });
    expect(result.violation).toBeNull();
    expect(result.levels.map((level) => level.depth)).toEqual([1, 2, 3, 4, 5]);
    expect(result.levels.at(-1)!.states).toBeGreaterThan(5000);
  });

  it('two workers that campaign at once never crown two queens of one reign, nor vote twice in a term, through every interleaving of 5 choices', () => {
    const result = run({ bees: 3, seed: 1, depth: 5, prelude: 'rivals', setting: { maxCrashes: 0, maxReloads: 0 } });
    expect(result.prelude.filter((line) => line.startsWith('tick'))).toHaveLength(4);
    expect(result.violation).toBeNull();
  });

  it('a bee that votes for every candidate is caught, with a shortest path to its second vote in one term', () => {
    const options: ExploreOptions = { bees: 3, seed: 1, depth: 5, prelude: 'rivals', setting: { rules: { ...ELECTION_RULES, grantsVote: () => true }, maxCrashes: 0, maxReloads: 0 } };
    const { violation } = run(options);
    expect(violation).not.toBeNull();
    console.log(formatFound(violation!));
    // Both rivals hear each other's straw poll and say yes, both run, and one votes for the other.
    expect(violation!.detail).toMatch(/^(\w{4}) voted for \1 and \w{4} in term \d+$/);
    expect(violation!.path).toHaveLength(5);
    expect(replay(options, violation!.path).violation).toBe(violation!.detail);
  });

  it('four bees that crowned a queen keep every invariant through every interleaving of 4 choices', () => {
    const result = run({ bees: 4, seed: 1, depth: 4 });
    expect(result.violation).toBeNull();
  });
});
