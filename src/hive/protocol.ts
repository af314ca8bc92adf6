// One bee's protocol as a state machine: `step(event, now)` returns the effects the driver must
// carry out. No timers, sockets, clocks or storage in here — time arrives as `now` and as `tick`
// events, randomness from the injected Rng — so the simulator can run thousands of these and
// replay any run from its seed.

import { MAX_HOPS, type Frame } from './frames';
import { Roster } from './roster';
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
};

const SEEN_CAPACITY = 20_000;
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
  | { type: 'send'; ref: number; to: string; body: unknown }
  | { type: 'broadcast'; ref: number; body: unknown }
  /** This bee is going away on purpose. */
  | { type: 'leave' };

export type Effect =
  | { type: 'link'; peer: string }
  | { type: 'unlink'; peer: string }
  | { type: 'send'; peer: string; frame: Frame }
  | { type: 'deliver'; message: Delivered }
  /** The outcome of a `send` or `broadcast` event with this ref. */
  | { type: 'settled'; ref: number; ok: true; route: string[] }
  | { type: 'settled'; ref: number; ok: false; reason: string };

export interface Counters {
  framesIn: number;
  malformed: number;
  duplicates: number;
  forwarded: number;
  delivered: number;
  linksOpened: number;
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

interface LinkState {
  lastFrameAt: number;
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
  /** Frame keys (id:attempt) already forwarded. */
  private readonly forwarded = new SeenIds(SEEN_CAPACITY, SEEN_TTL_MS);
  /** Message ids already delivered here: delivery is exactly once across retransmissions. */
  private readonly delivered = new SeenIds(SEEN_CAPACITY, SEEN_TTL_MS);
  private readonly counters: Counters = { framesIn: 0, malformed: 0, duplicates: 0, forwarded: 0, delivered: 0, linksOpened: 0 };
  private nextBeatAt = 0;
  private left = false;
  private out: Effect[] = [];

  constructor(
    readonly id: string,
    private readonly rng: Rng,
    private readonly config: HiveConfig = DEFAULT_CONFIG,
  ) {
    this.roster = new Roster(id, config.rosterTimeoutMs);
  }

  step(event: HiveEvent, now: number): Effect[] {
    this.out = [];
    if (this.left) return this.out;
    switch (event.type) {
      case 'tick': this.onTick(now); break;
      case 'welcome': this.onWelcome(event.peers, now); break;
      case 'beeLeft': this.forget(event.bee, now); break;
      case 'linkOpen': this.onLinkOpen(event.peer, now); break;
      case 'linkClosed': this.onLinkClosed(event.peer, now); break;
      case 'frame': this.onFrame(event.peer, event.frame, now); break;
      case 'malformed': this.counters.malformed++; break;
      case 'send': this.submit(event.ref, event.to, event.body, now); break;
      case 'broadcast': this.submit(event.ref, null, event.body, now); break;
      case 'leave': this.onLeave(); break;
    }
    return this.out;
  }

  snapshot(): Snapshot {
    return {
      id: this.id,
      role: this.links.size > 0 ? 'worker' : 'egg',
      term: 0,
      queen: null,
      workers: [],
      neighbours: [...this.links.keys()].sort(),
      roster: [this.id, ...this.roster.others()].sort(),
      queens: [],
      counters: { ...this.counters },
    };
  }

  private onTick(now: number): void {
    if (now >= this.nextBeatAt) {
      this.nextBeatAt = now + this.config.heartbeatIntervalMs;
      const beat: Frame = { t: 'hb', digest: this.roster.digest(now) };
      for (const peer of this.links.keys()) this.emitFrame(peer, beat);
    }
    for (const bee of this.roster.expire(now)) this.introduced.delete(bee);
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
    for (const [id, message] of this.outgoing) {
      if (now >= message.nextAttemptAt) this.transmit(id, message, now);
    }
    this.forwarded.prune(now);
    this.delivered.prune(now);
    for (const [bee, at] of this.failedAt) if (now - at > this.config.linkAttemptTimeoutMs) this.failedAt.delete(bee);
  }

  private forget(bee: string, now: number): void {
    this.roster.remove(bee, now);
    this.introduced.delete(bee);
  }

  private onWelcome(peers: string[], now: number): void {
    for (const peer of peers) this.introduced.add(peer);
    for (let i = 0; i < this.config.targetNeighbours; i++) this.keepNeighbours(now);
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
    if (peer === this.id || this.links.has(peer) || this.linking.has(peer)) return;
    this.linking.set(peer, now);
    this.out.push({ type: 'link', peer });
  }

