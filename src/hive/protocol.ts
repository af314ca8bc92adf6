// One bee's protocol as a state machine: `step(event, now)` returns the effects the driver must
// carry out. No timers, sockets, clocks or storage in here — time arrives as `now` and as `tick`
// events, randomness from the injected Rng, signatures from the injected Notary — so the
// simulator runs thousands of these and replays any run from its seed. This file dispatches
// events and holds the role changes (one place each); links, routing, delivery, upgrades,
// the queen's reign and the election rules live in their own modules. docs/protocol.md explains.

import { Campaign } from './campaign';
import { Verdicts, type Claim, type Notary, type Seal } from './certificate';
import { candidacyDelayMs, chooseSuccessor, ELECTION_RULES, judge, type ElectionRules, type Voter } from './election';
import { Postbox } from './delivery';
import { DEFAULT_CONFIG, Effects, noCounters, NOTHING_RESTORED, type Counters, type Effect, type HiveConfig, type HiveEvent, type Restored, type Role, type Snapshot } from './events';
import { Warden, type ConductSnapshot } from './eviction';
import { MAX_HIVE_ENTRIES, MAX_HIVE_WORKERS, type Envelope, type Frame, type Heartbeat, type HiveEntry, type Payload } from './frames';
import { HiveMap } from './hives';
import { Links, type LinkState } from './links';
import { compareVersions, founding, isMember, sameMembership, type Membership } from './membership';
import { Reign, RELAY_LOAD_BEATS } from './queen';
import type { Rng } from './rng';
import { ROTATING_DIGEST_ENTRIES, Roster } from './roster';
import { Router } from './routing';
import { Standing } from './standing';
import { Upgrades } from './upgrades';

export type { Counters, Delivered, Effect, HiveConfig, HiveEvent, Persisted, Restored, Role, Snapshot, Upgrade } from './events';
export { DEFAULT_CONFIG } from './events';

/** Rotation rounds without news of a bee (or a hive) before it is forgotten in a big colony. */
const ROSTER_TIMEOUT_ROUNDS = 4;
/** Queen timeouts an orphan waits for its hive's new queen before it joins another live hive. */
const ORPHAN_PATIENCE_ROUNDS = 3;
/** Hives a worker's heartbeat tells of (a queen's and an egg's: MAX_HIVE_ENTRIES). */
const WORKER_HIVE_ENTRIES = 8;
/** Roster entries a heartbeat carries from a bee in a hive: the news, not the census. */
const HIVE_DIGEST_ENTRIES = 24;
/** Queen timeouts an abdication may take before it is reported as failed. */
const ABDICATION_ROUNDS = 4;

export interface ProtocolOptions {
  config?: HiveConfig;
  /** The rules elections run by (the simulator breaks them on purpose to test its checker). */
  rules?: ElectionRules;
  restored?: Restored;
}

export class Protocol {
  private readonly config: HiveConfig;
  private readonly rules: ElectionRules;
  private readonly fx = new Effects();
  private readonly counters: Counters = noCounters();
  private readonly roster: Roster;
  private readonly hives: HiveMap;
  private readonly links: Links;
  private readonly router: Router;
  private readonly postbox: Postbox;
  private readonly upgrades: Upgrades;
  private readonly standing: Standing;
  private readonly warden: Warden;
  private readonly verdicts: Verdicts;
  /** Her reign, while this bee is queen. */
  private reign: Reign | null = null;
  /** Its candidacy, while this bee is a candidate. */
  private campaign: Campaign | null = null;
  /** When this bee campaigns if there is still no queen (NaN until the first tick). */
  private electionAt = Number.NaN;
  private abdication: { ref: number; until: number } | null = null;
  private visible = true;
  private startedAt = Number.NaN;
  private nextBeatAt = 0;
  private nextSampleAt = 0;
  private relayRate = 0;
  /** The relay rates of the last few beats: only a sustained load breeds (a flood is evicted first). */
  private readonly relayRates: number[] = [];
  private forwardedAtBeat = 0;
  private left = false;

