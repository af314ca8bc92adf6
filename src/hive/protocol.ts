// One bee's protocol as a state machine: `step(event, now)` returns the effects the driver must
// carry out. No timers, sockets, clocks or storage in here — time arrives as `now` and as `tick`
// events, randomness from the injected Rng — so the simulator can run thousands of these and
// replay any run from its seed. docs/protocol.md explains the rules.

import { candidacyDelayMs, chooseSuccessor, ELECTION_RULES, majority, type ElectionRules, type WorkerFitness } from './election';
import { Warden, type Ban, type ConductSnapshot, type LinkOffence } from './eviction';
import { MAX_HOPS, type Envelope, type Frame, type Heartbeat, type Payload } from './frames';
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
};

const SEEN_CAPACITY = 20_000;
/** Rotation rounds without news of a bee before it leaves a big roster. */
const ROSTER_TIMEOUT_ROUNDS = 4;
const SEEN_TTL_MS = 120_000;

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
  /** This bee is going away on purpose (a queen abdicates first). */
  | { type: 'leave' };

export type Effect =
  | { type: 'link'; peer: string }
  | { type: 'unlink'; peer: string }
  /** Ask the signaling server for a fresh sample of live bees (answered with `welcome`). */
  | { type: 'sample' }
  | { type: 'send'; peer: string; frame: Frame }
  | { type: 'deliver'; message: Delivered }
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

/** What a bee kept from an earlier life (a reload): safety and exactly-once depend on it. */
export interface Restored {
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
}

export interface Snapshot {
  id: string;
  role: Role;
  term: number;
  queen: string | null;
  workers: string[];
  neighbours: string[];
  roster: string[];
  queens: string[];
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
  private readonly counters: Counters = { framesIn: 0, malformed: 0, duplicates: 0, forwarded: 0, delivered: 0, linksOpened: 0, elections: 0 };
  private role: Exclude<Role, 'egg' | 'evicted'> = 'worker';
  private term = 0;
  private votedFor: string | null = null;
  private queen: string | null = null;
  /** The term of the queen we follow; our own term can run ahead of it while we vote. */
  private queenTerm = 0;
  /** The queen we followed last, kept after she is lost: her `crown` may trail her departure. */
  private formerQueen: string | null = null;
  private queenHeardAt = 0;
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
    this.term = restored.term;
    this.votedFor = restored.votedFor;
    this.deliveredBefore = new Set(restored.deliveredIds);
    this.warden = new Warden(
      {
        id,
        isQueen: () => this.role === 'queen',
        queen: () => this.queen,
        formerQueen: () => this.formerQueen,
        term: () => this.term,
        linked: (peer) => this.links.has(peer),
        follows: (peer) => this.links.get(peer)?.follows,
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
      queens: this.queen ? [this.queen] : [],
      counters: { ...this.counters },
      conduct: this.warden.snapshot(),
    };
  }

  /** Whether this bee keeps `peer` out (evicted, or shut out for misconduct): links to it are refused before they open. */
  refuses(peer: string, now: number): boolean {
    return this.warden.refuses(peer, now);
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
      this.nextBeatAt = now + this.config.heartbeatIntervalMs;
      const beat = this.heartbeat(now);
      for (const peer of this.links.keys()) this.emitFrame(peer, beat);
      if (this.role === 'queen') this.originate(null, { k: 'queen', term: this.term }, now);
    }
    // A queen, or a queenless bee, looks for parts of the colony it does not know (a healed
    // partition, a split mesh); a bee with no link at all needs fresh introductions anyway.
    if ((this.role === 'queen' || this.queen === null) && now >= this.nextSampleAt) {
      this.nextSampleAt = now + this.config.resampleIntervalMs;
      this.out.push({ type: 'sample' });
    }
    for (const bee of this.roster.expire(now, this.rosterTimeout())) this.introduced.delete(bee);
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

  private heartbeat(now: number): Heartbeat {
    return {
      t: 'hb',
      digest: this.roster.digest(now),
      term: this.term,
      queen: this.queen,
      uptimeMs: now - this.startedAt,
      visible: this.visible,
    };
  }

  private candidacyDelay(now: number): number {
    return candidacyDelayMs({ uptimeMs: now - this.startedAt, visible: this.visible, links: this.links.size }, this.config, this.rng);
  }

  // ---- links and roster ------------------------------------------------------------------

