// A queen's side of her hive's membership: the committed version, and at most one change in
// flight. A change takes effect once a majority of the old members and a majority of the new
// ones stored it (members that left the hive answer too: they vote under nothing older). One
// member at a time: any majority of the old and any of the new then share a bee (membership.ts).

import type { Seal } from './certificate';
import { reached, type Membership } from './membership';

interface Proposal {
  membership: Membership;
  seal: Seal;
  stored: Set<string>;
}

export class MembershipChanges {
  private proposal: Proposal | null = null;
  /** Her seal on the committed version; null until her first change took effect. */
  committedSeal: Seal | null = null;

  constructor(
    private readonly self: string,
    public committed: Membership,
  ) {}

  get pending(): Membership | null {
    return this.proposal?.membership ?? null;
  }

  get pendingSeal(): Seal | null {
    return this.proposal?.seal ?? null;
  }

  /** The queen stored `membership` herself and asks the others. */
  propose(membership: Membership, seal: Seal): void {
    this.proposal = { membership, seal, stored: new Set([this.self]) };
  }

  /** `bee` stored the version (term, epoch); returns whether the change in flight just took effect. */
  stored(bee: string, term: number, epoch: number): boolean {
    const proposal = this.proposal;
    if (!proposal || proposal.membership.term !== term || proposal.membership.epoch !== epoch) return false;
    proposal.stored.add(bee);
    if (!reached(this.committed, proposal.stored) || !reached(proposal.membership, proposal.stored)) return false;
    this.committed = proposal.membership;
    this.committedSeal = proposal.seal;
    this.proposal = null;
    return true;
  }

  /** Bees asked about the change in flight that have not answered yet. */
  waitingFor(): string[] {
    const proposal = this.proposal;
    if (!proposal) return [];
    const asked = new Set([...this.committed.members, ...proposal.membership.members]);
    return [...asked].filter((bee) => !proposal.stored.has(bee));
  }

  /** Every bee of the hive as far as the queen is concerned: committed members and those joining. */
  members(): Set<string> {
    return new Set([...this.committed.members, ...(this.proposal?.membership.members ?? [])]);
  }
}
