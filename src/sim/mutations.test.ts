// The checker must see the protocol broken: each rule that keeps one queen per hive and term is
// broken on purpose here, in a script where it matters, and the checker must fail the run; the
// same script with the rule intact must pass. (consensus.test.ts runs these scripts as regressions.)
import { describe, expect, it } from 'vitest';
import { ELECTION_RULES, type ElectionRules } from '../hive/election';
import type { Envelope, Payload } from '../hive/frames';
import { majority, type Membership } from '../hive/membership';
import { InvariantChecker } from './invariants';
import { settledHives } from './run';
import { World, type WorldOptions } from './world';

type Broken = Pick<WorldOptions, 'rules' | 'framesWaitForWrites'>;

function colony(size: number, seed: number, broken: Broken): { world: World; checker: InvariantChecker } {
  const world = new World({ seed, ...broken });
  const checker = new InvariantChecker(world);
  for (let i = 0; i < size; i++) {
    world.addBee();
    world.runFor(100);
  }
  for (let waited = 0; settledHives(world) !== 1 && waited < 30_000; waited += 250) world.runFor(250);
  world.runFor(3000);
  return { world, checker };
}

const queenOf = (world: World) => world.liveIds().find((id) => world.bees.get(id)!.role === 'queen')!;
const kinds = (checker: InvariantChecker) => checker.violations.filter((v) => v.invariant === 1).map((v) => v.detail.replace(/[0-9a-f]{16}/g, '…'));

/** Rules that break from the moment `broken.on` is set (a colony must form before it can split). */
function breakable(rules: Partial<ElectionRules>): { broken: { on: boolean }; rules: ElectionRules } {
  const broken = { on: false };
  const pick = <K extends keyof ElectionRules>(key: K): ElectionRules[K] =>
    ((...args: unknown[]) => ((broken.on ? (rules[key] ?? ELECTION_RULES[key]) : ELECTION_RULES[key]) as (...a: unknown[]) => unknown)(...args)) as ElectionRules[K];
  return { broken, rules: { grantsVote: pick('grantsVote'), mayVote: pick('mayVote'), countsVote: pick('countsVote'), needed: pick('needed'), certifies: pick('certifies') } };
}

/**
 * Seven bees; the queen is cut off with two workers, the four others crown a queen in term 2; the
 * queen dies, and `joiners` eggs open the colony on the minority's side. Rules given break once
 * the colony is cut.
 */
function splitBrain(mutation: Partial<ElectionRules>, joiners = 0): InvariantChecker {
  const { broken, rules } = breakable(mutation);
  const { world, checker } = colony(7, 41, { rules });
  expect(settledHives(world)).toBe(1);
  broken.on = true;
  const queen = queenOf(world);
  const workers = world.liveIds().filter((id) => id !== queen);
  const minority = workers.slice(0, 2);
  world.split([[queen, ...minority], workers.slice(2)]);
  world.runFor(15_000);
  world.crashBee(queen);
  const eggs = Array.from({ length: joiners }, () => world.addBee());
  world.split([[...minority, ...eggs], workers.slice(2)]);
  world.runFor(20_000);
  checker.checkFollowedQueens();
  return checker;
}

/** A worker signs a claim with ballots it forged and sends it to its neighbours. */
function forgedClaim(broken: Broken): InvariantChecker {
  const { world, checker } = colony(6, 42, broken);
  const queen = queenOf(world);
  const rogue = world.liveIds().find((id) => id !== queen)!;
  const membership = world.bees.get(queen)!.protocol.snapshot().membership!;
  const p: Payload = { k: 'queen', term: 99, membership, authority: { by: 'votes', ballots: membership.members.map((bee) => ({ bee, pub: bee, sig: '00000000' })) } };
  for (const [i, peer] of world.bees.get(rogue)!.protocol.snapshot().neighbours.entries()) {
    const env: Envelope = { t: 'env', id: (i + 1).toString(16).padStart(16, 'f'), from: rogue, to: null, ttl: 2, route: [rogue], p };
    world.schedule(peer, { type: 'frame', peer: rogue, frame: env }, 1);
  }
  world.runFor(3000);
  checker.checkFollowedQueens();
  return checker;
}

/** Three bees elect while every write fails; a voter reloads from its disk and the queen dies. */
function lostWrites(broken: Broken): InvariantChecker {
  const world = new World({ seed: 45, storageFailRate: 1, ...broken });
  const checker = new InvariantChecker(world);
  const ids = [world.addBee(), world.addBee(), world.addBee()];
  world.runFor(15_000);
  world.storageFailRate = 0;
  const queen = ids.find((id) => world.bees.get(id)!.role === 'queen');
  for (const id of ids) if (id !== queen) world.reload(id);
  if (queen) world.crashBee(queen);
  world.addBee();
  world.runFor(30_000);
  return checker;
}

/** Seven bees watched by an observer (the projector); their queen dies and they elect another. */
function watchedFailover(broken: Broken, seed: number): InvariantChecker {
  const world = new World({ seed, ...broken });
  const checker = new InvariantChecker(world);
  world.addBee({ observer: true });
  for (let i = 0; i < 7; i++) {
    world.addBee();
    world.runFor(100);
  }
  world.runFor(15_000);
  world.crashBee(queenOf(world));
  world.runFor(15_000);
  return checker;
}

const mutated = (rules: Partial<ElectionRules>): Broken => ({ rules: { ...ELECTION_RULES, ...rules } });

describe('the checker fails a run whose protocol is broken on purpose', () => {
  it('counting votes of bees that are not members: two queens of one hive in one term', () => {
    expect(kinds(splitBrain({}, 2))).toEqual([]);
    const anyone = { mayVote: () => true, countsVote: () => true };
    expect(kinds(splitBrain(anyone, 2))).toContainEqual(expect.stringMatching(/^… was crowned queen of hive … in term \d+ without a certificate that verifies$/));
  });

  it('shrinking the electorate to the members still linked: two queens of one hive in one term', () => {
    expect(kinds(splitBrain({}))).toEqual([]);
    const linkedOnly = { needed: (membership: Membership, linked: (bee: string) => boolean) => majority(membership.members.filter(linked).length + 1) };
    expect(kinds(splitBrain(linkedOnly))).toContainEqual(expect.stringMatching(/are both queen of hive … in term 2$/));
  });

  it('sending a vote before it is written: a bee votes twice in a term across a reload', () => {
    expect(kinds(lostWrites({}))).toEqual([]);
    expect(kinds(lostWrites({ framesWaitForWrites: false }))).toContainEqual(expect.stringMatching(/voted for … and … in term \d+ \(life 1, then life 2 after a reload\)$/));
  });

  it('letting an observer vote: the projector casts a ballot', () => {
    // A few colonies: whether a candidate's request reaches the observer depends on the links.
    const seeds = [47, 48, 49];
    expect(seeds.flatMap((seed) => kinds(watchedFailover({}, seed)))).toEqual([]);
    expect(seeds.flatMap((seed) => kinds(watchedFailover(mutated({ mayVote: () => true }), seed)))).toContainEqual(expect.stringMatching(/^observer … voted for …$/));
  });

  it('following a claim whose certificate does not verify: bees follow a queen never crowned', () => {
    expect(kinds(forgedClaim({}))).toEqual([]);
    expect(kinds(forgedClaim(mutated({ certifies: () => true })))).toContainEqual(expect.stringMatching(/follows …, whose certificate does not verify: never crowned queen of hive … in term 99$/));
  });
});
