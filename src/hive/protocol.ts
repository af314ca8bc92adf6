// One bee's protocol as a state machine: `step(event, now)` returns the effects the driver must
// carry out. No timers, sockets, clocks or storage in here — time arrives as `now` and as `tick`
// events, randomness from the injected Rng — so the simulator can run thousands of these and
// replay any run from its seed. docs/protocol.md explains the rules.

import { candidacyDelayMs, chooseSuccessor, ELECTION_RULES, majority, type ElectionRules, type WorkerFitness } from './election';
import { Warden, type Ban, type ConductSnapshot, type LinkOffence } from './eviction';
import { MAX_DIGEST_ENTRIES, MAX_HIVE_ENTRIES, MAX_HOPS, type Envelope, type Frame, type Heartbeat, type HiveEntry, type Payload, type UpgradeFrame } from './frames';
import { HiveMap, mergeTarget, overloaded, planBreeding } from './hives';
import { ROTATING_DIGEST_ENTRIES, Roster } from './roster';
import type { Rng } from './rng';
import { SeenIds } from './seen';

export type Role = 'egg' | 'worker' | 'candidate' | 'queen' | 'evicted';

export interface HiveConfig {
  heartbeatIntervalMs: number;
  /** A bee whose beat has not advanced this long leaves the roster. */
  rosterTimeoutMs: number;
  /** An open link that carried nothing this long is presumed dead (silent departures). */
  linkTimeoutMs: number;
  /** Give up on a link that has not opened after this long. */
  linkAttemptTimeoutMs: number;
  targetNeighbours: number;
  maxNeighbours: number;
  floodTtl: number;
  ackTimeoutMs: number;
  /** Transmissions of one message before its sender is told it failed. */
  maxAttempts: number;
  /** No claim from the queen for this long and she is presumed dead. */
  queenTimeoutMs: number;
  electionMinMs: number;
  electionSpreadMs: number;
  matureAfterMs: number;
  /** A bee campaigns only once its roster has not changed for this long: it knows its electorate. */
  rosterSettleMs: number;
  /** How often a queen asks the signaling server for bees she may not know (heals split meshes). */
  resampleIntervalMs: number;
  /** How long a bee that fell silent (crash or partition) still counts as a voter. */
  missingVoterMs: number;
  /** Workers one queen takes; more and she breeds a new queen. */
  capacity: number;
  /** Envelopes per second a queen relays before she counts as overloaded. */
  relayLimit: number;
  /** Hops a queen's claim floods; farther bees learn of her from hive gossip. */
  claimTtl: number;
  /** Links a queen keeps to other queens (the court). */
  courtLinks: number;
  /** A queen that bred or took in a hive waits this long before she splits or merges again. */
  hiveSettleMs: number;
  /** A hive whose queen's stamp has not advanced this long is forgotten. */
  hiveTimeoutMs: number;
  /** False keeps the colony in discovery mode: nobody campaigns (demos, the upgrade benchmark). */
  elections: boolean;
}

export const DEFAULT_CONFIG: HiveConfig = {
  heartbeatIntervalMs: 1000,
  rosterTimeoutMs: 6000,
  linkTimeoutMs: 5000,
  linkAttemptTimeoutMs: 10_000,
  targetNeighbours: 3,
  maxNeighbours: 6,
  floodTtl: 8,
  ackTimeoutMs: 2000,
  maxAttempts: 8,
  // Tolerates hidden tabs, whose timers fire about once a second.
  queenTimeoutMs: 3500,
  electionMinMs: 1000,
  electionSpreadMs: 1500,
  matureAfterMs: 3000,
  rosterSettleMs: 2000,
  resampleIntervalMs: 10_000,
  missingVoterMs: 30_000,
  capacity: 8,
  relayLimit: 400,
  claimTtl: 2,
  courtLinks: 8,
  hiveSettleMs: 5000,
  hiveTimeoutMs: 6000,
  elections: true,
};

const SEEN_CAPACITY = 20_000;
/** Rotation rounds without news of a bee (or a hive) before it is forgotten in a big colony. */
const ROSTER_TIMEOUT_ROUNDS = 4;
const SEEN_TTL_MS = 120_000;
/** Queen timeouts an orphan waits for its hive's successor before it joins another live hive. */
const ORPHAN_PATIENCE_ROUNDS = 3;
/** Hives a worker's heartbeat tells of (a queen's and an egg's: MAX_HIVE_ENTRIES). */
const WORKER_HIVE_ENTRIES = 8;
/** Roster entries a heartbeat carries from a bee in a hive: the news, not the census. */
const HIVE_DIGEST_ENTRIES = 24;
/** Beats a new queen calls a bee of her hive by name before giving up on it. */
const SUMMONS = 10;
/** Beats a queen's relay load must stay over her limit before she breeds for it. */
const RELAY_LOAD_BEATS = 4;
/** Heirs a queen remembers breeding (to vouch for their claims). */
const MAX_BRED = 64;

export interface Delivered {
  id: string;
  from: string;
  body: unknown;
  at: number;
  route: string[];
}

export type HiveEvent =
  | { type: 'tick' }
  /** The signaling server introduced these live bees. */
  | { type: 'welcome'; peers: string[] }
  /** The signaling server saw this bee go. */
  | { type: 'beeLeft'; bee: string }
  | { type: 'linkOpen'; peer: string }
  | { type: 'linkClosed'; peer: string }
  | { type: 'frame'; peer: string; frame: Frame }
  /** A frame from `peer` failed to parse; counted, never acted on. */
  | { type: 'malformed'; peer: string }
  /** The driver's guard dropped an envelope from `peer` (unsigned, forged or replayed). */
  | { type: 'misconduct'; peer: string; offence: Exclude<LinkOffence, 'malformed'> }
  /** `msg` names the message end to end; a driver that stored it first passes the same id again after a reload. */
  | { type: 'send'; ref: number; to: string; body: unknown; msg?: string }
  | { type: 'broadcast'; ref: number; body: unknown; msg?: string }
  | { type: 'visibility'; visible: boolean }
  /** A queen hands her throne to her best worker. */
  | { type: 'abdicate'; ref: number }
  /** This bee seeds a new colony config (the driver signed it); adopted if newer than ours. */
  | { type: 'seed'; version: number; config: Record<string, unknown> }
  /** The driver relays a WebRTC signal through the mesh (the signaling server is out of reach). */
  | { type: 'signal'; to: string; data: unknown }
  /** This bee is going away on purpose (a queen abdicates first). */
  | { type: 'leave' };

