// The invariant checker must be able to fail: each rule of invariant 1 fed the decisions that break
// it, as effects through the world's observer (bees here are only an id and a page load), and once
// end to end, with a real bee whose vote never reached its disk.
import { describe, expect, it } from 'vitest';
import type { Effect } from '../hive/protocol';
import { InvariantChecker } from './invariants';
import { World, type Observer, type SimBee } from './world';

type Decision = Parameters<Observer>[1];
type RoleChanged = Extract<Effect, { type: 'roleChanged' }>;

const [A, B, C, Q] = ['a', 'b', 'c', 'q'].map((letter) => letter.repeat(16)) as [string, string, string, string];

/** A checker and a way to tell it what bees decided; `bee(id, lives)` is a bee on its `lives`th page load. */
function watch(): { checker: InvariantChecker; decide: (bee: SimBee, decision: Decision, now?: number) => void; bee: (id: string, lives?: number) => SimBee } {
  const world = new World({ seed: 1 });
  const checker = new InvariantChecker(world);
  return {
    checker,
    decide: (bee, decision, now = 0) => world.observer?.(bee, decision, now),
    bee: (id, lives = 1) => ({ id, lives }) as SimBee,
  };
}

const vote = (term: number, votedFor: string): Decision => ({ type: 'persist', term, votedFor });
/** A roleChanged as the core is growing it: with the hive and the reign it places the bee in. */
const placed = (role: RoleChanged['role'], term: number, queen: string, hive: string, reign = term): Decision =>
  ({ type: 'roleChanged', role, term, queen, hive, reign }) as RoleChanged;
/** A roleChanged as today's core emits it: no hive, and a worker's own term rather than its queen's. */
const announced = (role: RoleChanged['role'], term: number, queen: string | null): Decision => ({ type: 'roleChanged', role, term, queen });

const rules = (checker: InvariantChecker) => checker.violations.map((v) => `#${v.invariant} ${v.detail}`);

describe('the invariant checker', () => {
  it('flags two queens crowned in one hive and term, even after the first one died', () => {
    const { checker, decide, bee } = watch();
    decide(bee(A), placed('queen', 4, A, 'h1'), 100);
    // A dies; nothing tells the checker, nor need it: crownings are kept for the whole run.
    decide(bee(B), placed('queen', 4, B, 'h1'), 9000);
    expect(rules(checker)).toEqual([`#1 ${A} (crowned at 100 ms) and ${B} are both queen of hive h1 in term 4`]);
  });

  it('lets different hives crown queens in one term, and one hive crown a queen per term', () => {
    const { checker, decide, bee } = watch();
    decide(bee(A), placed('queen', 4, A, 'h1'));
    decide(bee(B), placed('queen', 4, B, 'h2'));
    decide(bee(C), placed('queen', 5, C, 'h1'));
    expect(rules(checker)).toEqual([]);
  });

  it("infers today's hives: two successors elected in one term by the same queen's hive are flagged, her bred heir is not", () => {
    const { checker, decide, bee } = watch();
    decide(bee(Q), announced('queen', 3, Q));
    for (const id of [A, B, C]) decide(bee(id), announced('worker', 3, Q));
    // Q breeds C: a new hive in Q's term, with no vote for C.
    decide(bee(C), announced('queen', 3, C));
    // Q dies; A and B each win a term-4 election of her hive (a split vote).
    decide(bee(A), vote(4, A));
    decide(bee(A), announced('queen', 4, A));
    decide(bee(B), vote(4, B));
    decide(bee(B), announced('queen', 4, B));
    expect(rules(checker)).toEqual([`#1 ${A} (crowned at 0 ms) and ${B} are both queen of hive ${Q}~1 in term 4`]);
  });

  it('flags a bee voting for two candidates in one term, also across a reload', () => {
    const { checker, decide, bee } = watch();
    decide(bee(C), vote(7, A));
    decide(bee(C), vote(7, A)); // the same vote written again is one vote
    decide(bee(C, 2), vote(7, B));
    expect(rules(checker)).toEqual([`#1 ${C} voted for ${A} and ${B} in term 7 (life 1, then life 2 after a reload)`]);
  });

  it('flags a bee following a queen never crowned in the hive and reign it names', () => {
    const { checker, decide, bee } = watch();
    decide(bee(Q), placed('queen', 2, Q, 'h1'));
    decide(bee(A), placed('worker', 2, Q, 'h1'));
    decide(bee(B), placed('worker', 9, Q, 'h1', 3), 500);
    checker.checkFollowedQueens();
    expect(rules(checker)).toEqual([`#1 ${B} follows ${Q}, whose certificate does not verify: never crowned in hive h1 in term 3`]);
  });

  it('flags a bee following a bee never crowned at all, but not one following an heir before she hears she was bred', () => {
    const { checker, decide, bee } = watch();
    decide(bee(A), announced('worker', 1, C), 200); // C is crowned later in the run
    decide(bee(B), announced('worker', 1, Q), 300); // Q never is
    decide(bee(C), announced('queen', 1, C), 400);
    checker.checkFollowedQueens();
    expect(rules(checker)).toEqual([`#1 ${B} follows ${Q}, whose certificate does not verify: never crowned in any hive or term`]);
  });

  it('catches a real bee that votes again in a term after a reload lost the vote from its disk', () => {
    const world = new World({ seed: 3 });
    const checker = new InvariantChecker(world);
    const ids = [world.addBee(), world.addBee(), world.addBee()];
    world.runFor(15_000);
    const queen = ids.find((id) => world.bees.get(id)?.role === 'queen') as string;
    const voter = world.bees.get(ids.find((id) => id !== queen) as string) as SimBee;
    const term = voter.disk.term;
    expect(voter.disk.votedFor).toBe(queen);
    // A driver that sent the vote but lost its write; the voter reloads, and its hive is gone:
    // with two newcomers it elects a queen again from term 1.
    voter.disk = { ...voter.disk, term: term - 1, votedFor: null };
    for (const id of ids) if (id !== voter.id) world.crashBee(id);
    world.reload(voter.id);
    world.addBee();
    world.addBee();
    world.runFor(15_000);
    expect(voter.lives).toBe(2);
    expect(rules(checker)).toContain(`#1 ${voter.id} voted for ${queen} and ${voter.id} in term ${term} (life 1, then life 2 after a reload)`);
  });
});
