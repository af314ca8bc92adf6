// The small pure questions an election asks: how many votes win, how long a bee waits before
// it is fed royal jelly (becomes a candidate), and whom an abdicating queen crowns.

import type { Rng } from './rng';

export interface CandidacyTiming {
  /** Shortest wait before campaigning after the queen is lost. */
  electionMinMs: number;
  /** Random spread on top, so candidacies rarely collide. */
  electionSpreadMs: number;
  /** A bee younger than this makes a poor queen: it waits longer. */
  matureAfterMs: number;
}

/** What makes a good queen, as a bee knows it of itself or hears it in heartbeats. */
export interface Fitness {
  uptimeMs: number;
  visible: boolean;
  links: number;
}

/** What a bee weighs when a candidate asks for its vote. */
export interface Ballot {
  /** Whom this bee already voted for in the candidate's term, if anyone. */
  votedFor: string | null;
  candidate: string;
  /** How many voters the candidate counts, and how many this bee knows of (itself included). */
  candidateElectorate: number;
  ownElectorate: number;
}

/** The rules an election runs by; the simulator swaps in broken ones to prove its checker works. */
export interface ElectionRules {
  grantsVote(ballot: Ballot): boolean;
}

export const ELECTION_RULES: ElectionRules = {
  // One vote per term; and a candidate counting fewer voters than we know of could otherwise
  // win with a minority of them.
  grantsVote: (b) => (b.votedFor === null || b.votedFor === b.candidate) && b.candidateElectorate >= b.ownElectorate,
};

/** Votes needed to win among `electorate` bees: a strict majority. */
export const majority = (electorate: number): number => Math.floor(electorate / 2) + 1;

/**
 * Randomised candidacy timeout. Hidden tabs (throttled timers, likely to be closed) and freshly
 * opened ones wait an extra round, so a stable visible bee usually campaigns first; they still
 * campaign eventually, so a colony of hidden tabs gets a queen too.
 */
export function candidacyDelayMs(self: Fitness, timing: CandidacyTiming, rng: Rng): number {
  let delay = timing.electionMinMs + rng.next() * timing.electionSpreadMs;
  if (!self.visible) delay += timing.electionMinMs + timing.electionSpreadMs;
  if (self.uptimeMs < timing.matureAfterMs) delay += timing.electionSpreadMs;
  if (self.links <= 1) delay += timing.electionSpreadMs;
  return Math.round(delay);
}

export type WorkerFitness = Omit<Fitness, 'links'>;

/** Order of preference for a successor: visible first, then longer uptime. */
export function betterQueen(a: WorkerFitness, b: WorkerFitness): number {
  if (a.visible !== b.visible) return a.visible ? -1 : 1;
  return b.uptimeMs - a.uptimeMs;
}

/** The worker an abdicating queen crowns, or undefined when she has none. */
export function chooseSuccessor(workers: ReadonlyMap<string, WorkerFitness>): string | undefined {
  let best: [string, WorkerFitness] | undefined;
  for (const entry of workers) if (!best || betterQueen(entry[1], best[1]) < 0) best = entry;
  return best?.[0];
}