export type Effect =
  | { type: 'link'; peer: string }
  | { type: 'unlink'; peer: string }
  /** Ask the signaling server for a fresh sample of live bees (answered with `welcome`). */
  | { type: 'sample' }
  | { type: 'send'; peer: string; frame: Frame }
  | { type: 'deliver'; message: Delivered }
  /** This bee adopted a newer colony config; stored so that it survives a reload. */
  | { type: 'adopt'; upgrade: Upgrade }
  /** A WebRTC signal for this bee arrived through the mesh. */
  | { type: 'signal'; from: string; data: unknown }
  /** Must be stored before the frames that follow it are sent (one vote per term). */
  | { type: 'persist'; term: number; votedFor: string | null }
  | { type: 'roleChanged'; role: Role; term: number; queen: string | null }
  /** The outcome of a `send`, `broadcast` or `abdicate` event with this ref. */
  | { type: 'settled'; ref: number; ok: true; route: string[] }
  | { type: 'settled'; ref: number; ok: false; reason: string }
  /** This bee now refuses `ban.bee` (to be kept: bans outlive the page). */
  | { type: 'banned'; ban: Ban }
  /** This bee's queen evicted it. */
  | { type: 'evicted'; ban: Ban };

/** A colony config this bee runs, and the bees it passed to get here (the seeder first). */
export interface Upgrade {
  version: number;
  config: Record<string, unknown>;
  route: string[];
}

/** What a bee kept from an earlier life (a reload): safety and exactly-once depend on it. */
export interface Restored {
  /** The colony config it had adopted. */
  upgrade?: Upgrade | null;
  term: number;
  votedFor: string | null;
  /** Message ids already delivered here; they are never delivered again. */
  deliveredIds: readonly string[];
  bans?: readonly Ban[];
}

const NOTHING_RESTORED: Restored = { term: 0, votedFor: null, deliveredIds: [] };

export interface Counters {
  framesIn: number;
  malformed: number;
  duplicates: number;
  forwarded: number;
  delivered: number;
  linksOpened: number;
  elections: number;
  /** Colony configs adopted (each a newer version). */
  upgrades: number;
  /** Hives this bee bred as a queen, and small hives it merged into another. */
  splits: number;
  merges: number;
}

export interface Snapshot {
  id: string;
  role: Role;
  term: number;
  queen: string | null;
  workers: string[];
  neighbours: string[];
  roster: string[];
  /** Every queen this bee knows of (its own first). */
  queens: string[];
  /** The colony's hives as this bee knows them. */
  hives: HiveEntry[];
  /** For a queen: the other queens she links (the court). */
  court: string[];
  capacity: number;
  relayRate: number;
  relayLimit: number;
  /** The colony config this bee runs (version 0: none yet). */
  upgrade: Upgrade | null;
  counters: Counters;
  conduct: ConductSnapshot;
}

interface Outgoing {
  ref: number;
  to: string | null;
  body: unknown;
  attempt: number;
  nextAttemptAt: number;
  /** The last attempt found no link to go out on. */
  stalled: boolean;
}

/** One open link and what the bee at its far end last said about itself. */
interface LinkState extends WorkerFitness {
  lastFrameAt: number;
  /** Undefined until its first heartbeat on this link. */
  follows: string | null | undefined;
  /** The term the far end last reported. */
  term: number;
  /** The config version the far end last reported, and the newest we pushed it. */
  version: number;
  pushed: number;
}

export class Protocol {
  private readonly roster: Roster;
  private readonly links = new Map<string, LinkState>();
  /** Links we asked for and when, until they open or time out. */
  private readonly linking = new Map<string, number>();
  /** Bees the signaling server introduced: link candidates before gossip fills the roster. */
  private readonly introduced = new Set<string>();
  /** When a link to a bee last failed or was refused; such bees rest before we try again. */
  private readonly failedAt = new Map<string, number>();
  private readonly outgoing = new Map<string, Outgoing>();
  /** Envelope ids already handled: each transmission is relayed once. */
  private readonly forwarded = new SeenIds(SEEN_CAPACITY, SEEN_TTL_MS);
  /** Message ids already delivered here: delivery is exactly once across retransmissions. */
  private readonly delivered = new SeenIds(SEEN_CAPACITY, SEEN_TTL_MS);
  /**
   * Breadcrumbs: for each bee we heard an envelope from, the link it first arrived on. A reply
   * (a vote, an ack, a message) follows them back hop by hop instead of flooding the colony.
   */
  private readonly towards = new Map<string, string>();
  /** Ids delivered in an earlier life of this bee; unlike `delivered` they do not expire. */
  private readonly deliveredBefore: ReadonlySet<string>;
  private readonly counters: Counters = { framesIn: 0, malformed: 0, duplicates: 0, forwarded: 0, delivered: 0, linksOpened: 0, elections: 0, upgrades: 0, splits: 0, merges: 0 };
  private readonly hives: HiveMap;
  private role: Exclude<Role, 'egg' | 'evicted'> = 'worker';
  private term = 0;
  private votedFor: string | null = null;
  private queen: string | null = null;
  /** The term of the queen we follow; our own term can run ahead of it while we vote. */
  private queenTerm = 0;
  /** The queen we followed last, kept after she is lost: her `crown` may trail her departure. */
  private formerQueen: string | null = null;
  private queenHeardAt = 0;
  /**
   * The hive this bee belongs to as its queen last described it (the queen first): when she is
   * lost, her orphans elect among these bees. Empty for an egg, and for a queen.
   */
  private hiveMembers: string[] = [];
  /** When this bee lost its queen; an orphan whose hive cannot elect becomes an egg again. */
  private orphanedAt = Number.NaN;
  /** The lost queen whose hive this candidate stands for (null: an egg founding a hive). */
  private electionHive: string | null = null;
  /** For a queen: whose hive she took over (her orphans follow her at once); null for a founder. */
  private heirOf: string | null = null;
  /** The queen that bred this one, while she reigns over the hive she was bred for. */
  private mother: string | null = null;
  /** Heirs this queen bred (they claim without an election; she vouches for them), bounded. */
  private readonly bred = new Map<string, number>();
  private upgrade: Upgrade | null;
  /**
   * For a queen: bees of the hive she took over that do not follow her yet, and how many more
   * beats she calls them. A claim flooded every beat by every queen would cost the colony more
   * than all its data; a new queen floods once and then calls the stragglers by name.
   */
  private summoned = new Map<string, number>();
  private claimFlooded = false;
  /** For a queen: no split or merge before this (the last one is still settling). */
  private hiveSettledAt = 0;
  private relayRate = 0;
  /** The relay rates of the last few beats: only a sustained load breeds (a flood is evicted first). */
  private readonly relayRates: number[] = [];
  private forwardedAtBeat = 0;
  private votes = new Set<string>();
  /** A candidate still in its straw poll (pre-vote), before it raises the term. */
  private polling = false;
  private electorate = 0;
  /** When this bee campaigns if there is still no queen (NaN until the first tick). */
  private electionAt = Number.NaN;
  private abdication: { ref: number; term: number; until: number } | null = null;
  private visible = true;
  private startedAt = Number.NaN;
  private nextBeatAt = 0;
  private nextSampleAt = 0;
  private left = false;
  private out: Effect[] = [];
  private readonly warden: Warden;