  constructor(
    readonly id: string,
    private readonly rng: Rng,
    private readonly notary: Notary,
    options: ProtocolOptions = {},
  ) {
    const restored = options.restored ?? NOTHING_RESTORED;
    this.config = options.config ?? DEFAULT_CONFIG;
    this.rules = options.rules ?? ELECTION_RULES;
    this.roster = new Roster(id, this.config.rosterTimeoutMs, this.config.missingVoterMs);
    this.hives = new HiveMap(id);
    this.standing = new Standing(this.fx, restored);
    this.verdicts = new Verdicts((claimant, claim) => this.rules.certifies(claimant, claim, notary));
    this.warden = new Warden(
      {
        id,
        isQueen: () => this.standing.duty === 'queen',
        queen: () => this.standing.queen,
        formerQueen: () => this.standing.formerQueen,
        peers: () => this.links.open.keys(),
        announce: (to, p, now) => this.router.originate(to, p, now),
        cut: (peer) => this.links.has(peer) && this.links.drop(peer),
        forget: (bee, now) => this.forget(bee, now),
        banned: (ban) => this.fx.push({ type: 'banned', ban }),
        evicted: (ban) => this.fx.push({ type: 'evicted', ban }),
      },
      restored.bans,
    );
    this.links = new Links(id, this.config, rng, this.fx, (bee) => this.warden.isBanned(bee));
    this.router = new Router(id, this.config, rng, this.links, {
      isQueen: () => this.standing.duty === 'queen',
      queen: () => (this.standing.duty === 'queen' ? null : this.standing.queen),
      queenOf: (bee) => this.hives.queenOf(bee),
    }, this.fx, this.counters);
    this.postbox = new Postbox(id, this.config, rng, this.router, { links: () => this.links.size, known: () => this.roster.size }, this.fx, this.counters, restored.deliveredIds);
    this.upgrades = new Upgrades(id, this.links, this.fx, this.counters, restored.upgrade ?? null);
  }

  step(event: HiveEvent, now: number): Effect[] {
    if (this.left) return [];
    if (this.warden.evicted) {
      // An evicted bee takes part in nothing; links others open to it are closed at once.
      return event.type === 'linkOpen' ? [{ type: 'unlink', peer: event.peer }] : [];
    }
    if (Number.isNaN(this.startedAt)) this.startedAt = now;
    // What the UI shows, compared field by field after the event (this runs for every frame).
    const before = this.shown();
    switch (event.type) {
      case 'tick': this.onTick(now); break;
      case 'welcome': this.onWelcome(event.peers, now); break;
      case 'beeLeft': this.forget(event.bee, now); break;
      case 'linkOpen': this.onLinkOpen(event.peer, now); break;
      case 'linkClosed': this.links.closed(event.peer, now); break;
      case 'frame': this.onFrame(event.peer, event.frame, now); break;
      case 'malformed': this.counters.malformed++; this.warden.onLinkOffence(event.peer, 'malformed', now); break;
      case 'misconduct': this.warden.onLinkOffence(event.peer, event.offence, now); break;
      case 'send': this.postbox.submit(event.ref, event.to, event.body, now, event.msg); break;
      case 'broadcast': this.postbox.submit(event.ref, null, event.body, now, event.msg); break;
      case 'visibility': this.visible = event.visible; break;
      case 'abdicate': this.abdicate(event.ref, now); break;
      case 'signal': this.router.originate(event.to, { k: 'sig', data: event.data }, now); break;
      case 'seed': this.upgrades.adopt({ version: event.version, config: event.config, route: [this.id] }, this.whereabouts()); break;
      case 'leave': this.onLeave(now); break;
    }
    const after = this.shown();
    if (after.role !== before.role || after.term !== before.term || after.queen !== before.queen || after.hive !== before.hive || after.reign !== before.reign) {
      this.fx.push({ type: 'roleChanged', ...after });
    }
    return this.fx.take();
  }

  snapshot(): Snapshot {
    const workers = this.workers();
    return {
      id: this.id,
      role: this.publicRole(),
      term: this.standing.term,
      queen: this.standing.queen,
      hive: this.shown().hive,
      membership: this.standing.membership,
      workers,
      neighbours: [...this.links.open.keys()].sort(),
      roster: [this.id, ...this.roster.others()].sort(),
      queens: [...new Set([...(this.standing.queen ? [this.standing.queen] : []), ...this.hives.queens()])],
      hives: [...(this.reign ? [this.reign.entry(0, workers)] : []), ...this.hives.entries()],
      court: this.reign ? this.links.queens() : [],
      capacity: this.config.capacity,
      relayRate: this.relayRate,
      relayLimit: this.config.relayLimit,
      upgrade: this.upgrades.upgrade,
      counters: { ...this.counters },
      conduct: this.conduct(),
    };
  }

  /** A queen's workers and court, without the cost of a snapshot (it sorts the roster). */
  hiveView(): { workers: string[]; court: string[] } {
    return this.reign ? { workers: this.workers(), court: this.links.queens() } : { workers: [], court: [] };
  }

  /** A queen's claim to her throne, with its certificate (checkers verify it); null for any other bee. */
  claim(): Claim | null {
    return this.reign?.claim ?? null;
  }

