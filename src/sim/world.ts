// A deterministic world of simulated bees: real Protocol instances over a virtual network and a
// virtual clock, with a tab's faults (reloads, failed writes, frozen pages, clocks running ahead).
// One seed drives latency, loss, faults, ids and every bee's RNG, so any run replays.

import { Driver } from '../driver/driver';
import type { PersistEffect, Ports } from '../driver/ports';
import { ELECTION_RULES, type ElectionRules } from '../hive/election';
import type { Frame } from '../hive/frames';
import { DEFAULT_CONFIG, Protocol, type HiveConfig, type HiveEvent } from '../hive/protocol';
import { seededRng, type Rng } from '../hive/rng';
import { SAMPLE_SIZE } from '../net/signal-protocol';
import { simNotary } from './notary';
import { Census } from './census';
import { EventQueue } from './queue';
import { SimBee, type Disk, type FrameTap, type Observer } from './sim-bee';
import { Topology } from './topology';
import type { WorldOptions } from './world-options';

export { SimBee, type Disk, type FrameTap, type Observer } from './sim-bee';
export type { WorldOptions } from './world-options';

/** How long a reloading tab is gone before the same bee opens the colony again. */
const RELOAD_MS: [number, number] = [200, 1500];

/**
 * Events for a bee carry the life (SimBee.lives) they were meant for: a reload ends a page, and
 * what was on its way to the old page (its timers, frames on its closed links, links it asked
 * for) never reaches the new one. They hold the bees themselves, not their ids: the queue runs
 * millions of events, and a lookup by id for each was a cache miss each.
 */
type WorldEvent =
  | { kind: 'tick'; bee: SimBee; life: number }
  | { kind: 'hive'; bee: SimBee; life: number; event: HiveEvent }
  // A frame sent over a link: it travels over the sending page's link.
  | { kind: 'frame'; bee: SimBee; life: number; event: Extract<HiveEvent, { type: 'frame' }>; sender: SimBee; senderLife: number }
  | { kind: 'open'; a: SimBee; b: SimBee; lifeA: number; lifeB: number }
  | { kind: 'rejoin'; bee: SimBee }
  | { kind: 'thaw'; bee: SimBee; life: number };

export class World {
  now = 0;
  observer: Observer | null = null;
  tap: FrameTap | null = null;
  readonly bees = new Map<string, SimBee>();
  framesSent = 0;
  framesLost = 0;
  /** Persist writes that failed (storageFailRate); the frames after each in its step never left. */
  writesFailed = 0;
  /** Probability that a frame is lost in flight; scenarios change it as they go. */
  loss: number;
  /** A frame this returns true for is lost in flight: a test's loss of one frame in particular. */
  loseFrame: ((from: string, to: string, frame: Frame) => boolean) | null = null;
  /** Probability that a persist write fails; scenarios change it as they go. */
  storageFailRate: number;
  private readonly framesWaitForWrites: boolean;
  private readonly tabs: boolean;
  /**
   * Whether the signaling server is up. While it is down nobody is introduced or told of
   * departures, and a link's signals take the mesh: two bees link only while a chain of open
   * links joins them (the simulator then links them directly).
   */
  signaling = true;
  private readonly rng: Rng;
  private readonly queue = new EventQueue<WorldEvent>();
  private readonly topology = new Topology();
  private readonly census = new Census(() => [...this.bees.values()].filter((bee) => bee.alive).map((bee) => bee.id));
  private readonly latency: [number, number];
  private readonly tickMs: number;
  private readonly tickJitterMs: number;
  readonly config: HiveConfig;
  private readonly rules: ElectionRules;
  /** The world's signing secret (notary.ts): seals made without it do not verify. */
  readonly notaryKey: number;

  constructor(options: WorldOptions) {
    this.rng = seededRng(options.seed);
    // Drawn apart from the world's own sequence, so adding the notary changed no seed's run.
    this.notaryKey = seededRng(~options.seed).int(2 ** 31);
    this.latency = options.latencyMs ?? [5, 40];
    this.loss = options.loss ?? 0;
    this.storageFailRate = options.storageFailRate ?? 0;
    this.framesWaitForWrites = options.framesWaitForWrites ?? true;
    this.tabs = options.tabs ?? false;
    this.tickMs = options.tickMs ?? 250;
    this.tickJitterMs = options.tickJitterMs ?? 0;
    this.config = { ...DEFAULT_CONFIG, ...options.config };
    this.rules = options.rules ?? ELECTION_RULES;
  }