  constructor(
    readonly id: string,
    private readonly rng: Rng,
    private readonly config: HiveConfig = DEFAULT_CONFIG,
    private readonly rules: ElectionRules = ELECTION_RULES,
    restored: Restored = NOTHING_RESTORED,
  ) {
    this.roster = new Roster(id, config.rosterTimeoutMs, config.missingVoterMs);
    this.hives = new HiveMap(id);
    this.term = restored.term;
    this.votedFor = restored.votedFor;
    this.deliveredBefore = new Set(restored.deliveredIds);
    this.upgrade = restored.upgrade ?? null;
    this.warden = new Warden(
      {
        id,
        isQueen: () => this.role === 'queen',
        queen: () => this.queen,
        formerQueen: () => this.formerQueen,
        term: () => this.term,
        linked: (peer) => this.links.has(peer),
        follows: (peer) => this.links.get(peer)?.follows,
        bred: (bee) => this.bred.has(bee),
        peers: () => this.links.keys(),
        announce: (to, p, now) => this.originate(to, p, now),
        cut: (peer) => {
          if (this.links.has(peer)) this.dropLink(peer);
        },
        forget: (bee, now) => this.forget(bee, now),
        banned: (ban) => this.out.push({ type: 'banned', ban }),
        evicted: (ban) => this.out.push({ type: 'evicted', ban }),
      },
      restored.bans,
    );
  }

  step(event: HiveEvent, now: number): Effect[] {
    this.out = [];
    if (this.left) return this.out;
    if (this.warden.evicted) {
      // An evicted bee takes part in nothing; links others open to it are closed at once.
      if (event.type === 'linkOpen') this.out.push({ type: 'unlink', peer: event.peer });
      return this.out;
    }
    if (Number.isNaN(this.startedAt)) this.startedAt = now;
    // What the UI shows, compared field by field after the event (this runs for every frame).
    const roleBefore = this.publicRole();
    const termBefore = this.term;
    const queenBefore = this.queen;
    switch (event.type) {
      case 'tick': this.onTick(now); break;
      case 'welcome': this.onWelcome(event.peers, now); break;
      case 'beeLeft': this.forget(event.bee, now); break;
      case 'linkOpen': this.onLinkOpen(event.peer, now); break;
      case 'linkClosed': this.onLinkClosed(event.peer, now); break;
      case 'frame': this.onFrame(event.peer, event.frame, now); break;
      case 'malformed': this.counters.malformed++; this.warden.onLinkOffence(event.peer, 'malformed', now); break;
      case 'misconduct': this.warden.onLinkOffence(event.peer, event.offence, now); break;
      case 'send': this.submit(event.ref, event.to, event.body, now, event.msg); break;
      case 'broadcast': this.submit(event.ref, null, event.body, now, event.msg); break;
      case 'visibility': this.visible = event.visible; break;
      case 'abdicate': this.abdicate(event.ref, now); break;
      case 'signal': this.originate(event.to, { k: 'sig', data: event.data }, now); break;
      case 'seed': this.adopt({ version: event.version, config: event.config, route: [this.id] }); break;
      case 'leave': this.onLeave(now); break;
    }
    const role = this.publicRole();
    if (role !== roleBefore || this.term !== termBefore || this.queen !== queenBefore) this.out.push({ type: 'roleChanged', role, term: this.term, queen: this.queen });
    return this.out;
  }

  snapshot(): Snapshot {
    return {
      id: this.id,
      role: this.publicRole(),
      term: this.term,
      queen: this.queen,
      workers: this.role === 'queen' ? this.workers() : [],
      neighbours: [...this.links.keys()].sort(),
      roster: [this.id, ...this.roster.others()].sort(),
      queens: [...new Set([...(this.queen ? [this.queen] : []), ...this.hives.queens()])],
      hives: [...(this.role === 'queen' ? [this.ownHive(0)] : []), ...this.hives.entries()],
      court: this.role === 'queen' ? this.court() : [],
      capacity: this.config.capacity,
      relayRate: this.relayRate,
      relayLimit: this.config.relayLimit,
      upgrade: this.upgrade,
      counters: { ...this.counters },
      conduct: this.conduct(),
    };
  }

  /** A queen's workers and court, without the cost of a snapshot (it sorts the roster). */
  hiveView(): { workers: string[]; court: string[] } {
    return this.role === 'queen' ? { workers: this.workers(), court: this.court() } : { workers: [], court: [] };
  }

  /** Whom this bee refuses, and why; whether it was evicted itself. */
  conduct(): ConductSnapshot {
    return this.warden.snapshot();
  }

  /** Whether this bee keeps `peer` out (evicted, or shut out for misconduct): links to it are refused before they open. */
  refuses(peer: string, now: number): boolean {
    return this.warden.refuses(peer, now);
  }

  /** This queen's hive as she describes it in heartbeats, stamped with her clock. */
  private ownHive(now: number): HiveEntry {
    return { queen: this.id, beat: now, term: this.term, workers: this.workers() };
  }

  /** The queens this queen links. */
  private court(): string[] {
    return [...this.links].filter(([peer, link]) => link.follows === peer).map(([peer]) => peer).sort();
  }

  private publicRole(): Role {
    if (this.warden.evicted) return 'evicted';
    return this.role === 'worker' && this.links.size === 0 && this.queen === null ? 'egg' : this.role;
  }

