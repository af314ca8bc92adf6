// A queen's reign: she claims her throne with her certificate, keeps her hive's membership
// committed (joins, silent members removed, one change at a time), keeps the court linked,
// breeds a new queen when over capacity and moves a small hive into a bigger one.

import type { Claim, Notary } from './certificate';
import { contacts, missingContacts } from './court-table';
import { ADDRESS_RENEW_MS } from './directory';
import type { Counters, HiveConfig } from './events';
import { MAX_HIVE_WORKERS, MAX_HOPS, type HiveEntry, type Payload } from './frames';
import { chooseHeir } from './election';
import { mergeTarget, overloaded, planBreeding, sameList, type HiveMap } from './hives';
import type { LinkState, Links } from './links';
import { compareVersions, founding, isMember, nextVersion, type Membership } from './membership';
import { MembershipChanges } from './membership-changes';
import type { Rng } from './rng';
import type { Router } from './routing';
import type { Standing } from './standing';

/** Beats a new queen calls a member of her hive by name before giving up on it. */
const SUMMONS = 10;
/** Beats a queen's relay load must stay over her limit before she breeds for it. */
export const RELAY_LOAD_BEATS = 4;

/** What a reign needs from the rest of the bee. */
export interface Court {
  readonly self: string;
  readonly config: HiveConfig;
  readonly rng: Rng;
  readonly notary: Notary;
  readonly links: Links;
  readonly hives: HiveMap;
  readonly router: Router;
  readonly standing: Standing;
  readonly counters: Counters;
  /** The queen steps down and joins the hive of `queen` (a merge). */
  joinHive(queen: string, now: number): void;
}

export class Reign {
  private readonly changes: MembershipChanges;
  /** Members that do not follow her yet, and how many more beats she calls them. */
  private readonly summoned = new Map<string, number>();
  private claimFlooded = false;
  /** No split or merge before this (the last one is still settling). */
  private settledAt: number;
  /** When the members were last asked to store the change in flight. */
  private askedAt = -Infinity;
  /** Her workers as her heartbeats last listed them (entry()). */
  private listed: string[] = [];
  /** The workers whose addresses she last told their homes, and when. */
  private told = '';
  private toldAt = -Infinity;
  /** When each member was last heard on a link: a member silent too long is removed. */
  private readonly heardAt = new Map<string, number>();
  /** Members whose own heartbeats named another hive, even on a link since closed. */
  private readonly gone = new Set<string>();
  /** Heirs she bred whose heartbeats still say they follow her, the breed and how many beats more she sends it. */
  private readonly broods = new Map<string, { breed: Extract<Payload, { k: 'breed' }>; left: number }>();
  /** A bred queen's: the hive she was bred from, and until when her members may still name it (their move is on its way). */
  private readonly origin: { hive: string; until: number } | null;
  /** The worker she would hand her hive to, named in her heartbeats (gossip.ts); chosen again every beat. */
  heir: string | null = null;

  constructor(
    private readonly court: Court,
    readonly claim: Claim,
    now: number,
  ) {
    const { standing, self } = court;
    this.changes = new MembershipChanges(self, claim.membership);
    for (const bee of claim.membership.members) {
      this.heardAt.set(bee, now);
      if (bee !== self) this.summoned.set(bee, SUMMONS);
    }
    this.settledAt = now + court.config.hiveSettleMs;
    const left = standing.left;
    this.origin = claim.authority.by === 'split' && left !== null ? { hive: left.hive, until: this.settledAt } : null;
    // Her first change restamps the membership in her own term: a version an older queen
    // proposed but never committed can then never win against hers (Raft's rule that a new
    // leader commits an entry of her own term before she changes the configuration).
    this.propose(nextVersion(claim.membership, standing.reign, claim.membership.members), now);
  }

  get hive(): string {
    return this.claim.membership.hive;
  }

  /**
   * Her hive as she describes it in heartbeats, stamped with her clock. Her list of workers stays
   * the same array while they do: bees that keep it (a simulator's, where frames are not copied)
   * then hold one list between them, and see at a glance that it has not changed.
   */
  entry(now: number, workers: string[]): HiveEntry {
    if (!sameList(workers, this.listed)) this.listed = workers;
    return { queen: this.court.self, hive: this.hive, beat: now, term: this.court.standing.reign, size: workers.length, workers: this.listed };
  }

