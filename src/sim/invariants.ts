// The invariants of DESIGN.md, checked against a simulated world. Safety (1) is checked on every
// vote and crowning, as it happens, against everything decided earlier in the run: the checker
// keeps every crowning and every vote for the whole run (a simulated run is bounded), across
// deaths and reloads (a reloaded bee keeps its id); whom bees followed is judged once the run is
// over. Liveness (2, 3) and delivery (4) are checked once faults have stopped.

import type { Effect } from '../hive/protocol';
import type { SimBee, World } from './world';

export interface Violation {
  invariant: 1 | 2 | 3 | 4;
  at: number;
  detail: string;
}

type RoleChanged = Extract<Effect, { type: 'roleChanged' }>;

/** The hive and reign a roleChanged effect places its bee in, as far as the effect says. */
interface Place {
  /** The hive it reigns over or belongs to; undefined when the effect does not say. */
  hive: string | undefined;
  /** The term of the queen it follows (its own term as queen); undefined when the effect does not say. */
  reign: number | undefined;
}

/**
 * The one place that reads a crowning's key off an effect. The core is growing `hive` and
 * `reign` fields on roleChanged; until it has them, a queen's reign is her own term (exact: she
 * reigns in the term she announces), her hive is inferred by the checker, and a worker's reign is
 * unknown (today a worker announces its own term, which is not its queen's).
 */
function placeOf(effect: RoleChanged): Place {
  const { hive, reign } = effect as RoleChanged & { hive?: string | null; reign?: number };
  return { hive: hive ?? undefined, reign: reign ?? (effect.role === 'queen' ? effect.term : undefined) };
}

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
  place: string;
  at: number;
}

export class InvariantChecker {
  readonly violations: Violation[] = [];
  /** bee → term → the vote it cast, over all its lives. */
  private readonly votes = new Map<string, Map<number, Vote>>();
  /** `hive#reign` → the first queen crowned there. */
  private readonly crownings = new Map<string, Crowning>();
  /** Crowns as a follower may name them: `hive#reign#queen` when exact, `queen` always. */
  private readonly crowns = new Set<string>();
  /** Follows that named a crown not yet seen, by that crown; whatever is left at the end never verified. */
  private readonly unverified = new Map<string, Follow[]>();
  /**
   * For hive ids the effects do not carry yet: the queen each bee last belonged to in its present
   * life (itself once crowned), and the hive each queen was last crowned over.
   */
  private readonly lastQueen = new Map<string, string>();
  private readonly hiveOfQueen = new Map<string, string>();
  /** New hives inferred so far: each is named after its first queen and numbered (a queen may found several). */
  private hivesFounded = 0;
  /** The term each bee campaigns in: from its vote for itself until it is crowned (won) or follows a queen (lost). */
  private readonly campaigning = new Map<string, number>();
  private readonly lifeOf = new Map<string, number>();

  constructor(private readonly world: World) {
    world.observer = (bee, effect, now) => {
      this.notice(bee);
      if (effect.type === 'persist') this.onVote(bee, effect.term, effect.votedFor, now);
      else if (effect.role === 'queen') this.onCrowned(bee, effect, now);
      else if (effect.role === 'worker' && effect.queen !== null) this.onFollow(bee, effect, now);
    };
  }

  /** A reloaded bee starts a new life: it has forgotten the hive it belonged to (today's core keeps no membership on disk). */
  private notice(bee: SimBee): void {
    if (this.lifeOf.get(bee.id) === bee.lives) return;
    this.lifeOf.set(bee.id, bee.lives);
    this.lastQueen.delete(bee.id);
  }