  private workers(): string[] {
    return [...this.links].filter(([, link]) => link.follows === this.id).map(([peer]) => peer).sort();
  }

  // ---- time ------------------------------------------------------------------------------

  private onTick(now: number): void {
    if (Number.isNaN(this.electionAt)) this.electionAt = now + this.candidacyDelay(now);
    if (now >= this.nextBeatAt) {
      this.relayRate = Math.round(((this.counters.forwarded - this.forwardedAtBeat) * 1000) / this.config.heartbeatIntervalMs);
      this.relayRates.push(this.relayRate);
      if (this.relayRates.length > RELAY_LOAD_BEATS) this.relayRates.shift();
      this.forwardedAtBeat = this.counters.forwarded;
      this.nextBeatAt = now + this.config.heartbeatIntervalMs;
      const beat = this.heartbeat(now);
      for (const peer of this.links.keys()) this.emitFrame(peer, beat);
      if (this.role === 'queen') {
        this.claimThrone(now);
        this.tendHive(now);
      }
    }
    // A queen, or a queenless bee, looks for parts of the colony it does not know (a healed
    // partition, a split mesh); a bee with no link at all needs fresh introductions anyway.
    if ((this.role === 'queen' || this.queen === null) && now >= this.nextSampleAt) {
      this.nextSampleAt = now + this.config.resampleIntervalMs;
      this.out.push({ type: 'sample' });
    }
    for (const bee of this.roster.expire(now, this.rosterTimeout())) this.introduced.delete(bee);
    this.hives.expire(now, this.hiveTimeout());
    for (const [peer, link] of this.links) {
      if (now - link.lastFrameAt > this.config.linkTimeoutMs) this.dropLink(peer);
    }
    for (const [peer, since] of this.linking) {
      if (now - since > this.config.linkAttemptTimeoutMs) {
        this.linking.delete(peer);
        this.failedAt.set(peer, now);
        this.out.push({ type: 'unlink', peer });
      }
    }
    this.keepNeighbours(now);
    this.watchQueen(now);
    for (const [id, message] of this.outgoing) {
      if (now >= message.nextAttemptAt) this.transmit(id, message, now);
    }
    if (this.abdication && now > this.abdication.until) {
      this.out.push({ type: 'settled', ref: this.abdication.ref, ok: false, reason: 'no successor took the throne' });
      this.abdication = null;
    }
    this.warden.onTick(now);
    this.forwarded.prune(now);
    this.delivered.prune(now);
    for (const [bee, at] of this.failedAt) if (now - at > this.config.linkAttemptTimeoutMs) this.failedAt.delete(bee);
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
    // works: a bee there passes on only roster news, not a colony-wide census (at 10,000 bees that
    // census cost more than everything else together). Queens (for the court) and eggs (to find
    // a hive) need the hive map most; a worker passes on a little of it.
    const inHive = this.role === 'queen' || this.queen !== null;
    const worker = inHive && this.role !== 'queen';
    return {
      t: 'hb',
      digest: this.roster.digest(now, inHive ? HIVE_DIGEST_ENTRIES : MAX_DIGEST_ENTRIES),
      hives: this.hives.digest(this.role === 'queen' ? this.ownHive(now) : null, worker ? WORKER_HIVE_ENTRIES : MAX_HIVE_ENTRIES),
      term: this.term,
      queen: this.queen,
      uptimeMs: now - this.startedAt,
      visible: this.visible,
      version: this.upgrade?.version ?? 0,
    };
  }

  private candidacyDelay(now: number): number {
    return candidacyDelayMs({ uptimeMs: now - this.startedAt, visible: this.visible, links: this.links.size }, this.config, this.rng);
  }

  // ---- links and roster ------------------------------------------------------------------

  private forget(bee: string, now: number): void {
    this.roster.remove(bee, now);
    this.hives.remove(bee);
    this.introduced.delete(bee);
    if (bee === this.queen && this.role !== 'queen') this.loseQueen(now);
  }

  private onWelcome(peers: string[], now: number): void {
    for (const peer of peers) this.introduced.add(peer);
    for (let i = 0; i < this.config.targetNeighbours; i++) this.keepNeighbours(now);
    // A queen (or a queenless bee) introduced to a bee it has never heard of is looking at
    // another part of the colony: one link joins the two, and gossip and claims do the rest.
    if (this.role === 'queen' || (this.queen === null && this.links.size < this.config.maxNeighbours)) {
      const stranger = peers.find((peer) => peer !== this.id && !this.roster.has(peer) && !this.links.has(peer));
      if (stranger !== undefined) this.requestLink(stranger, now);
    }
  }

  /** Keep about targetNeighbours links, adding one per call at most to bound churn. */
  private keepNeighbours(now: number): void {
    if (this.links.size + this.linking.size >= this.config.targetNeighbours) return;
    const known = new Set([...this.roster.others(), ...this.introduced]);
    const candidates = [...known].filter(
      (bee) =>
        !this.links.has(bee) &&
        !this.linking.has(bee) &&
        now - (this.failedAt.get(bee) ?? -Infinity) > this.config.linkAttemptTimeoutMs,
    );
    const peer = this.rng.pick(candidates);
    if (peer !== undefined) this.requestLink(peer, now);
  }

  private requestLink(peer: string, now: number): void {
    if (peer === this.id || this.links.has(peer) || this.linking.has(peer) || this.warden.isBanned(peer)) return;
    this.linking.set(peer, now);
    this.out.push({ type: 'link', peer });
  }

  private onLinkOpen(peer: string, now: number): void {
    const asked = this.linking.delete(peer);
    if (!this.warden.admitsLink(peer, now)) {
      this.out.push({ type: 'unlink', peer });
      return;
    }
    // Others' links are accepted while there is room; a queen takes every worker that comes.
    if (!asked && this.role !== 'queen' && this.links.size >= this.config.maxNeighbours) {
      this.out.push({ type: 'unlink', peer });
      return;
    }
    this.links.set(peer, { lastFrameAt: now, follows: undefined, term: 0, uptimeMs: 0, visible: true, version: 0, pushed: 0 });
    this.counters.linksOpened++;
    // Introduce ourselves at once so rosters and hive membership fill without waiting a beat.
    this.emitFrame(peer, this.heartbeat(now));
    for (const [id, message] of this.outgoing) {
      if (message.stalled) this.transmit(id, message, now);
    }
  }