  /** Whom this bee refuses, and why; whether it was evicted itself. */
  conduct(): ConductSnapshot {
    return this.warden.snapshot();
  }

  /** Whether this bee keeps `peer` out (evicted, or shut out for misconduct): links to it are refused before they open. */
  refuses(peer: string, now: number): boolean {
    return this.warden.refuses(peer, now);
  }

  private shown(): { role: Role; term: number; queen: string | null; hive: string | null; reign: number } {
    const { term, queen, hive, reign, membership } = this.standing;
    return { role: this.publicRole(), term, queen, hive: queen !== null ? hive : (membership?.hive ?? null), reign: queen !== null ? reign : 0 };
  }

  private publicRole(): Role {
    if (this.warden.evicted) return 'evicted';
    const { duty, queen } = this.standing;
    return duty === 'worker' && this.links.size === 0 && queen === null ? 'egg' : duty;
  }

  private workers(): string[] {
    return this.reign ? this.links.followers(this.id) : [];
  }

  private whereabouts(): { isQueen: boolean; queen: string | null } {
    return { isQueen: this.standing.duty === 'queen', queen: this.standing.queen };
  }

  // ---- roles: each is entered in one place ---------------------------------------------------

  /** Follows `queen`, of `hive`, reigning in `reign`: links to her and routes through her. */
  private becomeWorker(queen: string, hive: string, reign: number, now: number): void {
    const s = this.standing;
    s.enterTerm(reign);
    if (s.duty === 'candidate') this.electionAt = now + this.candidacyDelay(now);
    s.duty = 'worker';
    s.queen = queen;
    s.hive = hive;
    s.reign = reign;
    s.heardAt = now;
    s.formerQueen = null;
    s.orphanedAt = Number.NaN;
    this.campaign = null;
    this.reign = null;
    if (this.abdication && queen !== this.id) {
      this.fx.push({ type: 'settled', ref: this.abdication.ref, ok: true, route: [this.id, queen] });
      this.abdication = null;
    }
    this.links.request(queen, now);
    // Say so at once: the queen counts her workers by what their heartbeats say.
    this.announce(now);
  }

  /** Out of every hive: it joins one it hears of, or founds one with other eggs. */
  private becomeEgg(now: number): void {
    const s = this.standing;
    if (s.membership !== null) s.store(null, null);
    s.duty = 'worker';
    s.queen = null;
    s.hive = null;
    s.reign = 0;
    s.formerQueen = null;
    s.orphanedAt = Number.NaN;
    this.campaign = null;
    this.reign = null;
    this.electionAt = now + this.candidacyDelay(now);
  }

  private becomeCandidate(campaign: Campaign, now: number): void {
    this.standing.duty = 'candidate';
    this.campaign = campaign;
    this.electionAt = now + this.candidacyDelay(now);
    // Members all linked to us (eggs founding a hive of their neighbours) are asked over their
    // links; otherwise the request floods, once, for members we have no way to.
    const others = campaign.membership.members.filter((bee) => bee !== this.id);
    if (others.every((bee) => this.links.has(bee))) for (const bee of others) this.router.originate(bee, campaign.request(), now);
    else this.router.originate(null, campaign.request(), now);
  }

  private becomeQueen(claim: Claim, now: number): void {
    const s = this.standing;
    s.duty = 'queen';
    s.queen = this.id;
    s.hive = claim.membership.hive;
    s.reign = claim.term;
    s.formerQueen = null;
    s.orphanedAt = Number.NaN;
    this.campaign = null;
    this.reign = new Reign(this.court(), claim, now);
    // Claim the throne now, not a beat later: her hive waits for her word.
    this.onBeat(now);
  }

  /** A heartbeat to every link now, between beats: what this bee follows has just changed. */
  private announce(now: number): void {
    const beat = this.heartbeat(now);
    for (const peer of this.links.open.keys()) this.router.emit(peer, beat);
  }

  private court() {
    return {
      self: this.id, config: this.config, rng: this.rng, notary: this.notary, links: this.links, hives: this.hives,
      router: this.router, standing: this.standing, counters: this.counters,
      joinHive: (queen: string, now: number) => {
        this.becomeEgg(now);
        this.links.request(queen, now);
      },
    };
  }

  // ---- time ------------------------------------------------------------------------------