  private onLinkOpen(peer: string, now: number): void {
    const asked = this.linking.delete(peer);
    // Accept links from others only while there is room; our own requests always fit.
    if (!asked && this.links.size >= this.config.maxNeighbours) {
      this.out.push({ type: 'unlink', peer });
      return;
    }
    this.links.set(peer, { lastFrameAt: now });
    this.counters.linksOpened++;
    // Introduce ourselves at once so the roster fills without waiting a heartbeat.
    this.emitFrame(peer, { t: 'hb', digest: this.roster.digest(now) });
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

  private onLeave(): void {
    for (const peer of this.links.keys()) this.emitFrame(peer, { t: 'bye' });
    for (const [, message] of this.outgoing) {
      this.out.push({ type: 'settled', ref: message.ref, ok: false, reason: 'this bee left the colony' });
    }
    this.outgoing.clear();
    this.left = true;
  }

  private onFrame(peer: string, frame: Frame, now: number): void {
    const link = this.links.get(peer);
    if (!link) return; // a frame racing its link's close
    link.lastFrameAt = now;
    this.counters.framesIn++;
    switch (frame.t) {
      case 'hb':
        for (const [bee, beat] of frame.digest) this.roster.merge(bee, beat, now);
        break;
      case 'bye':
        this.forget(peer, now);
        this.dropLink(peer);
        break;
      case 'msg':
        this.onMessage(peer, frame, now);
        break;
      case 'ack':
        this.onAck(peer, frame, now);
        break;
    }
  }

  private onMessage(peer: string, frame: Extract<Frame, { t: 'msg' }>, now: number): void {
    if (frame.from === this.id || !this.forwarded.add(`${frame.id}:${frame.attempt}`, now)) {
      this.counters.duplicates++;
      return;
    }
    const route = [...frame.route, this.id];
    if (frame.to === null || frame.to === this.id) {
      if (this.delivered.add(frame.id, now)) {
        this.counters.delivered++;
        this.out.push({ type: 'deliver', message: { id: frame.id, from: frame.from, body: frame.body, at: now, route } });
      }
    }
    if (frame.to === this.id) {
      // Acknowledge every attempt: the previous ack may be the thing that got lost.
      const ack: Frame = { t: 'ack', id: this.rng.hex(8), of: frame.id, from: this.id, to: frame.from, ttl: this.config.floodTtl, route: [this.id] };
      this.forwarded.add(`${ack.id}:0`, now);
      this.route(ack, ack.to, [peer], ack.route);
      return;
    }
    if (frame.ttl > 0 && route.length <= MAX_HOPS) this.route({ ...frame, ttl: frame.ttl - 1, route }, frame.to, [peer], route);
  }

  private onAck(peer: string, frame: Extract<Frame, { t: 'ack' }>, now: number): void {
    if (!this.forwarded.add(`${frame.id}:0`, now)) {
      this.counters.duplicates++;
      return;
    }
    const route = [...frame.route, this.id];
    if (frame.to === this.id) {
      const message = this.outgoing.get(frame.of);
      if (!message) return;
      this.outgoing.delete(frame.of);
      this.out.push({ type: 'settled', ref: message.ref, ok: true, route });
      return;
    }
    if (frame.ttl > 0 && route.length <= MAX_HOPS) this.route({ ...frame, ttl: frame.ttl - 1, route }, frame.to, [peer], route);
  }

  private submit(ref: number, to: string | null, body: unknown, now: number): void {
    const id = this.rng.hex(8);
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

  /** Send (or resend) one of our messages. Broadcasts settle once handed to a neighbour. */
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
    const attempt = message.attempt++;
    // Without links the attempt is spent waiting; a link opening retransmits at once.
    message.stalled = this.links.size === 0;
    if (message.stalled) return;
    const frame: Frame = { t: 'msg', id, attempt, from: this.id, to: message.to, body: message.body, ttl: this.config.floodTtl, route: [this.id] };
    this.forwarded.add(`${id}:${attempt}`, now);
    this.route(frame, message.to, [], frame.route);
    if (message.to === null) {
      this.outgoing.delete(id);
      this.out.push({ type: 'settled', ref: message.ref, ok: true, route: [this.id] });
    }
  }

  /**
   * Directed frames go straight to their target when it is a neighbour; everything else floods to
   * every neighbour that has not already seen it (the link it came from, bees on its route).
   */
  private route(frame: Frame, to: string | null, except: string[], route: string[]): void {
    if (to !== null && this.links.has(to)) {
      this.emitFrame(to, frame);
      this.counters.forwarded++;
      return;
    }
    for (const peer of this.links.keys()) {
      if (except.includes(peer) || route.includes(peer)) continue;
      this.emitFrame(peer, frame);
      this.counters.forwarded++;
    }
  }

  private emitFrame(peer: string, frame: Frame): void {
    this.out.push({ type: 'send', peer, frame });
  }
}