  private onLinkClosed(peer: string, now: number): void {
    if (this.linking.delete(peer)) {
      this.failedAt.set(peer, now);
      this.introduced.delete(peer);
    }
    this.links.delete(peer);
  }

  private dropLink(peer: string): void {
    this.links.delete(peer);
    this.out.push({ type: 'unlink', peer });
  }

  private onLeave(now: number): void {
    if (this.role === 'queen') this.crownSuccessor(now);
    for (const peer of this.links.keys()) this.emitFrame(peer, { t: 'bye' });
    for (const [, message] of this.outgoing) {
      this.out.push({ type: 'settled', ref: message.ref, ok: false, reason: 'this bee left the colony' });
    }
    this.outgoing.clear();
    this.left = true;
  }

  // ---- frames ----------------------------------------------------------------------------

  private onFrame(peer: string, frame: Frame, now: number): void {
    const link = this.links.get(peer);
    if (!link) return; // a frame racing its link's close
    link.lastFrameAt = now;
    this.counters.framesIn++;
    switch (frame.t) {
      case 'hb':
        for (const [bee, beat] of frame.digest) if (!this.warden.isBanned(bee)) this.roster.merge(bee, beat, now);
        if (this.role === 'queen' && frame.queen === this.id && link.follows !== this.id) this.warden.onNewWorker(peer, now);
        for (const hive of frame.hives) {
          if (!this.hives.merge(hive, now) || hive.queen !== this.queen) continue;
          // Fresh news of our queen's hive: she is alive, and these are the bees we would elect among.
          this.hiveMembers = [hive.queen, ...hive.workers];
          this.queenHeardAt = now;
        }
        link.follows = frame.queen;
        link.term = frame.term;
        link.uptimeMs = frame.uptimeMs;
        link.visible = frame.visible;
        link.version = frame.version;
        if (this.upgrade && frame.version < this.upgrade.version) this.spreadUpgrade();
        // The queen's own heartbeat on a direct link is as good as her flooded claim.
        if (peer === this.queen && frame.queen === peer && this.role !== 'queen') {
          this.queenHeardAt = now;
          this.queenTerm = frame.term;
        }
        break;
      case 'bye':
        this.forget(peer, now);
        this.dropLink(peer);
        break;
      case 'env':
        this.onEnvelope(peer, frame, now);
        break;
      case 'up':
        link.version = Math.max(link.version, frame.version);
        this.adopt({ version: frame.version, config: frame.config, route: [...frame.route, this.id] });
        break;
    }
  }

  // ---- upgrades --------------------------------------------------------------------------

  /** Takes a colony config newer than ours and passes it on. */
  private adopt(upgrade: Upgrade): void {
    if (upgrade.version <= (this.upgrade?.version ?? 0) || upgrade.route.length > MAX_HOPS + 1) return;
    this.upgrade = upgrade;
    this.counters.upgrades++;
    this.out.push({ type: 'adopt', upgrade });
    this.spreadUpgrade();
  }

  /**
   * Before there is a queen an upgrade moves neighbour to neighbour; with one, it goes up to the
   * queen, and she pushes it to her workers and the court.
   */
  private spreadUpgrade(): void {
    const upgrade = this.upgrade;
    if (!upgrade) return;
    const frame: UpgradeFrame = { t: 'up', version: upgrade.version, config: upgrade.config, route: upgrade.route };
    const queenLinked = this.role !== 'queen' && this.queen !== null && this.links.has(this.queen);
    for (const [peer, link] of this.links) {
      if (link.version >= upgrade.version || link.pushed >= upgrade.version || upgrade.route.includes(peer)) continue;
      const allowed = this.role === 'queen' ? link.follows === this.id || link.follows === peer : queenLinked ? peer === this.queen : true;
      if (!allowed) continue;
      link.pushed = upgrade.version;
      this.emitFrame(peer, frame);
    }
  }

  private onEnvelope(peer: string, env: Envelope, now: number): void {
    if (env.from === this.id || !this.forwarded.add(env.id, now)) {
      this.counters.duplicates++;
      return;
    }
    if (!this.warden.admits(peer, env, now)) return;
    const route = [...env.route, this.id];
    this.rememberWay(env.from, peer);
    let onward = true;
    if (env.to === null || env.to === this.id) onward = this.consume(env, route, now);
    if (env.to === this.id || !onward || env.ttl === 0 || route.length > MAX_HOPS) return;
    this.relay({ ...env, ttl: env.ttl - 1, route }, peer);
  }

  /** Act on an envelope addressed to this bee or to everyone; false stops a flood here. */
  private consume(env: Envelope, route: string[], now: number): boolean {
    const p = env.p;
    switch (p.k) {
      case 'data':
        if (!this.deliveredBefore.has(p.msg) && this.delivered.add(p.msg, now)) {
          this.counters.delivered++;
          this.out.push({ type: 'deliver', message: { id: p.msg, from: env.from, body: p.body, at: now, route } });
        }
        // Acknowledge every attempt: the previous ack may be the thing that got lost.
        if (env.to === this.id) this.originate(env.from, { k: 'ack', msg: p.msg }, now);
        return true;
      case 'ack': {
        const message = this.outgoing.get(p.msg);
        if (message) {
          this.outgoing.delete(p.msg);
          this.out.push({ type: 'settled', ref: message.ref, ok: true, route });
        }
        return true;
      }
      case 'elect':
        return this.onElect(env.from, p, now);
      case 'vote':
        this.onVote(env.from, p, now);
        return true;
      case 'queen':
        return this.onClaim(env.from, p, now);
      case 'crown':
        // The crown's term is the highest in the hive: campaigning above it, no voter is ahead.
        if (env.from === this.queen || env.from === this.formerQueen) {
          this.term = Math.max(this.term, p.term); // campaign() persists the term above it with its own vote
          this.hiveMembers = p.hive;
          this.campaign(now, true);
        }
        return true;
      case 'evict':
        return this.warden.onNotice(env.from, p, now);
      case 'later':
        // Voters that lived through a term we missed refuse us until we campaign above it.
        if (this.role === 'candidate' && p.term > this.term) {
          this.term = p.term;
          this.votedFor = null;
          this.out.push({ type: 'persist', term: this.term, votedFor: null });
        }
        return true;
      case 'breed':
        if (env.from === this.queen && this.role === 'worker') this.hatch(env.from, p.term, now);
        return true;
      case 'move':
        if (env.from === this.queen && this.role === 'worker' && p.to !== this.id) this.follow(p.to, this.queenTerm, now);
        return true;
      case 'sig':
        this.out.push({ type: 'signal', from: env.from, data: p.data });
        return true;
    }
  }

