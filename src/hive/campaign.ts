// One candidacy: the straw poll or the election a candidate runs among the members of one
// membership, and the votes it gathered. A real vote carries its voter's signed ballot; the
// ballots of a majority are the new queen's certificate.

import type { Seal } from './certificate';
import type { ElectionRules } from './election';
import type { Payload } from './frames';
import type { Membership } from './membership';

export class Campaign {
  private readonly votes = new Map<string, Seal | null>();

  constructor(
    readonly term: number,
    /** A straw poll binds nobody: it asks "would you vote for me?" before the term is raised. */
    readonly pre: boolean,
    readonly membership: Membership,
    /** The seal of the queen who proposed `membership`, for voters that missed it. */
    readonly seal: Seal | null,
  ) {}

  /** The `elect` that asks for votes. */
  request(): Extract<Payload, { k: 'elect' }> {
    return { k: 'elect', term: this.term, pre: this.pre, membership: this.membership, seal: this.seal };
  }

  /**
   * Counts a vote; returns whether the candidate now has the votes it needs. A real vote without
   * its ballot does not count: it could not go on the certificate.
   */
  count(voter: string, ballot: Seal | null, rules: ElectionRules, linked: (bee: string) => boolean): boolean {
    if (!rules.countsVote(voter, this.membership) || (!this.pre && ballot === null)) return false;
    this.votes.set(voter, ballot);
    return this.votes.size >= rules.needed(this.membership, linked);
  }

  /** The ballots gathered (a real election's), for the certificate. */
  ballots(): Seal[] {
    return [...this.votes.values()].filter((ballot): ballot is Seal => ballot !== null);
  }
}
