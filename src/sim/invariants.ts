// The invariants of DESIGN.md, checked against a simulated world. Safety (1) is checked on every
// decision a bee makes, as it happens; liveness (2) and delivery (4) once faults have stopped.

import type { SimBee, World } from './world';

export interface Violation {
  invariant: 1 | 2 | 3 | 4;
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
    // A queen her mother bred owes her throne to that split, not to votes: her hive is new, and
    // workers moving to her may briefly still be counted by their old queen.
    if (!this.elected(bee.id, term)) return;
    let queens = this.queensByTerm.get(term);
    if (!queens) this.queensByTerm.set(term, (queens = new Set()));
    for (const other of queens) {
      // Several hives may each crown a queen in one term (their voters are different bees). Two
      // reigning queens of one term that each count the other as a worker share one hive.
      const rival = this.world.bees.get(other);
      if (other === bee.id || !rival?.alive || rival.role !== 'queen' || rival.term !== term || !this.elected(other, term)) continue;
      const mine = bee.protocol.hiveView().workers;
      const theirs = rival.protocol.hiveView().workers;
      const shared = mine.filter((worker) => theirs.includes(worker));
      if (shared.length > 0) this.fail(1, now, `${other} and ${bee.id} are both queen of term ${term} over ${shared.join(', ')}`);
    }
    queens.add(bee.id);
  }

  /** Whether `bee` campaigned in `term` (voted for itself), rather than being bred a queen. */
  private elected(bee: string, term: number): boolean {
    return this.votes.get(bee)?.get(term) === bee;
  }

  /**
   * Invariants 2 and 3 once faults have stopped: every live bee follows exactly one live queen
   * (or is one) and that queen counts it among her workers; no queen is over capacity; the
   * queens reach each other through the court. Every simulated bee is honest, so none may have
   * been evicted or shut out: invariant 2 exempts evicted bees, and a false eviction would hide there.
   */
  checkSettled(capacity: number): void {
    const live = this.world.liveIds().map((id) => this.world.bees.get(id) as SimBee);
    for (const bee of live) {
      const { condemned, evicted } = bee.protocol.conduct();
      const offences = Object.entries(condemned).filter(([, count]) => count > 0);
      if (offences.length > 0 || evicted) {
        this.fail(2, this.world.now, `honest bee ${bee.id} condemned ${offences.map(([o, n]) => `${n} for ${o}`).join(', ') || 'nobody'}${evicted ? `, was evicted for ${evicted.offence}` : ''}`);
      }
    }
    const queens = new Map(live.filter((bee) => bee.role === 'queen').map((bee) => [bee.id, bee.protocol.hiveView()]));
    if (queens.size === 0) {
      this.fail(2, this.world.now, `no queen among ${live.length} live bees`);
      return;
    }
    const unattached = live.filter((bee) => bee.role !== 'queen' && (bee.queen === null || !queens.get(bee.queen)?.workers.includes(bee.id)));
    if (unattached.length > 0) {
      this.fail(2, this.world.now, `${unattached.length} bees are not workers of a live queen: ${unattached.slice(0, 10).map((b) => `${b.id}→${b.queen}`).join(', ')}`);
    }
    for (const [queen, snapshot] of queens) {
      if (snapshot.workers.length > capacity) this.fail(3, this.world.now, `queen ${queen} has ${snapshot.workers.length} workers, capacity ${capacity}`);
    }
    const first = queens.keys().next().value as string;
    const reached = new Set([first]);
    for (const frontier = [first]; frontier.length > 0; ) {
      for (const next of queens.get(frontier.pop() as string)?.court ?? []) {
        if (queens.has(next) && !reached.has(next)) reached.add(next), frontier.push(next);
      }
    }
    if (reached.size < queens.size) this.fail(2, this.world.now, `the court is split: ${reached.size} of ${queens.size} queens reach each other`);
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