  private onTick(now: number): void {
    if (Number.isNaN(this.electionAt)) this.electionAt = now + this.candidacyDelay(now);
    if (now >= this.nextBeatAt) this.onBeat(now);
    // A queen, or a queenless bee, looks for parts of the colony it does not know (a healed
    // partition, a split mesh); a bee with no link at all needs fresh introductions anyway.
    if ((this.reign || this.standing.queen === null) && now >= this.nextSampleAt) {
      this.nextSampleAt = now + this.config.resampleIntervalMs;
      this.fx.push({ type: 'sample' });
    }
    for (const bee of this.roster.expire(now, this.rosterTimeout())) this.links.forget(bee);
    this.hives.expire(now, this.hiveTimeout());
    this.links.expire(now);
    this.links.keepNeighbours(this.roster.others(), now);
    if (!this.reign) this.watchQueen(now);
    this.postbox.onTick(now);
    if (this.abdication && now > this.abdication.until) {
      this.fx.push({ type: 'settled', ref: this.abdication.ref, ok: false, reason: 'no successor took the throne' });
      this.abdication = null;
    }
    this.warden.onTick(now);
    this.router.prune(now);
  }

  private onBeat(now: number): void {
    this.relayRate = Math.round(((this.counters.forwarded - this.forwardedAtBeat) * 1000) / this.config.heartbeatIntervalMs);
    this.relayRates.push(this.relayRate);
    if (this.relayRates.length > RELAY_LOAD_BEATS) this.relayRates.shift();
    this.forwardedAtBeat = this.counters.forwarded;
    this.nextBeatAt = now + this.config.heartbeatIntervalMs;
    this.announce(now);
    this.reign?.onBeat(now, this.workers(), this.relayRates);
  }

  /**
   * A big roster takes a while to rotate through a digest: each neighbour mentions a bee once
   * every size / ROTATING_DIGEST_ENTRIES beats. Wait a few such rounds before calling it gone;
   * small colonies keep the configured timeout.
   */
  private rosterTimeout(): number {
    const roundMs = (this.config.heartbeatIntervalMs * this.roster.size) / ROTATING_DIGEST_ENTRIES / Math.max(1, this.links.size);
    return Math.max(this.config.rosterTimeoutMs, ROSTER_TIMEOUT_ROUNDS * roundMs);
  }

  /** Like the roster's: hive news rotates through big colonies too. */
  private hiveTimeout(): number {
    const roundMs = (this.config.heartbeatIntervalMs * this.hives.size) / (MAX_HIVE_ENTRIES / 2) / Math.max(1, this.links.size);
    return Math.max(this.config.hiveTimeoutMs, ROSTER_TIMEOUT_ROUNDS * roundMs);
  }

  private heartbeat(now: number): Heartbeat {
    // Inside a hive the queen's heartbeats carry liveness, and hive gossip tells where every bee
    // works: a bee there passes on only roster news, not a colony-wide census. Queens (for the
    // court) and eggs (to find a hive) need the hive map most; a worker passes on a little of it.
    const { queen, term } = this.standing;
    const inHive = queen !== null;
    const worker = inHive && !this.reign;
    return {
      t: 'hb',
      digest: this.roster.digest(now, inHive ? HIVE_DIGEST_ENTRIES : undefined),
      hives: this.hives.digest(this.reign ? this.reign.entry(now, this.workers()) : null, worker ? WORKER_HIVE_ENTRIES : MAX_HIVE_ENTRIES),
      term,
      queen,
      hive: this.shown().hive,
      hiveVersion: this.standing.membership && [this.standing.membership.term, this.standing.membership.epoch],
      uptimeMs: now - this.startedAt,
      visible: this.visible,
      version: this.upgrades.version,
    };
  }

  private candidacyDelay(now: number): number {
    return candidacyDelayMs({ uptimeMs: now - this.startedAt, visible: this.visible, links: this.links.size }, this.config, this.rng);
  }

  // ---- queenless bees ----------------------------------------------------------------------

  private queenAlive(now: number): boolean {
    const { queen, heardAt } = this.standing;
    return this.reign !== null || (queen !== null && now - heardAt <= this.config.queenTimeoutMs);
  }

  /** Follow the queen: keep a link to her, notice when she falls silent; orphans and eggs find a queen. */
  private watchQueen(now: number): void {
    const s = this.standing;
    if (s.queen !== null) {
      if (!this.queenAlive(now)) this.loseQueen(now);
      else this.links.request(s.queen, now);
      return;
    }
    if (s.membership !== null && Number.isNaN(s.orphanedAt)) s.orphanedAt = now; // restored after a reload
    // An orphan whose hive could not crown a new queen in time leaves it and is an egg again.
    if (s.membership !== null && now - s.orphanedAt > this.config.missingVoterMs) this.becomeEgg(now);
    // An egg that hears of a live hive asks to join it rather than founding another (its queen
    // answers with her claim); so does an orphan whose own hive crowns nobody it hears of.
    if (this.impatient(now)) {
      const hive = this.roomiestHive();
      if (hive !== undefined) {
        this.links.request(hive.queen, now);
        return;
      }
    }
    if (now < this.electionAt || this.links.size === 0 || !this.config.elections) return;
    const membership = s.membership ?? this.foundingMembers(now);
    if (membership !== null && membership.members.length > 1 && isMember(membership, this.id)) this.poll(membership, now);
  }