  /** One vote per bee and term, whichever life cast it: a reload restarts from the disk, never from scratch. */
  private onVote(bee: SimBee, term: number, votedFor: string | null, now: number): void {
    if (votedFor === null) return;
    let terms = this.votes.get(bee.id);
    if (!terms) this.votes.set(bee.id, (terms = new Map()));
    const earlier = terms.get(term);
    if (earlier === undefined) {
      terms.set(term, { candidate: votedFor, life: bee.lives });
      if (votedFor === bee.id) this.campaigning.set(bee.id, term);
    } else if (earlier.candidate !== votedFor) {
      const lives = earlier.life === bee.lives ? '' : ` (life ${earlier.life}, then life ${bee.lives} after a reload)`;
      this.fail(1, now, `${bee.id} voted for ${earlier.candidate} and ${votedFor} in term ${term}${lives}`);
    }
  }

  /** At most one queen per hive and reign, over the whole run: dead, deposed, elected or bred. */
  private onCrowned(bee: SimBee, effect: RoleChanged, now: number): void {
    const place = placeOf(effect);
    const hive = place.hive ?? this.inferHive(bee.id, effect.term);
    const reign = place.reign ?? effect.term;
    const key = `${hive}#${reign}`;
    const first = this.crownings.get(key);
    if (!first) this.crownings.set(key, { queen: bee.id, at: now });
    else if (first.queen !== bee.id) {
      this.fail(1, now, `${first.queen} (crowned at ${first.at} ms) and ${bee.id} are both queen of hive ${hive} in term ${reign}`);
    }
    this.lastQueen.set(bee.id, bee.id);
    this.hiveOfQueen.set(bee.id, hive);
    this.campaigning.delete(bee.id);
    for (const crown of [`${key}#${bee.id}`, bee.id]) {
      this.crowns.add(crown);
      this.unverified.delete(crown);
    }
  }

  /**
   * Today's hive ids, inferred from what bees did, since today's roleChanged does not name the
   * hive. A queen who won a vote for herself succeeds the hive of the queen she last belonged to
   * (her election's `hive` in today's core), so a hive keeps its id across successions. A bred
   * heir (crowned with no campaign of her own open in that term) or a founder that belonged to no
   * hive in this life reigns over a new hive, named after her and numbered. Exact once
   * roleChanged carries `hive`. It may err on an orphan that gave up on its hive (after
   * missingVoterMs): the core lets it found a new one, here it succeeds its old hive.
   * Not one colony-wide hive told apart by shared workers: a bred heir shares her mother's term
   * and takes her workers, and a small hive's workers move to a queen that may share its term;
   * over seeds 1..300 that flagged about 220 such legitimate pairs.
   */
  private inferHive(queen: string, term: number): string {
    const elected = this.campaigning.get(queen) === term;
    const former = elected ? this.lastQueen.get(queen) : undefined;
    if (former === undefined) return `${queen}~${++this.hivesFounded}`;
    return this.hiveOfQueen.get(former) ?? former;
  }

  /**
   * A worker follows only a crowned queen. Certificates are approximated by crownings: the queen
   * must be crowned in that hive and reign (or, while effects do not say which, at all) at some
   * point of the run. A bred heir may be followed before she hears she was bred (her mother's
   * split is her certificate), so this is judged at the end, by checkFollowedQueens().
   */
  private onFollow(bee: SimBee, effect: RoleChanged, now: number): void {
    const queen = effect.queen as string;
    this.lastQueen.set(bee.id, queen);
    this.campaigning.delete(bee.id);
    const { hive, reign } = placeOf(effect);
    const exact = hive !== undefined && reign !== undefined;
    const crown = exact ? `${hive}#${reign}#${queen}` : queen;
    if (this.crowns.has(crown)) return;
    const place = exact ? `hive ${hive} in term ${reign}` : 'any hive or term';
    let waiting = this.unverified.get(crown);
    if (!waiting) this.unverified.set(crown, (waiting = []));
    waiting.push({ bee: bee.id, queen, place, at: now });
  }

  /** Invariant 1, last clause, once the run is over: every queen a bee followed was crowned where it followed her. */
  checkFollowedQueens(): void {
    for (const follows of this.unverified.values()) {
      for (const follow of follows) {
        this.fail(1, follow.at, `${follow.bee} follows ${follow.queen}, whose certificate does not verify: never crowned in ${follow.place}`);
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