  // ---- routing ---------------------------------------------------------------------------

  /** Start an envelope of our own. */
  private originate(to: string | null, p: Payload, now: number, ttl = this.config.floodTtl): void {
    const env: Envelope = { t: 'env', id: this.rng.hex(8), from: this.id, to, ttl, route: [this.id], p };
    this.forwarded.add(env.id, now);
    this.relay(env, null);
  }

  /**
   * Where an envelope goes next. With a queen, data goes through her ("communicate solely
   * through her") and she fans broadcasts out to her links; elections and claims always flood
   * the mesh, which is also the fallback while there is no queen link.
   */
  private relay(env: Envelope, from: string | null): void {
    const isData = env.p.k === 'data' || env.p.k === 'ack' || env.p.k === 'sig';
    const queenLinked = this.role !== 'queen' && this.queen !== null && this.links.has(this.queen);
    if (isData && queenLinked && from !== this.queen && env.to !== this.queen) {
      this.forward(this.queen as string, env);
      return;
    }
    // Across hives: a queen hands a message to the queen of the receiver's hive (the court), even
    // when she happens to link the receiver too: each queen routes her own hive's traffic.
    // A receiver we link says whom it follows in every heartbeat: fresher than the hive map.
    const follows = env.to === null ? undefined : this.links.get(env.to)?.follows;
    const ownWorker = follows === this.id;
    const theirQueen = typeof follows === 'string' && follows !== env.to ? follows : undefined;
    const hiveQueen = env.to === null || this.role !== 'queen' || ownWorker ? undefined : (theirQueen ?? this.hives.queenOf(env.to));
    if (isData && hiveQueen !== undefined && hiveQueen !== from && this.links.has(hiveQueen) && !env.route.includes(hiveQueen)) {
      this.forward(hiveQueen, env);
      return;
    }
    if (env.to !== null && this.links.has(env.to)) {
      this.forward(env.to, env);
      return;
    }
    const way = env.to === null ? undefined : this.towards.get(env.to);
    if (way !== undefined && way !== from && this.links.has(way) && !env.route.includes(way)) {
      this.forward(way, env);
      return;
    }
    // The queen has already fanned this broadcast out to every bee she links; don't echo it.
    if (isData && env.to === null && queenLinked && from === this.queen) return;
    // A queen who does not know the receiver's way asks the court (and queenless bees): a worker
    // of hers would be the receiver itself, and another hive's worker is its queen's to reach.
    const viaCourt = isData && env.to !== null && this.role === 'queen';
    for (const [peer, link] of this.links) {
      if (peer === from || env.route.includes(peer)) continue;
      if (viaCourt && typeof link.follows === 'string' && link.follows !== peer) continue;
      this.forward(peer, env);
    }
  }

  /** Keep the freshest way towards `bee`, bounded like every other memory here. */
  private rememberWay(bee: string, peer: string): void {
    this.towards.delete(bee);
    this.towards.set(bee, peer);
    if (this.towards.size > SEEN_CAPACITY) this.towards.delete(this.towards.keys().next().value as string);
  }

  private forward(peer: string, env: Envelope): void {
    this.emitFrame(peer, env);
    this.counters.forwarded++;
  }

  private emitFrame(peer: string, frame: Frame): void {
    this.out.push({ type: 'send', peer, frame });
  }

  // ---- messages --------------------------------------------------------------------------

  private submit(ref: number, to: string | null, body: unknown, now: number, msg?: string): void {
    const id = msg ?? this.rng.hex(8);
    if (to === this.id) {
      this.delivered.add(id, now);
      this.out.push({ type: 'deliver', message: { id, from: this.id, body, at: now, route: [this.id] } });
      this.out.push({ type: 'settled', ref, ok: true, route: [this.id] });
      return;
    }
    const message: Outgoing = { ref, to, body, attempt: 0, nextAttemptAt: now, stalled: false };
    this.outgoing.set(id, message);
    this.transmit(id, message, now);
  }

  /** Send (or resend) one of our messages. Broadcasts settle once handed to a link. */
  private transmit(id: string, message: Outgoing, now: number): void {
    if (message.to === null && this.links.size === 0 && this.roster.size === 0) {
      this.outgoing.delete(id);
      this.out.push({ type: 'settled', ref: message.ref, ok: true, route: [this.id] });
      return;
    }
    if (message.attempt >= this.config.maxAttempts) {
      this.outgoing.delete(id);
      const reason = message.to === null ? 'no neighbour to broadcast to' : `no acknowledgement from ${message.to}`;
      this.out.push({ type: 'settled', ref: message.ref, ok: false, reason });
      return;
    }
    message.nextAttemptAt = now + this.config.ackTimeoutMs;
    message.attempt++;
    // Without links the attempt is spent waiting; a link opening retransmits at once.
    message.stalled = this.links.size === 0;
    if (message.stalled) return;
    this.originate(message.to, { k: 'data', msg: id, body: message.body }, now);
    if (message.to === null) {
      this.outgoing.delete(id);
      this.out.push({ type: 'settled', ref: message.ref, ok: true, route: [this.id] });
    }
  }

  // ---- queens ----------------------------------------------------------------------------

  private queenAlive(now: number): boolean {
    return this.role === 'queen' || (this.queen !== null && now - this.queenHeardAt <= this.config.queenTimeoutMs);
  }

  /** Follow the queen: keep a direct link to her, notice when she falls silent, campaign when orphaned. */
  private watchQueen(now: number): void {
    if (this.role === 'queen') return;
    if (this.queen !== null) {
      if (!this.queenAlive(now)) this.loseQueen(now);
      else this.requestLink(this.queen, now);
      return;
    }
    // An orphan whose hive could not crown a new queen in time gives up on it and is an egg again.
    if (this.formerQueen !== null && now - this.orphanedAt > this.config.missingVoterMs) {
      this.formerQueen = null;
      this.hiveMembers = [];
    }
    // An egg that hears of a live hive joins it rather than founding another; so does an orphan
    // whose own hive has not crowned a successor it heard of by now (joining is always safe: only
    // crowning needs the hive's votes).
    if (this.formerQueen === null || now - this.orphanedAt > ORPHAN_PATIENCE_ROUNDS * this.config.queenTimeoutMs) {
      const hive = this.roomiestHive();
      if (hive !== undefined) {
        this.follow(hive.queen, hive.term, now);
        return;
      }
    }
    if (now < this.electionAt || this.links.size === 0 || !this.config.elections) return;
    if (this.canElect(now)) this.poll(now);
  }

