// A bee's part in electing a queen: when a queenless bee is fed royal jelly (its randomised
// candidacy timeout), the straw poll and the election it then runs among its hive's members (or
// the eggs it founds a hive with), and its one vote per term when another bee campaigns. The
// rules are election.ts's; a candidate's votes are its Campaign's (campaign.ts).

import { Campaign } from './campaign';
import type { Claim, Notary, Seal } from './certificate';
import { candidacyDelayMs, candidacyRank, HIDDEN_RANKS, judge, type ElectionRules, type Fitness, type Rival, type Voter } from './election';
import { succession } from './hive-ring';
import type { Counters, HiveConfig } from './events';
import { MAX_HIVE_WORKERS, type Payload } from './frames';
import type { Links } from './links';
import { founding, isMember, type Membership } from './membership';
import type { Rng } from './rng';
import type { Roster } from './roster';
import type { Router } from './routing';
import type { Standing } from './standing';

/** A bee whose campaigns keep failing waits up to 2^this times longer between them. */
const MAX_BACKOFF_DOUBLINGS = 4;

/** What a bee's elections need from the rest of the bee. */
export interface CandidacyHost {
  readonly self: string;
  readonly config: HiveConfig;
  readonly rules: ElectionRules;
  readonly rng: Rng;
  readonly notary: Notary;
  readonly standing: Standing;
  readonly links: Links;
  readonly roster: Roster;
  readonly router: Router;
  readonly counters: Counters;
  /** Its campaign, while this bee is a candidate. */
  campaign(): Campaign | null;
  /** Whether this bee reigns: a queen votes in no election. */
  reigning(): boolean;
  /** Whether this bee stands by the queen it follows when another member campaigns (allegiance.ts). */
  queenTrusted(now: number): boolean;
  /** How good a queen this bee would make now: a poorer one than its rivals waits its turn. */
  fitness(now: number): Fitness;
  becomeCandidate(campaign: Campaign, now: number): void;
  /** A candidate that hears of a later term stands down, a worker again. */
  standDown(): void;
  becomeQueen(claim: Claim, now: number): void;
}

export class Candidacy {
  /** When this bee campaigns if there is still no queen (NaN until the first tick). */
  private electionAt = Number.NaN;
  /** Campaigns since this bee last followed a queen or reigned. */
  private campaigns = 0;

  constructor(private readonly host: CandidacyHost) {}

  /** The first tick starts the candidacy timeout. */
  start(now: number): void {
    if (Number.isNaN(this.electionAt)) this.postpone(now);
  }

  /** A fresh randomised candidacy timeout from now, ranked among the rivals in sight (backed off). */
  postpone(now: number): void {
    const { config, rng } = this.host;
    this.electionAt = now + candidacyDelayMs(this.rank(now), config, rng) * this.backoff();
  }

  /**
   * The heir its lost queen named campaigns at once: her other workers see it first in line (it
   * is the fittest of them, candidacy's own order) and wait at least a rank step.
   */
  succeed(now: number): void {
    this.electionAt = now;
  }

  /**
   * A bee that voted gives that election time to finish (the votes and the claim: a few round
   * trips, longer on a loaded machine) before its own turn comes again.
   */
  awaitOutcome(now: number): void {
    const { config, rng } = this.host;
    this.electionAt = now + (config.queenTimeoutMinMs + candidacyDelayMs(this.rank(now), config, rng)) * this.backoff();
  }

  /**
   * Each campaign that crowned nobody doubles the next waits (up to MAX_BACKOFF_DOUBLINGS): where
   * round trips outlast the timers (30 tabs on 2 cores) campaigns would otherwise supersede each
   * other before any finishes. Timers measured in round trips, with the round trips unknown.
   */
  private backoff(): number {
    return 2 ** Math.min(this.campaigns, MAX_BACKOFF_DOUBLINGS);
  }

  /** This bee follows a queen, or is one: elections went well, the timers are short again. */
  crowned(): void {
    this.campaigns = 0;
  }

  /**
   * How many bees in sight would make better queens and could run in the same election: linked,
   * heard from within two beats (a frozen queen is no rival), of its hive (an egg: other eggs),
   * not an observer.
   */
  private rank(now: number): number {
    const { links, standing: s, config, self } = this.host;
    const fitness = this.host.fitness(now);
    // An orphan knows its hive's line of succession (a worker sees too few rivals over its links
    // to rank among them: they tied, 2.3 elections per crash); an egg ranks among the eggs it sees.
    if (s.membership !== null && s.formerQueen !== null && isMember(s.membership, s.formerQueen)) {
      return succession(s.membership.members, s.formerQueen, self) + (fitness.visible ? 0 : HIDDEN_RANKS);
    }
    const hive = s.membership?.hive ?? null;
    const rivals: Rival[] = [];
    for (const [peer, link] of links.open) {
      const recent = now - link.lastFrameAt <= 2 * config.heartbeatIntervalMs;
      if (recent && link.follows !== undefined && !link.observer && link.hive === hive) rivals.push({ id: peer, visible: link.visible, startedAt: link.startedAt });
    }
    return candidacyRank({ id: self, visible: fitness.visible, startedAt: now - fitness.uptimeMs }, rivals);
  }