  /** A new bee opens the colony: the (simulated) signaling server welcomes it with a sample. */
  addBee(as: { observer?: boolean } = {}): string {
    const id = this.rng.hex(8);
    const bee = new SimBee(id, as.observer === true);
    this.openPage(bee);
    this.bees.set(id, bee);
    this.census.joined(id);
    this.welcome(bee);
    return id;
  }

  /** A page load of `bee`: a new Protocol (restored from its disk after a reload) and its driver. */
  private openPage(bee: SimBee, restored?: Disk): void {
    const protocol = new Protocol(bee.id, seededRng(this.rng.int(2 ** 31)), simNotary(bee.id, this.notaryKey), { config: bee.observer ? { ...this.config, observer: true } : this.config, rules: this.rules, ...(restored ? { restored } : {}) });
    bee.driver = this.drive(bee, protocol);
    if (!this.tabs) return;
    // The simulator has no rogue tabs.
    const acts = { cut: (peer: string) => this.unlink(bee.id, peer), peers: () => this.topology.neighboursOf(bee.id), kill: () => this.closeBee(bee.id), goRogue: () => {} };
    bee.openClassroom(acts, restored?.upgrades?.at(-1));
  }

  /** The signaling server introduces the page, and its timer starts. */
  private welcome(bee: SimBee): void {
    this.introduce(bee.id);
    this.queue.push(this.now + this.rng.int(this.tickMs), { kind: 'tick', bee, life: bee.lives });
  }

  /**
   * The tab reloads: the page closes as closeBee closes it, and a moment later the same bee opens
   * the colony again, a new Protocol restored from its disk and nothing else.
   */
  reload(id: string): void {
    const bee = this.bees.get(id);
    if (!bee?.alive) return;
    this.closeBee(id);
    const [min, max] = RELOAD_MS;
    this.queue.push(this.now + min + this.rng.int(max - min + 1), { kind: 'rejoin', bee });
  }

  private rejoin(bee: SimBee): void {
    bee.lives++;
    this.openPage(bee, bee.disk);
    bee.alive = true;
    bee.role = 'egg';
    bee.term = bee.disk.term;
    bee.queen = null;
    bee.frozen = null;
    this.census.changed();
    this.welcome(bee);
  }

  /**
   * The bee's JavaScript stops for `ms` (a closed laptop lid): no ticks, frames pile up unread,
   * its links stay open. It then reads them all in order and goes on with stale state, its clock
   * having jumped `ms` ahead.
   */
  freeze(id: string, ms: number): void {
    const bee = this.bees.get(id);
    if (!bee?.alive) return;
    const untilMs = Math.max(bee.frozen?.untilMs ?? 0, this.now + ms);
    bee.frozen = { untilMs, backlog: bee.frozen?.backlog ?? [] };
    this.queue.push(untilMs, { kind: 'thaw', bee, life: bee.lives });
  }

  /** This bee's clock runs `ms` further ahead from now on (clocks here never run backwards). */
  jumpClock(id: string, ms: number): void {
    if (ms < 0) throw new RangeError(`a clock jump must be forward, got ${ms} ms`);
    const bee = this.bees.get(id);
    if (bee) bee.clockOffsetMs += ms;
  }

  /**
   * The next link attempt between `a` and `b`, either way, is lost: neither end hears of it (a
   * signal lost on the mesh while the server is away).
   */
  loseNextDial(a: string, b: string): void {
    this.topology.loseDial(a, b);
  }

  /** The simulated signaling server answers with a random sample of other live bees. */
  private introduce(id: string): void {
    if (!this.signaling) return;
    const peers = this.census.sample(id, SAMPLE_SIZE, this.rng);
    this.schedule(id, { type: 'welcome', peers });
  }

  /** A tab closes: its links close at the far ends and the server tells the colony. */
  closeBee(id: string): void {
    this.kill(id);
    if (this.signaling) for (const bee of this.census.list()) this.schedule(bee, { type: 'beeLeft', bee: id });
  }

  /** A tab crashes or its network vanishes: nobody is told; heartbeats must notice. */
  crashBee(id: string): void {
    const bee = this.bees.get(id);
    if (bee) this.bury(bee);
  }

  /** Put bees into partition groups; bees in different groups cannot exchange anything. */
  split(groups: string[][]): void {
    this.topology.split(groups);
  }