  private forget(bee: string, now: number): void {
    this.roster.remove(bee, now);
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
    this.links.set(peer, { lastFrameAt: now, follows: undefined, uptimeMs: 0, visible: true });
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
        link.follows = frame.queen;
        link.uptimeMs = frame.uptimeMs;
        link.visible = frame.visible;
        // The queen's own heartbeat on a direct link is as good as her flooded claim.
        if (peer === this.queen && frame.queen === peer && frame.term === this.queenTerm) this.queenHeardAt = now;
        break;
      case 'bye':
        this.forget(peer, now);
        this.dropLink(peer);
        break;
      case 'env':
        this.onEnvelope(peer, frame, now);
        break;
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
        return this.onClaim(env.from, p.term, now);
      case 'crown':
        if ((env.from === this.queen || env.from === this.formerQueen) && p.term === this.term) this.campaign(now, true);
        return true;
      case 'evict':
        return this.warden.onNotice(env.from, p, now);
      case 'later':
        // Bees that lived through a term we missed cannot follow us until we reign above it.
        if (this.role === 'queen' && p.term > this.term) {
          this.term = p.term;
          this.campaign(now, true);
        }
        return true;
    }
  }

  // ---- routing ---------------------------------------------------------------------------

  /** Start an envelope of our own. */
  private originate(to: string | null, p: Payload, now: number): void {
    const env: Envelope = { t: 'env', id: this.rng.hex(8), from: this.id, to, ttl: this.config.floodTtl, route: [this.id], p };
    this.forwarded.add(env.id, now);
    this.relay(env, null);
  }

  /**
   * Where an envelope goes next. With a queen, data goes through her ("communicate solely
   * through her") and she fans broadcasts out to her links; elections and claims always flood
   * the mesh, which is also the fallback while there is no queen link.
   */
  private relay(env: Envelope, from: string | null): void {
    const isData = env.p.k === 'data' || env.p.k === 'ack';
    const queenLinked = this.role !== 'queen' && this.queen !== null && this.links.has(this.queen);
    if (isData && queenLinked && from !== this.queen && env.to !== this.queen) {
      this.forward(this.queen as string, env);
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
    for (const peer of this.links.keys()) {
      if (peer !== from && !env.route.includes(peer)) this.forward(peer, env);
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
    // A lone bee, or one that knows no other, has nobody to be queen of; and a bee whose roster
    // is still changing does not yet know how many votes make a majority.
    const settled = now - this.roster.changedAt >= this.config.rosterSettleMs;
    if (now >= this.electionAt && settled && this.links.size > 0 && this.roster.size > 0) this.poll(now);
  }

  /**
   * Royal jelly, first taste: ask whether the colony would elect us before raising the term. A
   * bee cut off from a live hive gets no majority and so cannot inflate terms that would later
   * make it deaf to its queen (Raft's pre-vote).
   */
  private poll(now: number): void {
    this.role = 'candidate';
    this.polling = true;
    this.votes = new Set([this.id]);
    this.electorate = this.roster.electorate();
    this.electionAt = now + this.candidacyDelay(now);
    this.originate(null, { k: 'elect', term: this.term + 1, electorate: this.electorate, handover: false, pre: true }, now);
  }

  private loseQueen(now: number): void {
    this.formerQueen = this.queen;
    this.queen = null;
    if (this.role === 'candidate') return;
    this.electionAt = now + this.candidacyDelay(now);
  }

  /** Royal jelly: become a candidate for the next term and ask the colony for votes. */
  private campaign(now: number, handover: boolean): void {
    this.term++;
    this.role = 'candidate';
    this.polling = false;
    this.queen = null;
    this.votedFor = this.id;
    this.votes = new Set([this.id]);
    this.electorate = this.roster.electorate();
    this.electionAt = now + this.candidacyDelay(now);
    this.counters.elections++;
    this.out.push({ type: 'persist', term: this.term, votedFor: this.id });
    this.originate(null, { k: 'elect', term: this.term, electorate: this.electorate, handover, pre: false }, now);
  }

  private onElect(candidate: string, p: Extract<Payload, { k: 'elect' }>, now: number): boolean {
    if (p.term < this.term) return false;
    // A hive with a live queen ignores candidates (and their terms) unless she backs the
    // election: her successor after an abdication, or herself seeking a later term.
    if (this.queenAlive(now) && !p.handover) return false;
    const ownElectorate = this.roster.electorate();
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
    else this.becomeQueen();
  }

  private becomeQueen(): void {
    this.role = 'queen';
    this.queen = this.id;
    this.queenTerm = this.term;
    this.votes.clear();
    this.nextBeatAt = 0; // claim the throne on the next tick rather than a beat later
  }

  private onClaim(claimant: string, term: number, now: number): boolean {
    if (term < this.term) {
      if (this.queen === null) this.originate(claimant, { k: 'later', term: this.term }, now);
      return false;
    }
    // Two queens of one term (rosters disagreed, or a partition healed): the smaller id reigns.
    // A later term always wins, even while we still follow the queen of an earlier one.
    const rival = this.queen !== null && this.queen !== claimant;
    if (rival && term === this.queenTerm && claimant > (this.queen as string)) return false;
    if (term > this.term) this.adoptTerm(term, now);
    this.role = 'worker';
    this.queen = claimant;
    this.queenTerm = term;
    this.queenHeardAt = now;
    if (this.abdication && term > this.abdication.term) {
      this.out.push({ type: 'settled', ref: this.abdication.ref, ok: true, route: [this.id, claimant] });
      this.abdication = null;
    }
    this.requestLink(claimant, now);
    return true;
  }

  private adoptTerm(term: number, now: number): void {
    this.term = term;
    this.votedFor = null;
    this.out.push({ type: 'persist', term, votedFor: null });
    if (this.role !== 'worker') {
      this.role = 'worker';
      this.queen = null;
      this.electionAt = now + this.candidacyDelay(now);
    }
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
    this.abdication = { ref, term: this.term, until: now + 2 * this.config.queenTimeoutMs };
  }

  /** Step down and ask the best worker to campaign at once; she keeps relaying meanwhile. */
  private crownSuccessor(now: number): boolean {
    const workers = new Map(this.workers().map((bee) => [bee, this.links.get(bee) as LinkState]));
    const successor = chooseSuccessor(workers);
    if (successor === undefined) return false;
    this.originate(successor, { k: 'crown', term: this.term }, now);
    this.role = 'worker';
    this.queen = null;
    this.electionAt = now + this.config.queenTimeoutMs;
    return true;
  }
}