  /** A queen who handed her hive over steps aside with jitter, so that she does not campaign herself. */
  stepAside(now: number): void {
    const { config, rng } = this.host;
    this.electionAt = now + config.queenTimeoutMs + rng.int(config.electionSpreadMs);
  }

  /**
   * A queenless bee that has no hive to join campaigns once its timeout is up: among its hive's
   * members, or among the eggs it founds a hive with.
   */
  onQueenless(now: number): void {
    const { standing: s, links, config, self } = this.host;
    if (links.size === 0 || !config.elections) return;
    // An egg whose roster is still changing does not know whom to found a hive with yet: its
    // turn (by the rank it has then) counts from the last tick the roster was unsettled.
    if (s.membership === null && !this.rosterSettled(now)) {
      this.postpone(now);
      return;
    }
    if (now < this.electionAt) return;
    const membership = s.membership ?? this.foundingMembers();
    if (membership.members.length > 1 && isMember(membership, self)) this.poll(membership, now);
  }

  /** Whether an egg knows whom it would found a hive with: a small colony's roster has not changed for a while. */
  private rosterSettled(now: number): boolean {
    const { roster, config } = this.host;
    const others = roster.others().length;
    if (others + 1 > 2 * config.capacity) return true;
    return others > 0 && now - roster.changedAt >= config.rosterSettleMs;
  }

  /**
   * The members an egg founds a hive with: in a small colony everyone on its roster (settled); in
   * one too big to count (beyond twice a hive's capacity), its egg neighbours. Several hives may
   * hatch at once from different eggs; they then merge.
   */
  private foundingMembers(): Membership {
    const { roster, config, links, rng, self } = this.host;
    const others = roster.others();
    const bees = others.length + 1 <= 2 * config.capacity
      ? others
      : [...links.open].filter(([, link]) => link.follows === null && !link.observer).map(([peer]) => peer);
    return founding(rng.hex(8), [self, ...bees.slice(0, MAX_HIVE_WORKERS)]);
  }

  /**
   * Royal jelly, first taste: ask whether the members would elect us before raising the term. A
   * bee cut off from its hive gets no majority and so cannot inflate terms (Raft's pre-vote).
   */
  private poll(membership: Membership, now: number): void {
    const { standing, rules, self } = this.host;
    const seal = standing.membership ? standing.seal : null;
    const campaign = new Campaign(standing.term + 1, true, membership, seal);
    campaign.count(self, null, rules, () => true);
    this.host.becomeCandidate(campaign, now);
    this.campaigns++;
  }

  /** Royal jelly: a candidate for the next term, asking the members for votes. */
  run(membership: Membership, seal: Seal | null, now: number): void {
    const { standing: s, counters, notary, rules, self } = this.host;
    s.enterTerm(s.term + 1);
    s.vote(self);
    counters.elections++;
    const campaign = new Campaign(s.term, false, membership, seal);
    campaign.count(self, notary.seal({ k: 'ballot', term: s.term, candidate: self, membership }), rules, () => true);
    this.host.becomeCandidate(campaign, now);
  }

  private voter(now: number): Voter {
    const { standing: s, notary, self } = this.host;
    return {
      self, term: s.term, membership: s.membership, liveQueen: this.host.queenTrusted(now) ? s.queen : null,
      formerQueen: s.formerQueen, notary,
    };
  }

  /** A candidate asks for our vote; returns whether its flood goes on. */
  onElect(candidate: string, p: Extract<Payload, { k: 'elect' }>, now: number): boolean {
    if (this.host.reigning()) return true;
    const { standing: s, router, rules, notary } = this.host;
    const verdict = judge(this.voter(now), p, rules);
    if (verdict === 'ignore') return true;
    if (verdict === 'refuse') return false;
    if (verdict === 'later') {
      router.originate(candidate, { k: 'later', term: s.term }, now);
      return false;
    }
    if (p.pre) {
      // A straw poll binds nobody: answer it without touching our term or vote.
      router.originate(candidate, { k: 'vote', term: p.term, pre: true, ballot: null }, now);
      return true;
    }
    if (p.term > s.term) {
      s.enterTerm(p.term);
      if (s.duty === 'candidate') this.host.standDown();
    }
    if (!rules.grantsVote(s.votedFor, candidate)) return true;
    s.vote(candidate);
    this.awaitOutcome(now);
    const ballot = notary.seal({ k: 'ballot', term: p.term, candidate, membership: p.membership });
    router.originate(candidate, { k: 'vote', term: p.term, pre: false, ballot }, now);
    return true;
  }

  onVote(voter: string, p: Extract<Payload, { k: 'vote' }>, now: number): void {
    const { standing, rules, links } = this.host;
    const campaign = this.host.campaign();
    if (standing.duty !== 'candidate' || !campaign || p.pre !== campaign.pre || p.term !== campaign.term) return;
    if (!campaign.count(voter, p.ballot, rules, (bee) => links.has(bee))) return;
    if (campaign.pre) this.run(campaign.membership, campaign.seal, now);
    else this.host.becomeQueen({ term: campaign.term, membership: campaign.membership, authority: { by: 'votes', ballots: campaign.ballots() } }, now);
  }

  /** Voters that lived through a term we missed refuse us until we campaign above it. */
  onLater(p: Extract<Payload, { k: 'later' }>): void {
    if (this.host.standing.duty === 'candidate') this.host.standing.enterTerm(p.term);
  }
}