  heal(): void {
    this.topology.heal();
  }

  send(from: string, to: string | null, body: unknown, ref = 0): void {
    this.schedule(from, to === null ? { type: 'broadcast', ref, body } : { type: 'send', ref, to, body });
  }

  /** Live bees in creation order. */
  liveIds(): string[] {
    return [...this.census.list()];
  }

  linkCount(): number {
    return this.topology.links;
  }

  /** The bees `id` has an open link with (read-only: the hive map draws them). */
  neighboursOf(id: string): ReadonlySet<string> {
    return this.topology.neighboursOf(id);
  }

  private linked(a: string, b: string): boolean {
    return this.topology.linked(a, b);
  }

  private bury(bee: SimBee): void {
    if (!bee.alive) return;
    bee.alive = false;
    this.census.changed();
  }

  runFor(durationMs: number): void {
    this.runUntil(this.now + durationMs);
  }

  runUntil(time: number): void {
    for (let next = this.queue.peekTime(); next !== undefined && next <= time; next = this.queue.peekTime()) {
      const { at, item } = this.queue.pop() as { at: number; item: WorldEvent };
      this.now = at;
      this.handle(item);
    }
    this.now = time;
  }

  private handle(item: WorldEvent): void {
    if (item.kind === 'open') {
      this.open(item);
      return;
    }
    const bee = item.bee;
    if (item.kind === 'rejoin') {
      this.rejoin(bee);
      return;
    }
    if (!bee.alive || item.life !== bee.lives) return;
    if (item.kind === 'thaw') {
      this.thaw(bee);
      return;
    }
    if (item.kind === 'tick') {
      // Drawn only when asked for: worlds without jitter replay the seeds they always did.
      this.queue.push(this.now + this.tickMs + (this.tickJitterMs > 0 ? this.rng.int(this.tickJitterMs) : 0), item);
      if (!bee.frozen) bee.tick();
      return;
    }
    const event = item.event;
    if (event.type === 'frame' && !this.carried(bee.id, event.peer, item)) return;
    // A close that arrives after the two bees linked again was the old connection's: a transport
    // tells of each connection's own close, and the new one is open.
    if (event.type === 'linkClosed' && this.linked(bee.id, event.peer)) return;
    if (bee.frozen) bee.frozen.backlog.push(event);
    else bee.driver.step(event);
  }

  /** The bee runs again: it reads what piled up while it was frozen, in the order it arrived. */
  private thaw(bee: SimBee): void {
    if (!bee.frozen || this.now < bee.frozen.untilMs) return;
    const { backlog } = bee.frozen;
    bee.frozen = null;
    for (const event of backlog) bee.driver.step(event);
  }

  /**
   * Whether a frame reaches `id`: the link it left on is still open, from the same page (a frame
   * a test scheduled directly names no page).
   */
  private carried(id: string, peer: string, item: Extract<WorldEvent, { kind: 'hive' | 'frame' }>): boolean {
    return this.linked(id, peer) && (item.kind === 'hive' || item.senderLife === item.sender.lives);
  }

  /**
   * The driver of one page load of `bee`: the virtual network is its wire, the bee's disk its
   * store (a write is done at once, or fails at storageFailRate), and its clock runs clockOffsetMs
   * ahead of the world's. The protocol is not told of a failed write, as a tab does not tell it.
   */
  private drive(bee: SimBee, protocol: Protocol): Driver {
    const ports: Ports = {
      wire: {
        link: (peer) => this.requestLink(bee, peer),
        unlink: (peer) => this.unlink(bee.id, peer),
        send: (peer, frame) => this.transmit(bee, peer, frame),
        sample: () => this.introduce(bee.id),
      },
      store: {
        persist: (effect) => this.persist(bee, effect),
        deliver: (message) => bee.deliver(message),
        adopt: (upgrade, chain) => {
          bee.classroom?.adopted(upgrade);
          return bee.adopt(chain);
        },
        ban: (ban) => bee.disk.bans.push(ban),
      },
      clock: { now: () => this.now + bee.clockOffsetMs },
      observe: {
        settled: (effect) => bee.settled.push(effect),
        roleChanged: (effect) => {
          bee.announced(effect);
          this.observer?.(bee, effect, this.now);
        },
      },
    };
    return new Driver(protocol, ports, { framesWaitForWrites: this.framesWaitForWrites });
  }