  /** One beat of her reign (her heartbeat has gone out, naming the heir: nameHeir first). */
  onBeat(now: number, workers: string[], relayRates: readonly number[]): void {
    this.claimThrone(now, workers);
    this.tendMembers(now, workers);
    this.rebreed(now);
    this.tendHive(now, workers, relayRates);
    this.tellAddresses(now, workers);
  }

  /**
   * Sends a breed again, once a beat, to an heir whose heartbeats still say it follows her. Its
   * movers follow the heir on her word alone: were the breed lost on the way (a link that
   * failed), they would follow a queen never crowned until her silence orphaned them. The same
   * breed each time, so the hive the heir reigns over is the one they moved to.
   */
  private rebreed(now: number): void {
    const { links, router, self } = this.court;
    for (const [heir, brood] of this.broods) {
      if (links.get(heir)?.follows !== self || brood.left === 0) this.broods.delete(heir);
      else {
        brood.left--;
        router.originate(heir, brood.breed, now);
      }
    }
  }

  /**
   * Her heir: the fittest worker linked to her, among her members when any (only they can
   * campaign in her hive should she fall silent). Her workers link the heir while she is named,
   * so she keeps the one she named while it stays eligible and visible (or nobody is): bees that
   * started moments apart would otherwise trade places beat by beat, as heartbeats time them.
   */
  nameHeir(workers: string[]): void {
    const { links } = this.court;
    const members = this.changes.members();
    const linked = workers.filter((bee) => links.has(bee));
    const inHive = linked.filter((bee) => members.has(bee));
    const rivals = (inHive.length > 0 ? inHive : linked).map((id) => {
      const link = links.get(id) as LinkState;
      return { id, visible: link.visible, startedAt: link.startedAt };
    });
    const named = rivals.find((rival) => rival.id === this.heir);
    if (named !== undefined && (named.visible || !rivals.some((rival) => rival.visible))) return;
    this.heir = chooseHeir(rivals) ?? null;
  }

  /** Tells her workers' homes in the court that they work here: at once when they change, and every few seconds. */
  private tellAddresses(now: number, workers: string[]): void {
    const { self, hives, router } = this.court;
    const told = workers.join();
    if (told === this.told && now - this.toldAt < ADDRESS_RENEW_MS) return;
    this.told = told;
    this.toldAt = now;
    const byHome = new Map<string, string[]>();
    for (const worker of workers) {
      const home = hives.homeOf(worker);
      if (home !== self) byHome.set(home, [...(byHome.get(home) ?? []), worker]);
    }
    for (const [home, bees] of byHome) router.originate(home, { k: 'here', workers: bees }, now, MAX_HOPS);
  }

  /** A frame from `peer`: if it is a member, it is alive. */
  heard(peer: string, now: number): void {
    if (this.heardAt.has(peer)) this.heardAt.set(peer, now);
  }

  /** A member's heartbeat names the hive it works in: hers, or another (it left). */
  worksIn(peer: string, hive: string | null, now: number): void {
    if (!this.heardAt.has(peer)) return;
    // A member of a bred hive that still names the hive it was bred from has not had its move yet.
    const moving = this.origin !== null && hive === this.origin.hive && now < this.origin.until;
    if (hive === this.hive || moving) this.gone.delete(peer);
    else if (hive !== null) this.gone.add(peer);
  }

  /** A bee on a link that does not follow her: an egg, or a member that has not heard of her reign. */
  offerClaim(peer: string, link: LinkState, now: number): void {
    const stranger = link.follows === null || link.follows === undefined;
    const member = this.changes.members().has(peer) && link.follows !== this.court.self;
    if (!(stranger || member) || now - link.claimedAt < this.court.config.queenTimeoutMs) return;
    link.claimedAt = now;
    this.court.router.originate(peer, { k: 'queen', ...this.claim }, now);
  }

  /**
   * Whether `bee` is known to work in another hive: its heartbeats say so, or hive gossip lists
   * it under a queen of another hive (gossip of this hive's late queen still lists her workers).
   */
  private elsewhere(bee: string): boolean {
    const link = this.court.links.get(bee);
    if (link !== undefined && link.follows !== undefined) return link.hive !== this.hive && link.hive !== null;
    const queen = this.court.hives.queenOf(bee);
    return queen !== undefined && queen !== this.court.self && this.court.hives.get(queen)?.hive !== this.hive;
  }