  /** Whether this queenless bee may join another hive: an egg, or an orphan done waiting for its own. */
  private impatient(now: number): boolean {
    const { membership, orphanedAt } = this.standing;
    return membership === null || now - orphanedAt > ORPHAN_PATIENCE_ROUNDS * this.config.queenTimeoutMs;
  }

  private loseQueen(now: number): void {
    const s = this.standing;
    if (s.queen !== null) this.hives.remove(s.queen);
    s.formerQueen = s.queen;
    s.queen = null;
    s.orphanedAt = now;
    if (s.duty !== 'candidate') this.electionAt = now + this.candidacyDelay(now);
  }

  /** The known hive with the most room (the least full when all are full), if any. */
  private roomiestHive(): HiveEntry | undefined {
    let best: HiveEntry | undefined;
    for (const hive of this.hives.values()) if (!best || hive.workers.length < best.workers.length) best = hive;
    return best;
  }

  /**
   * The members an egg founds a hive with: in a small colony everyone on its roster, once the
   * roster has settled; in one too big to count (beyond twice a hive's capacity), its egg
   * neighbours. Several hives may hatch at once from different eggs; they then merge.
   */
  private foundingMembers(now: number): Membership | null {
    const others = this.roster.others();
    let bees: string[];
    if (others.length + 1 <= 2 * this.config.capacity) {
      if (others.length === 0 || now - this.roster.changedAt < this.config.rosterSettleMs) return null;
      bees = others;
    } else bees = [...this.links.open].filter(([, link]) => link.follows === null).map(([peer]) => peer);
    return founding(this.rng.hex(8), [this.id, ...bees.slice(0, MAX_HIVE_WORKERS)]);
  }

  // ---- elections ---------------------------------------------------------------------------

  /**
   * Royal jelly, first taste: ask whether the members would elect us before raising the term. A
   * bee cut off from its hive gets no majority and so cannot inflate terms (Raft's pre-vote).
   */
  private poll(membership: Membership, now: number): void {
    const seal = this.standing.membership ? this.standing.seal : null;
    const campaign = new Campaign(this.standing.term + 1, true, membership, seal, null);
    campaign.count(this.id, null, this.rules, () => true);
    this.becomeCandidate(campaign, now);
  }

  /** Royal jelly: a candidate for the next term (above `above`), asking the members for votes. */
  private run(membership: Membership, seal: Seal | null, crown: Seal | null, now: number, above = 0): void {
    const s = this.standing;
    s.enterTerm(Math.max(s.term, above) + 1);
    s.vote(this.id);
    this.counters.elections++;
    const campaign = new Campaign(s.term, false, membership, seal, crown);
    campaign.count(this.id, this.notary.seal({ k: 'ballot', term: s.term, candidate: this.id, membership }), this.rules, () => true);
    this.becomeCandidate(campaign, now);
  }

  private voter(now: number): Voter {
    const s = this.standing;
    return {
      self: this.id, term: s.term, membership: s.membership, liveQueen: this.queenAlive(now) ? s.queen : null,
      formerQueen: s.formerQueen, hive: s.hive, reign: s.reign, notary: this.notary,
    };
  }

  /** A candidate asks for our vote; returns whether its flood goes on. */
  private onElect(candidate: string, p: Extract<Payload, { k: 'elect' }>, now: number): boolean {
    if (this.reign) return true;
    const verdict = judge(this.voter(now), candidate, p, this.rules);
    if (verdict === 'ignore') return true;
    if (verdict === 'refuse') return false;
    if (verdict === 'later') {
      this.router.originate(candidate, { k: 'later', term: this.standing.term }, now);
      return false;
    }
    if (p.pre) {
      // A straw poll binds nobody: answer it without touching our term or vote.
      this.router.originate(candidate, { k: 'vote', term: p.term, pre: true, ballot: null }, now);
      return true;
    }
    const s = this.standing;
    if (p.term > s.term) {
      s.enterTerm(p.term);
      if (s.duty === 'candidate') {
        s.duty = 'worker';
        this.campaign = null;
      }
    }
    if (!this.rules.grantsVote(s.votedFor, candidate)) return true;
    s.vote(candidate);
    this.electionAt = now + this.candidacyDelay(now);
    const ballot = this.notary.seal({ k: 'ballot', term: p.term, candidate, membership: p.membership });
    this.router.originate(candidate, { k: 'vote', term: p.term, pre: false, ballot }, now);
    return true;
  }