  /** A vote (or membership) written to the bee's disk, unless storage fails this time. */
  private persist(bee: SimBee, effect: PersistEffect): boolean {
    // A campaign is a vote for itself in a new term; the same vote stored again with a membership is not.
    if (effect.votedFor === bee.id && effect.term > bee.campaignedIn) {
      bee.campaignedIn = effect.term;
      bee.elections++;
    }
    if (this.storageFailRate > 0 && this.rng.next() < this.storageFailRate) {
      this.writesFailed++;
      // A broken driver casts the vote anyway: the frame leaves, the disk never hears of it.
      if (!this.framesWaitForWrites) this.observer?.(bee, effect, this.now);
      return false;
    }
    const { type: _persist, ...persisted } = effect;
    bee.disk = { ...bee.disk, ...persisted };
    this.observer?.(bee, effect, this.now);
    return true;
  }

  private requestLink(bee: SimBee, peer: string): void {
    // A tab of a split room does not dial across it: the attempt times out in the protocol.
    if (this.linked(bee.id, peer) || bee.classroom?.allows(peer) === false) return;
    bee.connections++;
    // A signal lost on the mesh, or with no way through it: the dialler's attempt times out.
    if (this.topology.dialLost(bee.id, peer) || (!this.signaling && !this.topology.connected(bee.id, peer))) return;
    if (this.reachable(bee.id, peer)) {
      // Offer and answer: about a round trip before the channel opens.
      const other = this.bees.get(peer) as SimBee;
      this.queue.push(this.now + this.delay() + this.delay(), { kind: 'open', a: bee, b: other, lifeA: bee.lives, lifeB: other.lives });
    } else {
      this.schedule(bee.id, { type: 'linkClosed', peer }, this.delay() * 10);
    }
  }

  /** A link opens between the pages that asked for it and answered; a reload at either end meanwhile fails it. */
  private open({ a: bee, b: other, lifeA, lifeB }: Extract<WorldEvent, { kind: 'open' }>): void {
    const [a, b] = [bee.id, other.id];
    if (this.linked(a, b) || bee.lives !== lifeA) return;
    if (!this.reachable(a, b) || other.lives !== lifeB || !other.accepts(a, this.now + other.clockOffsetMs)) {
      if (bee.alive) this.schedule(a, { type: 'linkClosed', peer: b });
      return;
    }
    this.topology.connect(a, b);
    this.schedule(a, { type: 'linkOpen', peer: b }, 0);
    this.schedule(b, { type: 'linkOpen', peer: a }, 0);
  }

  private unlink(a: string, b: string): void {
    if (!this.topology.disconnect(a, b)) return;
    this.schedule(a, { type: 'linkClosed', peer: b }, 0);
    this.schedule(b, { type: 'linkClosed', peer: a });
  }

  private kill(id: string): void {
    const bee = this.bees.get(id);
    if (!bee) return;
    this.bury(bee);
    for (const peer of [...this.topology.neighboursOf(id)]) this.unlink(id, peer);
  }

  private transmit(sender: SimBee, to: string, frame: Frame): void {
    const from = sender.id;
    this.framesSent++;
    if (!this.linked(from, to)) return;
    this.tap?.(from, to, frame);
    // Linked, so `to` is a bee of this world.
    const bee = this.bees.get(to) as SimBee;
    if (!bee.alive || !this.topology.sameSide(from, to) || (this.loss > 0 && this.rng.next() < this.loss) || this.loseFrame?.(from, to, frame) === true) {
      this.framesLost++;
      return;
    }
    this.queue.push(this.now + this.delay(), { kind: 'frame', bee, life: bee.lives, event: { type: 'frame', peer: from, frame }, sender, senderLife: sender.lives });
  }

  /** Whether b is alive and on a's side of any partition. */
  reachable(a: string, b: string): boolean {
    return this.bees.get(b)?.alive === true && this.topology.sameSide(a, b);
  }

  /** Deliver a protocol event to a bee's present page after a delay (network latency by default). */
  schedule(id: string, event: HiveEvent, delayMs = this.delay()): void {
    const bee = this.bees.get(id);
    if (bee) this.queue.push(this.now + delayMs, { kind: 'hive', bee, life: bee.lives, event });
  }

  private delay(): number {
    const [min, max] = this.latency;
    return min + this.rng.int(max - min + 1);
  }
}