  /**
   * A worker of hers says where it stands: one that has not stored the change in flight (it may
   * have heard of it before it heard of her) is asked again at once; one behind on the committed
   * membership (it missed a change) is sent it. At most once a beat per worker.
   */
  update(peer: string, link: LinkState, now: number): void {
    if (now - link.updatedAt < this.court.config.heartbeatIntervalMs) return;
    const { committed, committedSeal, pending, pendingSeal } = this.changes;
    let p: Extract<Payload, { k: 'members' }> | null = null;
    if (pending && pendingSeal && this.changes.waitingFor().includes(peer)) p = { k: 'members', membership: pending, seal: pendingSeal };
    else if (!pending && committedSeal && isMember(committed, peer) && this.behind(link)) p = { k: 'members', membership: committed, seal: committedSeal };
    if (!p) return;
    link.updatedAt = now;
    this.court.router.originate(peer, p, now);
  }

  /** Whether the worker on `link` is a member that said it holds the committed version (or a newer one). */
  current(peer: string, link: LinkState): boolean {
    return isMember(this.changes.committed, peer) && !this.behind(link);
  }

  /** Whether the bee on `link` said it holds a version older than the committed one (or none). */
  private behind(link: LinkState): boolean {
    const version = link.hiveVersion;
    return version === null || compareVersions({ term: version[0], epoch: version[1] }, this.changes.committed) < 0;
  }

  /** A bee stored a version of her membership. */
  onStored(bee: string, term: number, epoch: number, now: number, workers: string[]): void {
    if (!this.changes.stored(bee, term, epoch)) return;
    this.court.counters.commits++;
    this.tendMembers(now, workers);
  }

  /** Her hive's members: the committed ones and those the change in flight adds. */
  members(): Set<string> {
    return this.changes.members();
  }

  /**
   * A new queen floods her claim once, a few hops (eggs farther away learn of her hive from
   * gossip), then names it to each member that does not follow her yet.
   */
  private claimThrone(now: number, workers: string[]): void {
    const claim = { k: 'queen' as const, ...this.claim };
    // An elected queen's voters may be a few hops off. A bred one's members heard of her from
    // her mother, whose seal moved them, and link her: her links are told, the rest hear of her
    // hive in gossip. Two hops more from each of the hundreds of queens a crowd of eggs breeds
    // at once were 4 in 5 of a forming 10,000-bee colony's frames.
    const ttl = this.claim.authority.by === 'split' ? 0 : this.court.config.claimTtl;
    if (!this.claimFlooded) {
      this.claimFlooded = true;
      this.court.router.originate(null, claim, now, ttl);
    }
    const following = new Set(workers);
    const members = this.changes.members();
    for (const [bee, left] of this.summoned) {
      if (following.has(bee) || left === 0 || !members.has(bee) || this.elsewhere(bee)) this.summoned.delete(bee);
      else {
        this.summoned.set(bee, left - 1);
        // Members of her hive are near her (they linked her predecessor and each other): a short
        // flood finds them, where a colony-wide one per member per beat would drown a big colony.
        this.court.router.originate(bee, claim, now, ttl);
      }
    }
  }

  /**
   * Keeps the membership true, one committed change at a time: asks again whoever has not
   * stored the change in flight; otherwise removes a member that left (follows another queen)
   * or fell silent, or adds a worker that follows her without being a member yet.
   */
  private tendMembers(now: number, workers: string[]): void {
    const { links, router, self, config, counters } = this.court;
    for (const peer of links.open.keys()) this.heard(peer, now);
    const pending = this.changes.pending;
    if (pending) {
      // A member that left says so in its heartbeats: that is its answer (it votes here no more).
      for (const bee of this.changes.waitingFor()) {
        if (!this.hasLeft(bee) || !this.changes.stored(bee, pending.term, pending.epoch)) continue;
        counters.commits++;
        this.tendMembers(now, workers);
        return;
      }
      if (now - this.askedAt < config.heartbeatIntervalMs) return;
      this.askedAt = now;
      const p = { k: 'members' as const, membership: pending, seal: this.changes.pendingSeal! };
      // A member that follows her links her: the others hear of it when they do (update()). One
      // she has no link to may have moved to a hive she bred: she links it, and its heartbeat
      // says where it works now (without that, the change waited for good, hasLeft()).
      for (const bee of this.changes.waitingFor()) {
        if (links.has(bee)) router.originate(bee, p, now);
        else if (!links.busy(bee)) links.request(bee, now);
      }
      return;
    }
    const committed = this.changes.committed;
    const reign = this.court.standing.reign;
    // Members that left go in one change: they vote in this hive no more, so the majorities of
    // the old and the new membership are drawn from the same voters (docs/protocol.md).
    const left = committed.members.filter((bee) => bee !== self && this.hasLeft(bee));
    if (left.length > 0) {
      this.propose(nextVersion(committed, reign, committed.members.filter((bee) => !left.includes(bee))), now);
      return;
    }
    // A silent member may be alive behind a partition: one at a time.
    const silent = committed.members.find((bee) => bee !== self && now - (this.heardAt.get(bee) ?? now) > config.memberTimeoutMs);
    if (silent !== undefined) {
      this.propose(nextVersion(committed, reign, committed.members.filter((bee) => bee !== silent)), now);
      return;
    }
    if (committed.members.length > MAX_HIVE_WORKERS) return;
    const joiner = workers.find((bee) => !isMember(committed, bee));
    if (joiner !== undefined) this.propose(nextVersion(committed, reign, [...committed.members, joiner]), now);
  }