  private onVote(voter: string, p: Extract<Payload, { k: 'vote' }>, now: number): void {
    const campaign = this.campaign;
    if (this.standing.duty !== 'candidate' || !campaign || p.pre !== campaign.pre || p.term !== campaign.term) return;
    if (!campaign.count(voter, p.ballot, this.rules, (bee) => this.links.has(bee))) return;
    if (campaign.pre) this.run(campaign.membership, campaign.seal, null, now);
    else this.becomeQueen({ term: campaign.term, membership: campaign.membership, authority: { by: 'votes', ballots: campaign.ballots() } }, now);
  }

  // ---- claims and the queen's word -----------------------------------------------------------

  /**
   * A queen's claim. It is followed only once its certificate verified; one that does not verify
   * is the claimant's own misconduct (it signed it). A claim older than the reign this bee
   * knows of its hive is stale: dropped, and held against nobody (replays of old claims are).
   */
  private onClaim(claimant: string, p: Extract<Payload, { k: 'queen' }>, now: number): boolean {
    if (claimant === this.id) return true;
    const claim: Claim = { term: p.term, membership: p.membership, authority: p.authority };
    if (!this.verdicts.certifies(claimant, claim)) {
      this.counters.uncertified++;
      this.warden.onForgedClaim(claimant, now);
      return false;
    }
    if (this.stale(claim, now)) {
      this.counters.stale++;
      return false;
    }
    if (claim.authority.by === 'split' && !this.trustsMother(claim.authority.seal.bee)) return true;
    if (this.mayFollow(claimant, claim, now)) this.follow(claimant, claim, now);
    return true;
  }

  /**
   * Whether a certified claim is older than what this bee holds of its hive: the reign it follows,
   * or the membership it stored (a later queen proposed it). A bee that holds nothing of the hive
   * has nothing a claim could be older than.
   */
  private stale(claim: Claim, now: number): boolean {
    const s = this.standing;
    const hive = claim.membership.hive;
    if ((this.reign || this.queenAlive(now)) && hive === s.hive && claim.term < s.reign) return true;
    return s.membership !== null && hive === s.membership.hive && claim.term < s.membership.term;
  }

  /** An heir's mother vouches for her to the hive she was bred from, and to eggs. */
  private trustsMother(mother: string): boolean {
    const s = this.standing;
    return (s.queen === null && s.membership === null) || mother === s.queen || mother === s.formerQueen;
  }

  private mayFollow(claimant: string, claim: Claim, now: number): boolean {
    const s = this.standing;
    const hive = claim.membership.hive;
    if (this.reign) return hive === s.hive && claim.term > s.reign;
    if (this.queenAlive(now)) return hive === s.hive && (claimant === s.queen || claim.term > s.reign);
    if (s.membership !== null && hive === s.membership.hive) return true;
    return this.impatient(now);
  }

  /** Follows a certified queen; a member of her hive takes its membership if it had none of it. */
  private follow(queen: string, claim: Claim, now: number): void {
    const s = this.standing;
    const hive = claim.membership.hive;
    const own = s.membership;
    if (own === null || own.hive !== hive) {
      if (isMember(claim.membership, this.id)) s.store(claim.membership, null);
      else if (own !== null) s.store(null, null);
    }
    this.becomeWorker(queen, hive, claim.term, now);
  }

  /** The queen proposes her hive's next membership: store it, then say so (in that order). */
  private onMembers(from: string, p: Extract<Payload, { k: 'members' }>, now: number): void {
    const s = this.standing;
    const { membership } = p;
    const stored = { k: 'stored' as const, hive: membership.hive, term: membership.term, epoch: membership.epoch };
    if (s.left && from === s.left.queen && membership.hive === s.left.hive) {
      this.router.originate(from, stored, now);
      return;
    }
    if (from !== s.queen || this.reign || membership.hive !== s.hive) return;
    const own = s.membership;
    const order = own === null || own.hive !== membership.hive ? 1 : compareVersions(membership, own);
    if (order < 0 || (order === 0 && !sameMembership(membership, own))) return;
    if (order > 0) s.store(isMember(membership, this.id) ? membership : null, p.seal);
    this.router.originate(from, stored, now);
  }

