// The small pure questions an election asks: how many votes win, how long a bee waits before
// it is fed royal jelly (becomes a candidate), and whom a queen names her heir.

import { certifies, type Claim, type Notary, type Seal, type Statement } from './certificate';
import type { Payload } from './frames';
import { compareVersions, isMember, majority, sameMembership, type Membership } from './membership';
import type { Rng } from './rng';

export interface CandidacyTiming {
  /** Shortest wait before campaigning after the queen is lost. */
  electionMinMs: number;
  /** Random spread on top, so candidacies of one rank rarely collide. */
  electionSpreadMs: number;
  /** Added per rank: each fitter bee in sight campaigns this much earlier. */
  candidacyRankMs: number;
}

/** Ranks a hidden bee gives up on top of the visible bees it sees: a visible bee further away can serve. */
export const HIDDEN_RANKS = 3;

/** What makes a good queen, as a bee knows it of itself or hears it in heartbeats. */
export interface Fitness {
  uptimeMs: number;
  visible: boolean;
}

/** A bee that could run in the same election, as its heartbeats describe it. */
export interface Rival {
  id: string;
  visible: boolean;
  /** When it started, on this bee's clock (now − the uptime it reported, when it reported it). */
  startedAt: number;
}

/** The rules an election runs by; the simulator swaps in broken ones to prove its checker can see. */
export interface ElectionRules {
  /** One vote per term: whether a bee that voted for `votedFor` (or nobody) may vote for `candidate`. */
  grantsVote(votedFor: string | null, candidate: string): boolean;
  /**
   * Whether `voter` has a say in an election among `membership`: a member of it and of its hive
   * (or, as an egg, of a hive being founded).
   */
  mayVote(voter: Voter, membership: Membership): boolean;
  /** Whether `voter`'s vote counts toward a majority of `membership`. */
  countsVote(voter: string, membership: Membership): boolean;
  /** How many votes make a queen of `membership` (`linked`: the members a candidate links now). */
  needed(membership: Membership, linked: (bee: string) => boolean): number;
  /** Whether a claim's certificate holds (certificate.ts). */
  certifies(claimant: string, claim: Claim, notary: Notary): boolean;
}

export const ELECTION_RULES: ElectionRules = {
  grantsVote: (votedFor, candidate) => votedFor === null || votedFor === candidate,
  // An egg votes only to found a hive: members no queen has reigned over yet.
  mayVote: (voter, membership) =>
    isMember(membership, voter.self) &&
    (voter.membership === null ? membership.term === 0 && membership.epoch === 0 && voter.liveQueen === null : voter.membership.hive === membership.hive),
  // Only the committed membership votes: bees that merely know of the hive do not count.
  countsVote: (voter, membership) => isMember(membership, voter),
  // The whole membership, reachable or not: a cut-off minority never makes a majority.
  needed: (membership) => majority(membership.members.length),
  certifies,
};

/** What a voter knows when a candidate asks for its vote. */
export interface Voter {
  self: string;
  term: number;
  membership: Membership | null;
  /** The queen it follows and stands by (null if none, or presumed dead or in doubt: pulse.ts), and the one it lost. */
  liveQueen: string | null;
  formerQueen: string | null;
  notary: Notary;
}

/**
 * What a voter does with a candidate's `elect`: `ignore` it (not its hive's election), `refuse`
 * it, tell the candidate of a `later` term, or `consider` it (the vote itself is one per term).
 * A bee votes only as a member of the candidate's membership, and only if that membership is not
 * older than its own: an older one may have been replaced behind the voter's back, and its
 * majority may no longer meet the current one. A newer one it takes on the word of the queen it
 * trusts (her seal). While its queen lives it votes for nobody.
 */
export function judge(voter: Voter, p: Extract<Payload, { k: 'elect' }>, rules: ElectionRules): 'ignore' | 'refuse' | 'later' | 'consider' {
  const { membership } = p;
  if (!rules.mayVote(voter, membership)) return 'ignore';
  const own = voter.membership;
  if (own !== null && own.hive === membership.hive) {
    const order = compareVersions(membership, own);
    if (order < 0 || (order === 0 && !sameMembership(membership, own))) return 'refuse';
    if (order > 0 && !trusted(voter, { k: 'membership', membership }, p.seal)) return 'refuse';
  }
  if (voter.liveQueen !== null) return 'ignore';
  if (p.term < voter.term || (p.pre && p.term === voter.term)) return 'later';
  return 'consider';
}

/** Whether `seal` over `statement` is by the queen this voter follows or lost, in its hive. */
function trusted(voter: Voter, statement: Statement, seal: Seal | null): boolean {
  const queen = voter.liveQueen ?? voter.formerQueen;
  return seal !== null && queen !== null && seal.bee === queen && voter.notary.verify(statement, seal);
}

/** Whether `a` would make a better queen than `b`: visible first, then the one up longest, then the lower id. */
export function fitterRival(a: Rival, b: Rival): boolean {
  if (a.visible !== b.visible) return a.visible;
  if (a.startedAt !== b.startedAt) return a.startedAt < b.startedAt;
  return a.id < b.id;
}

/**
 * A bee's place in the queue for the throne: how many of the rivals it sees would make better
 * queens, plus HIDDEN_RANKS when its own page is hidden (throttled timers, likely to be closed).
 */
export function candidacyRank(self: Rival, rivals: readonly Rival[]): number {
  const ahead = rivals.filter((rival) => rival.id !== self.id && fitterRival(rival, self)).length;
  return ahead + (self.visible ? 0 : HIDDEN_RANKS);
}

/**
 * Randomised candidacy timeout, ranked: fitness orders the candidates by small steps instead of
 * delaying everyone by seconds, so the fittest bee in sight usually campaigns first and alone,
 * and the rest have heard its election before their turn comes. Every bee still campaigns
 * eventually, so a colony of hidden tabs gets a queen too.
 */
export function candidacyDelayMs(rank: number, timing: CandidacyTiming, rng: Rng): number {
  return Math.round(timing.electionMinMs + rank * timing.candidacyRankMs + rng.next() * timing.electionSpreadMs);
}

export type WorkerFitness = Fitness;

/** Order of preference for a successor: visible first, then longer uptime. */
export function betterQueen(a: WorkerFitness, b: WorkerFitness): number {
  if (a.visible !== b.visible) return a.visible ? -1 : 1;
  return b.uptimeMs - a.uptimeMs;
}

/**
 * The worker a queen names her heir: the fittest by the order candidacy ranks rivals in, so that
 * when she falls silent her heir is also the rival her workers see first in line.
 */
export function chooseHeir(workers: readonly Rival[]): string | undefined {
  let best: Rival | undefined;
  for (const worker of workers) if (!best || fitterRival(worker, best)) best = worker;
  return best?.id;
}