  /**
   * Whether `bee` said in its own heartbeats that it belongs to another hive. A member that names
   * no hive may not have heard of her yet (a founding member before her claim reaches it), and
   * one that names this hive is hers: both stay until they fall silent.
   */
  private hasLeft(bee: string): boolean {
    return this.gone.has(bee);
  }

  private propose(membership: Membership, now: number): void {
    const { notary, standing, router, self } = this.court;
    const seal = notary.seal({ k: 'membership', membership });
    standing.store(membership, seal);
    this.changes.propose(membership, seal);
    this.askedAt = now;
    for (const bee of membership.members) if (!this.heardAt.has(bee)) this.heardAt.set(bee, now);
    const p = { k: 'members' as const, membership, seal };
    // Over her links only: a member that is not linked to her hears of it when it links (update()).
    for (const bee of this.changes.waitingFor()) if (bee !== self && this.court.links.has(bee)) router.originate(bee, p, now);
  }

  /**
   * Her court links: one queen in every bucket of the court table, then a few more, chosen at
   * random so that no queen (the oldest, say) is everyone's, for when some fall silent. Past that
   * she closes the court links she asked for and no longer needs (those others asked for are
   * theirs to close: were she to close them, they would ask again).
   */
  private keepCourt(now: number): void {
    const { links, hives, config, rng, self } = this.court;
    const court = links.queens();
    const missing = missingContacts(self, hives.values(), court, (queen) => links.busy(queen));
    for (const queen of missing) links.request(queen, now);
    if (missing.length === 0 && court.length < config.courtLinks) {
      const spare = rng.pick(hives.queens().filter((queen) => !links.busy(queen)));
      if (spare !== undefined) links.request(spare, now);
    }
    const needed = new Set(contacts(self, court).values());
    let excess = court.length - config.courtLinks;
    for (const queen of court) {
      if (excess <= 0) break;
      if (needed.has(queen) || !links.get(queen)?.asked) continue;
      links.drop(queen);
      excess--;
    }
  }

  /**
   * A queen's care for her hive: keep the court linked, breed a new queen when over capacity,
   * and move a small hive into another one where both fit with room to spare.
   */
  private tendHive(now: number, workers: string[], relayRates: readonly number[]): void {
    const { links, hives, config, rng, notary, router, counters, self } = this.court;
    this.keepCourt(now);
    if (now < this.settledAt) return;
    const relayRate = relayRates.length < RELAY_LOAD_BEATS ? 0 : Math.min(...relayRates);
    if (overloaded({ workers: workers.length, capacity: config.capacity, relayRate, relayLimit: config.relayLimit })) {
      const fitness = new Map(workers.map((bee) => [bee, links.get(bee) as LinkState]));
      for (const brood of planBreeding(fitness, config.capacity, rng)) {
        // The heir's hive is new: a fresh id, so its terms can never collide with another's.
        const membership = founding(rng.hex(8), [brood.heir, ...brood.movers]);
        const breed = { k: 'breed' as const, membership, seal: notary.seal({ k: 'split', heir: brood.heir, membership }) };
        router.originate(brood.heir, breed, now);
        this.broods.set(brood.heir, { breed, left: SUMMONS });
        for (const mover of brood.movers) router.originate(mover, { k: 'move', to: brood.heir, membership, seal: breed.seal }, now);
        counters.splits++;
      }
      this.settledAt = now + config.hiveSettleMs;
      return;
    }
    const target = mergeTarget(self, workers.length, hives.values(), config.capacity);
    if (target === undefined) return;
    for (const worker of workers) router.originate(worker, { k: 'move', to: target, membership: null, seal: null }, now);
    counters.merges++;
    this.court.joinHive(target, now);
  }
}