  /**
   * Our queen moves us: into the new hive of the heir she bred (we are its members; we follow the
   * heir once her claim, vouched for by our queen's seal, reaches us), or into another hive (a
   * merge: we join it like any egg).
   */
  private onMove(from: string, p: Extract<Payload, { k: 'move' }>, now: number): void {
    const s = this.standing;
    if (from !== s.queen || s.duty !== 'worker' || p.to === this.id || s.hive === null) return;
    s.left = { hive: s.hive, queen: from };
    const { membership, seal } = p;
    if (membership && seal && seal.bee === from && this.notary.verify({ k: 'split', heir: p.to, membership }, seal)) {
      s.store(membership, null);
      // Queenless until the heir's claim comes, with our queen's word to trust it by.
      s.formerQueen = from;
      s.queen = null;
      s.hive = membership.hive;
      s.reign = 0;
      s.orphanedAt = now;
      this.electionAt = now + this.candidacyDelay(now);
    } else if (!membership) this.becomeEgg(now);
    else return;
    this.links.request(p.to, now);
  }

  /** Our queen bred us: we are the first queen of a new hive, reigning in its first term. */
  private onBreed(from: string, p: Extract<Payload, { k: 'breed' }>, now: number): void {
    const s = this.standing;
    const split = { k: 'split' as const, heir: this.id, membership: p.membership };
    if (from !== s.queen || s.duty !== 'worker' || s.hive === null || p.seal.bee !== from || !this.notary.verify(split, p.seal)) return;
    s.left = { hive: s.hive, queen: from };
    s.store(p.membership, null);
    this.becomeQueen({ term: 1, membership: p.membership, authority: { by: 'split', seal: p.seal } }, now);
  }

  /** Our queen crowned us: campaign at once, with her crown, above the highest term of her hive. */
  private onCrown(from: string, p: Extract<Payload, { k: 'crown' }>, now: number): void {
    const s = this.standing;
    const membership = s.membership;
    if (from !== s.queen || s.duty === 'queen' || !membership || membership.hive !== s.hive || p.seal.bee !== from) return;
    if (!this.notary.verify({ k: 'crown', hive: membership.hive, term: s.reign, successor: this.id }, p.seal)) return;
    this.run(membership, s.seal, p.seal, now, p.term);
  }

  private abdicate(ref: number, now: number): void {
    if (!this.reign) {
      this.fx.push({ type: 'settled', ref, ok: false, reason: 'only a queen can abdicate' });
      return;
    }
    if (!this.crownSuccessor(now)) {
      this.fx.push({ type: 'settled', ref, ok: false, reason: 'no worker to hand the throne to' });
      return;
    }
    this.abdication = { ref, until: now + ABDICATION_ROUNDS * this.config.queenTimeoutMs };
  }

  /**
   * Step down and crown the best worker among the members: she campaigns at once, and this bee
   * votes for her as a member. It steps aside with jitter so that it does not campaign itself.
   */
  private crownSuccessor(now: number): boolean {
    const reign = this.reign;
    if (!reign) return false;
    // A member behind on the membership would campaign under a version the others refuse.
    const workers = this.workers().filter((bee) => reign.current(bee, this.links.get(bee) as LinkState));
    const successor = chooseSuccessor(new Map(workers.map((bee) => [bee, this.links.get(bee) as LinkState])));
    if (successor === undefined) return false;
    const s = this.standing;
    const seal = this.notary.seal({ k: 'crown', hive: reign.hive, term: s.reign, successor });
    // Workers that joined after her election, or voted in a failed one, may be on later terms than hers.
    const term = Math.max(s.term, ...workers.map((bee) => (this.links.get(bee) as LinkState).term));
    this.router.originate(successor, { k: 'crown', term, seal }, now);
    this.reign = null;
    s.duty = 'worker';
    s.formerQueen = this.id;
    s.queen = null;
    s.orphanedAt = now;
    this.electionAt = now + this.config.queenTimeoutMs + this.rng.int(this.config.electionSpreadMs);
    return true;
  }

  // ---- links and roster ------------------------------------------------------------------

  private forget(bee: string, now: number): void {
    this.roster.remove(bee, now);
    this.hives.remove(bee);
    this.links.forget(bee);
    if (bee === this.standing.queen && !this.reign) this.loseQueen(now);
  }

  private onWelcome(peers: string[], now: number): void {
    this.links.introduce(peers);
    for (let i = 0; i < this.config.targetNeighbours; i++) this.links.keepNeighbours(this.roster.others(), now);
    // A queen (or a queenless bee) introduced to a bee it has never heard of is looking at
    // another part of the colony: one link joins the two, and gossip and claims do the rest.
    if (this.reign || (this.standing.queen === null && !this.links.full())) {
      const stranger = peers.find((peer) => peer !== this.id && !this.roster.has(peer) && !this.links.has(peer));
      if (stranger !== undefined) this.links.request(stranger, now);
    }
  }