  /**
   * A lone bee has nobody to be queen of. An orphan's hive was fixed when its queen was lost; an
   * egg in a small colony waits until its roster stops changing (it must know how many votes make
   * a majority); in a big one it asks its egg neighbours (askForVotes).
   */
  private canElect(now: number): boolean {
    if (this.formerQueen !== null) return this.electorateSize() > 1;
    if (this.roster.electorate() > 2 * this.config.capacity) return [...this.links.values()].some((link) => link.follows === null);
    return this.roster.size > 0 && now - this.roster.changedAt >= this.config.rosterSettleMs;
  }

  /** The known hive with the most room (the least full when all are full), if any. */
  private roomiestHive(): HiveEntry | undefined {
    let best: HiveEntry | undefined;
    for (const hive of this.hives.values()) if (!best || hive.workers.length < best.workers.length) best = hive;
    return best;
  }

  /**
   * The bees of this bee's hive, as its queen last described it; the colony's roster for an egg,
   * and for a bee whose queen has not described her hive yet (she may die moments into her reign:
   * her orphans still elect within her hive, counting everyone they know).
   */
  private electorateSize(): number {
    const inHive = this.queen !== null || this.formerQueen !== null;
    return inHive && this.hiveMembers.length > 1 ? this.hiveMembers.length : this.roster.electorate();
  }

  /**
   * Royal jelly, first taste: ask whether the hive would elect us before raising the term. A
   * bee cut off from a live hive gets no majority and so cannot inflate terms (Raft's pre-vote).
   */
  private poll(now: number): void {
    this.role = 'candidate';
    this.polling = true;
    this.votes = new Set([this.id]);
    this.electionHive = this.formerQueen;
    this.electionAt = now + this.candidacyDelay(now);
    this.askForVotes(this.term + 1, false, true, now);
  }

  private loseQueen(now: number): void {
    if (this.queen !== null) this.hives.remove(this.queen);
    this.formerQueen = this.queen;
    this.queen = null;
    this.orphanedAt = now;
    if (this.role === 'candidate') return;
    this.electionAt = now + this.candidacyDelay(now);
  }

  /** Royal jelly: become a candidate for the next term and ask the hive for votes. */
  private campaign(now: number, handover: boolean): void {
    this.electionHive = this.queen ?? this.formerQueen;
    this.formerQueen = this.electionHive;
    this.term++;
    this.role = 'candidate';
    this.polling = false;
    this.queen = null;
    this.votedFor = this.id;
    this.votes = new Set([this.id]);
    this.electionAt = now + this.candidacyDelay(now);
    this.counters.elections++;
    this.out.push({ type: 'persist', term: this.term, votedFor: this.id });
    this.askForVotes(this.term, handover, false, now);
  }

  /**
   * An egg in a colony too big to count (its roster beyond twice a hive's capacity) asks only its
   * egg neighbours and founds a hive of them; several such hives may hatch at once, each from
   * different voters, and then merge or split. Every other election floods the colony.
   */
  private askForVotes(term: number, handover: boolean, pre: boolean, now: number): void {
    const local = this.electionHive === null && this.roster.electorate() > 2 * this.config.capacity;
    const voters = local ? [...this.links].filter(([, link]) => link.follows === null).map(([peer]) => peer) : [];
    this.electorate = local ? 1 + voters.length : this.electorateSize();
    const elect: Payload = { k: 'elect', term, electorate: this.electorate, handover, pre, hive: this.electionHive, local };
    if (!local) this.originate(null, elect, now);
    else for (const voter of voters) this.originate(voter, elect, now);
  }

  private onElect(candidate: string, p: Extract<Payload, { k: 'elect' }>, now: number): boolean {
    const queenAlive = this.queenAlive(now);
    // Each hive elects its own queen: a bee votes for candidates of the hive it belongs to (its
    // queen's, for a handover), or, as an egg, for eggs founding a hive.
    const ownHive = queenAlive ? this.queen : this.formerQueen;
    if (p.hive !== ownHive || this.role === 'queen') return true;
    if (p.term < this.term) {
      if (!queenAlive) this.originate(candidate, { k: 'later', term: this.term }, now);
      return false;
    }
    // A hive with a live queen ignores candidates unless she backs the election (her successor).
    if (queenAlive && !p.handover) return false;
    // A local election counts the candidate's neighbours, not ours: only the one vote per term binds.
    const ownElectorate = p.local ? p.electorate : this.electorateSize();
    if (p.pre) {
      // A straw poll binds nobody: answer it without touching our term or vote.
      const ballot = { votedFor: null, candidate, candidateElectorate: p.electorate, ownElectorate };
      if (p.term > this.term && this.rules.grantsVote(ballot)) this.originate(candidate, { k: 'vote', term: p.term, pre: true }, now);
      return true;
    }
    if (p.term > this.term) this.adoptTerm(p.term, now);
    const ballot = { votedFor: this.votedFor, candidate, candidateElectorate: p.electorate, ownElectorate };
    if (this.rules.grantsVote(ballot)) {
      this.votedFor = candidate;
      this.electionAt = now + this.candidacyDelay(now);
      this.out.push({ type: 'persist', term: this.term, votedFor: candidate });
      this.originate(candidate, { k: 'vote', term: p.term, pre: false }, now);
    }
    return true;
  }

  private onVote(voter: string, p: Extract<Payload, { k: 'vote' }>, now: number): void {
    if (this.role !== 'candidate' || p.pre !== this.polling) return;
    if (p.term !== (this.polling ? this.term + 1 : this.term)) return;
    this.votes.add(voter);
    if (this.votes.size < majority(this.electorate)) return;
    if (this.polling) this.campaign(now, false);
    else this.becomeQueen(this.electionHive, now);
  }

  private becomeQueen(heirOf: string | null, now: number, mother: string | null = null): void {
    this.role = 'queen';
    this.queen = this.id;
    this.queenTerm = this.term;
    this.heirOf = heirOf;
    this.mother = mother;
    this.claimFlooded = false;
    this.summoned = new Map(this.hiveMembers.filter((bee) => bee !== this.id && bee !== heirOf).map((bee) => [bee, SUMMONS]));
    this.formerQueen = null;
    this.hiveMembers = [];
    this.votes.clear();
    this.hiveSettledAt = now + this.config.hiveSettleMs;
    this.nextBeatAt = 0; // claim the throne on the next tick rather than a beat later
  }

