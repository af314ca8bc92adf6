// The invariants of DESIGN.md, checked against a simulated world. Safety (1) is checked on every
// decision a bee makes, as it happens; liveness (2) and delivery (4) once faults have stopped.

import type { SimBee, World } from './world';

export interface Violation {
  invariant: 1 | 2 | 4;
  at: number;
  detail: string;
}

export class InvariantChecker {
  readonly violations: Violation[] = [];
  /** bee → term → the candidate it voted for. */
  private readonly votes = new Map<string, Map<number, string>>();
  /** term → bees crowned in it. */
  private readonly queensByTerm = new Map<number, Set<string>>();

  constructor(private readonly world: World) {
    world.observer = (bee, effect, now) => {
      if (effect.type === 'persist') this.onVote(bee, effect.term, effect.votedFor, now);
      else if (effect.role === 'queen') this.onCrowned(bee, effect.term, now);
    };
  }

  private onVote(bee: SimBee, term: number, votedFor: string | null, now: number): void {
    if (votedFor === null) return;
    let terms = this.votes.get(bee.id);
    if (!terms) this.votes.set(bee.id, (terms = new Map()));
    const earlier = terms.get(term);
    if (earlier !== undefined && earlier !== votedFor) {
      this.fail(1, now, `${bee.id} voted for ${earlier} and ${votedFor} in term ${term}`);
    }
    terms.set(term, votedFor);
  }

  private onCrowned(bee: SimBee, term: number, now: number): void {
    let queens = this.queensByTerm.get(term);
    if (!queens) this.queensByTerm.set(term, (queens = new Set()));
    for (const other of queens) {
      // Parts of the colony that no longer know of each other (a partition outlasting the
      // roster timeout) are separate hives, and each may crown a queen. Two reigning queens of
      // one term where either counts the other as a member of her colony share one hive.
      const rival = this.world.bees.get(other);
      if (other === bee.id || !rival?.alive || rival.role !== 'queen' || rival.term !== term) continue;
      // Rosters only for a rival queen: a snapshot sorts the whole roster.
      if (bee.protocol.snapshot().roster.includes(other) || rival.protocol.snapshot().roster.includes(bee.id)) {
        this.fail(1, now, `${other} and ${bee.id} are both queen of term ${term} in one hive`);
      }
    }
    queens.add(bee.id);
  }

  /** Invariant 2 for a colony within one queen's capacity: one live queen, followed by all. */
  checkSettled(): void {
    const live = this.world.liveIds().map((id) => this.world.bees.get(id) as SimBee);
    const queens = live.filter((bee) => bee.role === 'queen').map((bee) => bee.id);
    if (queens.length !== 1) {
      this.fail(2, this.world.now, `expected one queen among ${live.length} live bees, found ${queens.length}${queens.length > 0 ? `: ${queens.join(', ')}` : ''}`);
      return;
    }
    const unattached = live.filter((bee) => bee.queen !== queens[0]);
    if (unattached.length > 0) {
      this.fail(2, this.world.now, `${unattached.length} bees do not follow queen ${queens[0]}: ${unattached.map((b) => b.id).join(', ')}`);
    }
  }

  /** Invariant 4: every acknowledged message reached its target once; no bee got anything twice. */
  checkDelivery(sent: { from: string; to: string; body: string; ref: number }[]): void {
    for (const message of sent) {
      const sender = this.world.bees.get(message.from) as SimBee;
      const settled = sender.settled.find((s) => s.ref === message.ref);
      if (!sender.alive) continue;
      if (!settled) this.fail(4, this.world.now, `message ${message.ref} from ${message.from} never settled`);
      const target = this.world.bees.get(message.to) as SimBee;
      const copies = target.inbox.filter((m) => m.body === message.body).length;
      if (settled?.ok && copies !== 1) this.fail(4, this.world.now, `acknowledged message ${message.ref} delivered ${copies} times`);
      if (copies > 1) this.fail(4, this.world.now, `message ${message.ref} delivered ${copies} times`);
    }
  }

  private fail(invariant: Violation['invariant'], at: number, detail: string): void {
    this.violations.push({ invariant, at, detail });
  }
}