  private onLinkOpen(peer: string, now: number): void {
    // Others' links are accepted while there is room; a queen takes every worker that comes.
    const kept = this.links.opened(peer, now, (asked) => this.warden.admitsLink(peer, now) && (asked || this.reign !== null || !this.links.full()));
    if (!kept) return;
    this.counters.linksOpened++;
    // Introduce ourselves at once so rosters and hive membership fill without waiting a beat.
    this.router.emit(peer, this.heartbeat(now));
    this.postbox.onLinkOpen(now);
  }

  private onLeave(now: number): void {
    if (this.reign) this.crownSuccessor(now);
    for (const peer of this.links.open.keys()) this.router.emit(peer, { t: 'bye' });
    this.postbox.leave();
    this.left = true;
  }

  // ---- frames ----------------------------------------------------------------------------

  private onFrame(peer: string, frame: Frame, now: number): void {
    const link = this.links.get(peer);
    if (!link) return; // a frame racing its link's close
    link.lastFrameAt = now;
    this.counters.framesIn++;
    switch (frame.t) {
      case 'hb': this.onHeartbeat(peer, link, frame, now); break;
      case 'bye':
        this.forget(peer, now);
        this.links.drop(peer);
        break;
      case 'env': this.onEnvelope(peer, frame, now); break;
      case 'up':
        link.version = Math.max(link.version, frame.version);
        this.upgrades.adopt({ version: frame.version, config: frame.config, route: [...frame.route, this.id] }, this.whereabouts());
        break;
    }
  }

  private onHeartbeat(peer: string, link: LinkState, frame: Heartbeat, now: number): void {
    const s = this.standing;
    for (const [bee, beat] of frame.digest) if (!this.warden.isBanned(bee)) this.roster.merge(bee, beat, now);
    if (this.reign && frame.queen === this.id && link.follows !== this.id) this.warden.onNewWorker(peer, now);
    // Fresh news of our queen's hive: she is alive.
    for (const hive of frame.hives) if (this.hives.merge(hive, now) && hive.queen === s.queen) s.heardAt = now;
    link.follows = frame.queen;
    link.hive = frame.hive;
    link.hiveVersion = frame.hiveVersion;
    link.term = frame.term;
    link.uptimeMs = frame.uptimeMs;
    link.visible = frame.visible;
    link.version = frame.version;
    if (this.upgrades.version > frame.version) this.upgrades.spread(this.whereabouts());
    // The queen's own heartbeat on a direct link is as good as her claim.
    if (peer === s.queen && frame.queen === peer && !this.reign) s.heardAt = now;
    if (this.reign) {
      this.reign.heard(peer, now);
      if (frame.queen !== this.id) this.reign.offerClaim(peer, link, now);
      else this.reign.update(peer, link, now);
    }
  }

  private onEnvelope(peer: string, env: Envelope, now: number): void {
    if (!this.router.fresh(env, now) || !this.warden.admits(peer, env, now)) return;
    const route = [...env.route, this.id];
    this.router.cameFrom(env.from, peer);
    const onward = env.to === null || env.to === this.id ? this.consume(env, route, now) : true;
    if (env.to !== this.id && onward) this.router.passOn(env, route, peer);
  }

  /** Act on an envelope addressed to this bee or to everyone; false stops a flood here. */
  private consume(env: Envelope, route: string[], now: number): boolean {
    const p = env.p;
    switch (p.k) {
      case 'data': this.postbox.onData(env, p, route, now); return true;
      case 'ack': this.postbox.onAck(p.msg, route); return true;
      case 'elect': return this.onElect(env.from, p, now);
      case 'vote': this.onVote(env.from, p, now); return true;
      case 'queen': return this.onClaim(env.from, p, now);
      case 'members': this.onMembers(env.from, p, now); return true;
      case 'stored':
        if (this.reign && p.hive === this.reign.hive) this.reign.onStored(env.from, p.term, p.epoch, now, this.workers());
        return true;
      case 'crown': this.onCrown(env.from, p, now); return true;
      case 'evict': return this.warden.onNotice(env.from, p, now);
      case 'later':
        // Voters that lived through a term we missed refuse us until we campaign above it.
        if (this.standing.duty === 'candidate') this.standing.enterTerm(p.term);
        return true;
      case 'breed': this.onBreed(env.from, p, now); return true;
      case 'move': this.onMove(env.from, p, now); return true;
      case 'sig': this.fx.push({ type: 'signal', from: env.from, data: p.data }); return true;
    }
  }
}
