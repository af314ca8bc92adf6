// Where a bee stands: its role, its term and vote, the queen it follows and her reign, and the
// membership of its hive. Everything here that safety depends on (term, vote, membership) is
// written through one rule: change it, then persist it before any frame that follows leaves.

import type { Seal } from './certificate';
import type { Effects, Restored } from './events';
import type { Membership } from './membership';
import { Pulse } from './pulse';

export type Duty = 'worker' | 'candidate' | 'queen' | 'observer';

export class Standing {
  duty: Duty = 'worker';
  /** This bee's own term: it votes at most once in each, and terms only grow. */
  term: number;
  votedFor: string | null;
  /** The committed membership of its hive this bee stored last, and who proposed it. */
  membership: Membership | null;
  seal: Seal | null;
  /** The queen it follows (itself as queen), her hive, and the term she reigns in. */
  queen: string | null = null;
  hive: string | null = null;
  reign = 0;
  /** The worker its queen would hand her hive to, as two of her heartbeats in a row name it (null: none named). */
  heir: string | null = null;
  /** The heir her last heartbeat named. */
  named: string | null = null;
  /** When the queen was last heard from, and the rhythm of her heartbeats (how long her silence may last). */
  heardAt = 0;
  /** When it began to follow this queen. */
  followedAt = Number.NaN;
  pulse = new Pulse();
  /** The queen it followed until she was lost, and when: her orphans still trust her word. */
  formerQueen: string | null = null;
  orphanedAt = Number.NaN;
  /** A hive its queen moved it out of: it still answers her membership changes, as one who left. */
  left: { hive: string; queen: string } | null = null;

  constructor(
    private readonly fx: Effects,
    restored: Restored,
  ) {
    this.term = restored.term;
    this.votedFor = restored.votedFor;
    this.membership = restored.membership ?? null;
    this.seal = restored.seal ?? null;
  }

  /** A later term: the vote of the earlier one is spent. Terms never go back. */
  enterTerm(term: number): void {
    if (term <= this.term) return;
    this.term = term;
    this.votedFor = null;
    this.persist();
  }

  vote(candidate: string): void {
    this.votedFor = candidate;
    this.persist();
  }

  store(membership: Membership | null, seal: Seal | null): void {
    this.membership = membership;
    this.seal = membership === null ? null : seal;
    this.persist();
  }

  /** Whether this bee is a member of the hive of its current queen (or of the hive it lost). */
  get inHive(): boolean {
    return this.membership !== null;
  }

  private persist(): void {
    this.fx.push({ type: 'persist', term: this.term, votedFor: this.votedFor, membership: this.membership, seal: this.seal });
  }
}
