// The invariant checker must be able to fail: each rule of invariant 1 fed the decisions that break
// it, as effects through the world's observer (bees here are only an id and a page load), and once
// end to end, with a real bee whose vote never reached its disk.
import { describe, expect, it } from 'vitest';
import type { Claim } from '../hive/certificate';
import type { Effect } from '../hive/protocol';
import { simNotary } from './notary';
import { InvariantChecker } from './invariants';
import { World, type Observer, type SimBee } from './world';

type Decision = Parameters<Observer>[1];
type RoleChanged = Extract<Effect, { type: 'roleChanged' }>;

const [A, B, C, Q] = ['a', 'b', 'c', 'q'].map((letter) => letter.repeat(16)) as [string, string, string, string];

/**
 * A checker and a way to tell it what bees decided; `bee(id, lives)` is a bee on its `lives`th
 * page load. A bee told it is queen holds a certificate for that reign: its own ballot as the one
 * member of its hive (`forged`: a ballot it could not have signed).
 */
function watch(): { checker: InvariantChecker; decide: (bee: SimBee, decision: Decision, now?: number, forged?: boolean) => void; bee: (id: string, lives?: number) => SimBee } {
  const world = new World({ seed: 1 });
  const checker = new InvariantChecker(world);
  const certificate = (queen: string, hive: string, term: number, forged: boolean): Claim => {
    const membership = { hive, term: 0, epoch: 0, members: [queen] };
    const ballot = simNotary(queen, world.notaryKey + (forged ? 1 : 0)).seal({ k: 'ballot', term, candidate: queen, membership });
    return { term, membership, authority: { by: 'votes', ballots: [ballot] } };
  };
  return {
    checker,
    decide: (bee, decision, now = 0, forged = false) => {
      const crowned = decision.type === 'roleChanged' && decision.role === 'queen' ? certificate(bee.id, decision.hive as string, decision.reign, forged) : null;
      world.observer?.({ ...bee, protocol: { claim: () => crowned } } as unknown as SimBee, decision, now);
    },
    bee: (id, lives = 1) => ({ id, lives }) as SimBee,
  };
}

const vote = (term: number, votedFor: string): Decision => ({ type: 'persist', term, votedFor, membership: null, seal: null });
/** A roleChanged: the bee's role and term, and the hive and reign it places the bee in. */
const placed = (role: RoleChanged['role'], term: number, queen: string, hive: string, reign = term): Decision => ({ type: 'roleChanged', role, term, queen, hive, reign });

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

  it('flags a queen crowned without a certificate that verifies', () => {
    const { checker, decide, bee } = watch();
    decide(bee(A), placed('queen', 4, A, 'h1'));
    decide(bee(B), placed('queen', 4, B, 'h2'), 50, true);
    expect(rules(checker)).toEqual([`#1 ${B} was crowned queen of hive h2 in term 4 without a certificate that verifies`]);
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
    expect(rules(checker)).toEqual([`#1 ${B} follows ${Q}, whose certificate does not verify: never crowned queen of hive h1 in term 3`]);
  });

  it('does not flag a mover that follows a bred heir before she hears she was bred', () => {
    const { checker, decide, bee } = watch();
    decide(bee(A), placed('worker', 3, C, 'h2', 1), 200);
    decide(bee(C), placed('queen', 3, C, 'h2', 1), 400);
    checker.checkFollowedQueens();
    expect(rules(checker)).toEqual([]);
  });

  it('catches a real bee that votes again in a term after a reload lost the vote from its disk', () => {
    const world = new World({ seed: 1, config: { rosterSettleMs: 1000 } });
    const checker = new InvariantChecker(world);
    const ids = [world.addBee(), world.addBee(), world.addBee()];
    world.runFor(15_000);
    const queen = ids.find((id) => world.bees.get(id)?.role === 'queen') as string;
    const voter = world.bees.get(ids.find((id) => id !== queen) as string) as SimBee;
    const term = voter.disk.term;
    expect(voter.disk.votedFor).toBe(queen);
    // A driver that sent the vote but lost its write; the voter reloads, and its hive is gone:
    // with two newcomers it votes again from term 1 (once the roster settled for 1 s: the voter is
    // on the founder's roster).
    voter.disk = { ...voter.disk, term: term - 1, votedFor: null, membership: null, seal: null };
    for (const id of ids) if (id !== voter.id) world.crashBee(id);
    world.reload(voter.id);
    world.addBee();
    world.addBee();
    world.runFor(15_000);
    expect(voter.lives).toBe(2);
    const doubled = rules(checker).filter((rule) => rule.startsWith(`#1 ${voter.id} voted for ${queen} and `));
    expect(doubled).toEqual([expect.stringMatching(new RegExp(`in term ${term} \\(life 1, then life 2 after a reload\\)$`))]);
  });
});