  /**
   * A new queen floods her claim once, a few hops (eggs farther away learn of her hive from
   * gossip), then names it to each bee of her hive that does not follow her yet; her workers
   * hear her heartbeats on their direct links.
   */
  private claimThrone(now: number): void {
    const claim: Payload = { k: 'queen', term: this.term, heir: this.heirOf, mother: this.mother };
    if (!this.claimFlooded) {
      this.claimFlooded = true;
      this.originate(null, claim, now, this.config.claimTtl);
    }
    const workers = new Set(this.workers());
    for (const [bee, left] of this.summoned) {
      if (workers.has(bee) || left === 0) this.summoned.delete(bee);
      else {
        this.summoned.set(bee, left - 1);
        this.originate(bee, claim, now);
      }
    }
  }

  /**
   * A queen's claim. Eggs and orphans follow a claim they hear; a bee with a live queen follows
   * only its own queen, or the heir who took over her throne. Other hives' queens are neighbours,
   * not rivals: the court links them, and small hives merge.
   */
  private onClaim(claimant: string, p: Extract<Payload, { k: 'queen' }>, now: number): boolean {
    if (this.role === 'queen') return true;
    const own = claimant === this.queen;
    const heir = p.heir !== null && (p.heir === this.queen || p.heir === this.formerQueen);
    if (own || heir) {
      this.follow(claimant, p.term, now);
      return true;
    }
    // An orphan waits for its own hive's new queen; it gives up on its hive after a while.
    if (this.queenAlive(now) || this.formerQueen !== null) return true;
    this.follow(claimant, p.term, now);
    return true;
  }

  /** Follow `queen`: link to her and route through her once the link is open. */
  private follow(queen: string, term: number, now: number): void {
    if (queen !== this.queen) this.hiveMembers = [];
    if (this.role === 'candidate') this.electionAt = now + this.candidacyDelay(now);
    this.role = 'worker';
    this.queen = queen;
    this.queenTerm = term;
    this.queenHeardAt = now;
    this.formerQueen = null;
    if (this.abdication && queen !== this.id) {
      this.out.push({ type: 'settled', ref: this.abdication.ref, ok: true, route: [this.id, queen] });
      this.abdication = null;
    }
    this.requestLink(queen, now);
  }

  private adoptTerm(term: number, now: number): void {
    this.term = term;
    this.votedFor = null;
    this.out.push({ type: 'persist', term, votedFor: null });
    if (this.role === 'candidate') {
      this.role = 'worker';
      this.electionAt = now + this.candidacyDelay(now);
    }
  }

  /** Our queen bred us: we are the queen of a new hive, and her chosen workers move to us. */
  private hatch(mother: string, term: number, now: number): void {
    if (term > this.term) {
      this.term = term;
      this.votedFor = null;
      this.out.push({ type: 'persist', term, votedFor: null });
    }
    // Her workers are the ones her mother moves to her; nobody else need be called.
    this.hiveMembers = [];
    this.becomeQueen(null, now, mother);
  }

  /**
   * A queen's care for her hive: keep the court linked, breed a new queen when over capacity,
   * and move a small hive into another one where both fit with room to spare.
   */
  private tendHive(now: number): void {
    const court = this.court().length;
    if (court < this.config.courtLinks) {
      for (const { queen } of this.hives.values()) {
        if (this.links.has(queen) || this.linking.has(queen) || this.failedAt.has(queen)) continue;
        this.requestLink(queen, now);
        break;
      }
    }
    if (now < this.hiveSettledAt) return;
    const workers = this.workers();
    const relayRate = this.relayRates.length < RELAY_LOAD_BEATS ? 0 : Math.min(...this.relayRates);
    if (overloaded({ workers: workers.length, capacity: this.config.capacity, relayRate, relayLimit: this.config.relayLimit })) {
      const fitness = new Map(workers.map((bee) => [bee, this.links.get(bee) as LinkState]));
      for (const brood of planBreeding(fitness, this.config.capacity, this.rng)) {
        this.bred.set(brood.heir, this.term);
        if (this.bred.size > MAX_BRED) this.bred.delete(this.bred.keys().next().value as string);
        this.originate(brood.heir, { k: 'breed', term: this.term, workers: brood.movers }, now);
        for (const mover of brood.movers) this.originate(mover, { k: 'move', to: brood.heir }, now);
        this.counters.splits++;
      }
      this.hiveSettledAt = now + this.config.hiveSettleMs;
      return;
    }
    const target = mergeTarget(this.id, workers.length, this.hives.values(), this.config.capacity);
    if (target === undefined) return;
    for (const worker of workers) this.originate(worker, { k: 'move', to: target }, now);
    this.counters.merges++;
    this.follow(target, this.hives.get(target)?.term ?? 0, now);
  }

  private abdicate(ref: number, now: number): void {
    if (this.role !== 'queen') {
      this.out.push({ type: 'settled', ref, ok: false, reason: 'only a queen can abdicate' });
      return;
    }
    if (!this.crownSuccessor(now)) {
      this.out.push({ type: 'settled', ref, ok: false, reason: 'no worker to hand the throne to' });
      return;
    }
    this.abdication = { ref, term: this.term, until: now + 4 * this.config.queenTimeoutMs };
  }

  /** Step down and ask the best worker to campaign at once; she keeps relaying meanwhile. */
  private crownSuccessor(now: number): boolean {
    const workers = this.workers();
    const successor = chooseSuccessor(new Map(workers.map((bee) => [bee, this.links.get(bee) as LinkState])));
    if (successor === undefined) return false;
    // She votes in her successor's election as a member of the hive she hands over. Workers that
    // joined after her election, or voted in a failed one, may be on other terms than hers.
    this.hiveMembers = [this.id, ...workers];
    const term = Math.max(this.term, ...workers.map((bee) => (this.links.get(bee) as LinkState).term));
    this.originate(successor, { k: 'crown', term, hive: this.hiveMembers }, now);
    this.role = 'worker';
    this.queen = null;
    this.formerQueen = this.id;
    this.orphanedAt = now;
    this.electionAt = now + this.config.queenTimeoutMs;
    return true;
  }
}
