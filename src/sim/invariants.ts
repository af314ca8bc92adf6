// The invariants of DESIGN.md, checked against a simulated world. Safety (1) is checked on every
// vote and crowning, as it happens, against everything decided earlier in the run: the checker
// keeps every crowning, as (hive, term, queen), and every vote for the whole run (a simulated run
// is bounded), across deaths and reloads (a reloaded bee keeps its id); whom bees followed is
// judged once the run is over. Liveness (2, 3) and delivery (4) are checked once faults stopped.

import { certifies, type Notary } from '../hive/certificate';
import type { Membership } from '../hive/membership';
import type { Effect } from '../hive/protocol';
import { simNotary } from './notary';
import { courtReach } from './reach';
import type { SimBee, World } from './world';

export interface Violation {
  invariant: 1 | 2 | 3 | 4;
  at: number;
  detail: string;
}

type RoleChanged = Extract<Effect, { type: 'roleChanged' }>;

interface Crowning {
  queen: string;
  at: number;
}

interface Vote {
  candidate: string;
  /** Which life of the bee cast it (SimBee.lives): a second vote after a reload says so. */
  life: number;
}

/** A bee following a queen whose crowning the checker has not seen (yet). */
interface Follow {
  bee: string;
  queen: string;
  reign: string;
  at: number;
}

/** A reign as roleChanged names it: the hive, and the term its queen reigns in. */
const reignOf = (effect: RoleChanged): string => `hive ${effect.hive} in term ${effect.reign}`;

export class InvariantChecker {
  readonly violations: Violation[] = [];
  /** bee → term → the vote it cast, over all its lives. */
  private readonly votes = new Map<string, Map<number, Vote>>();
  /** reign → the first queen crowned to it. */
  private readonly crownings = new Map<string, Crowning>();
  /** Follows of a queen in a reign she was not (yet) crowned to, by `reign queen`; whatever is left at the end never verified. */
  private readonly unverified = new Map<string, Follow[]>();

  /** Checks seals as any bee would, whatever rules the world's bees run by. */
  private readonly notary: Notary;

  constructor(private readonly world: World) {
    this.notary = simNotary('', world.notaryKey);
    world.observer = (bee, effect, now) => {
      if (effect.type === 'persist') this.onPersist(bee, effect.votedFor, effect.membership, now);
      if (effect.type === 'persist') this.onVote(bee, effect.term, effect.votedFor, now);
      else if (bee.observer) this.fail(1, now, `observer ${bee.id} became ${effect.role}`);
      else if (effect.role === 'queen') this.onCrowned(bee, effect, now);
      else if (effect.role === 'worker' && effect.queen !== null) this.onFollow(bee, effect, now);
    };
  }

  /** An observer votes for nobody and no hive's membership counts it, whoever stores that membership. */
  private onPersist(bee: SimBee, votedFor: string | null, membership: Membership | null, now: number): void {
    if (bee.observer && votedFor !== null) this.fail(1, now, `observer ${bee.id} voted for ${votedFor}`);
    const counted = membership?.members.find((member) => this.world.bees.get(member)?.observer);
    if (counted !== undefined) this.fail(1, now, `observer ${counted} is a member of hive ${membership!.hive} (stored by ${bee.id})`);
  }

  /** One vote per bee and term, whichever life cast it: a reload restarts from the disk, never from scratch. */
  private onVote(bee: SimBee, term: number, votedFor: string | null, now: number): void {
    if (votedFor === null) return;
    let terms = this.votes.get(bee.id);
    if (!terms) this.votes.set(bee.id, (terms = new Map()));
    const earlier = terms.get(term);
    if (earlier === undefined) terms.set(term, { candidate: votedFor, life: bee.lives });
    else if (earlier.candidate !== votedFor) {
      const lives = earlier.life === bee.lives ? '' : ` (life ${earlier.life}, then life ${bee.lives} after a reload)`;
      this.fail(1, now, `${bee.id} voted for ${earlier.candidate} and ${votedFor} in term ${term}${lives}`);
      // Flagged once: the second vote, written again with a membership, is the same offence.
      terms.set(term, { candidate: votedFor, life: bee.lives });
    }
  }

  /**
   * At most one queen per hive and reign, over the whole run: dead, deposed, elected or bred; and
   * each crowned with a certificate that verifies by the protocol's own rules (the ballots of a
   * majority of her members, or her mother's split), whatever rules the bees were made to run by.
   */
  private onCrowned(bee: SimBee, effect: RoleChanged, now: number): void {
    const reign = reignOf(effect);
    const claim = bee.protocol.claim();
    const certified = claim !== null && claim.membership.hive === effect.hive && claim.term === effect.reign && certifies(bee.id, claim, this.notary);
    if (!certified) this.fail(1, now, `${bee.id} was crowned queen of ${reign} without a certificate that verifies`);
    const first = this.crownings.get(reign);
    if (!first) this.crownings.set(reign, { queen: bee.id, at: now });
    else if (first.queen !== bee.id) this.fail(1, now, `${first.queen} (crowned at ${first.at} ms) and ${bee.id} are both queen of ${reign}`);
    this.unverified.delete(`${reign} ${bee.id}`);
  }

  /**
   * A worker follows only a queen crowned to the reign it follows her in (her certificate is
   * what crowned her). Movers follow a bred heir on her mother's word before the heir hears she
   * was bred, so this is judged at the end, by checkFollowedQueens().
   */
  private onFollow(bee: SimBee, effect: RoleChanged, now: number): void {
    const queen = effect.queen as string;
    const reign = reignOf(effect);
    if (this.crownings.get(reign)?.queen === queen) return;
    const key = `${reign} ${queen}`;
    let waiting = this.unverified.get(key);
    if (!waiting) this.unverified.set(key, (waiting = []));
    waiting.push({ bee: bee.id, queen, reign, at: now });
  }

  /** Invariant 1, last clause, once the run is over: every queen a bee followed was crowned where it followed her. */
  checkFollowedQueens(): void {
    for (const follows of this.unverified.values()) {
      for (const follow of follows) {
        this.fail(1, follow.at, `${follow.bee} follows ${follow.queen}, whose certificate does not verify: never crowned queen of ${follow.reign}`);
      }
    }
    this.unverified.clear();
  }

  /**
   * Invariants 2 and 3 once faults have stopped: every live bee follows exactly one live queen
   * (or is one) and that queen counts it among her workers; no queen is over capacity; the
   * queens reach each other through the court. Every simulated bee is honest, so none may have
   * been evicted or shut out: invariant 2 exempts evicted bees, and a false eviction would hide there.
   */
  checkSettled(capacity: number): void {
    // Observers watch: they are in no hive, by design.
    const live = this.world.liveIds().map((id) => this.world.bees.get(id) as SimBee).filter((bee) => !bee.observer);
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
    const reached = courtReach(queens);
    if (reached < queens.size) this.fail(2, this.world.now, `the court is split: ${reached} of ${queens.size} queens reach each other`);
  }

  /**
   * Invariant 4: every acknowledged message reached its target once; no bee got anything twice.
   * A sender that died, or reloaded before its message settled (`life` is the page that sent it),
   * lost it with the page: the simulator keeps no outbox.
   */
  checkDelivery(sent: { from: string; to: string; body: string; ref: number; life?: number }[]): void {
    for (const message of sent) {
      const sender = this.world.bees.get(message.from) as SimBee;
      const settled = sender.settled.find((s) => s.ref === message.ref);
      if (!sender.alive) continue;
      const outboxLost = message.life !== undefined && message.life !== sender.lives;
      if (!settled && !outboxLost) this.fail(4, this.world.now, `message ${message.ref} from ${message.from} never settled`);
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
