// A colony of real protocol bees over the in-memory transport, on a virtual clock, wired as a tab
// wires them: the tab's driver, authenticated links and signed envelopes (SecureLinks), frames as
// strings through the tab's own parser, what a tab stores kept across reloads, messages paced, and
// a bee may be told to go rogue. Lighter than a tab, heavier than the simulator's World (which
// hands parsed frames straight to the protocol).

import { createIdentity, type Identity } from '../crypto/identity';
import { Driver } from '../driver/driver';
import type { Settled } from '../driver/ports';
import { dataPayloadBytes, Pacer, type Pace } from '../hive/pacer';
import { DEFAULT_CONFIG, Protocol, type Delivered, type HiveConfig, type HiveEvent } from '../hive/protocol';
import { seededRng, type Rng } from '../hive/rng';
import { Rogue, type RogueKind } from '../hive/rogue';
import { misconduct, SecureLinks, type SecureLinkEvent } from '../link/secure-links';
import { encodeFrame, parseFrame, type Frame } from '../hive/frames';
import { MemoryNetwork, type MemoryTransport } from '../net/memory';
import { SAMPLE_SIZE } from '../net/signal-protocol';
import { identityNotary } from '../link/notary';
import { Kept } from './kept';

export interface MemoryColonyOptions {
  seed: number;
  config?: Partial<HiveConfig>;
  /** How often each bee's timer fires. */
  tickMs?: number;
  /** Virtual time between two rounds of frame delivery. */
  stepMs?: number;
  pace?: Pace;
  /**
   * Authenticated links and signed envelopes, as in a tab (the default). Without them frames go
   * over plain links: for load tests, where signing every message would cost minutes.
   */
  secure?: boolean;
}

/** What a bee speaks to its links through: SecureLinks, or plain strings for unsecured runs. */
interface Links {
  link(peer: string): void;
  unlink(peer: string): void;
  send(peer: string, frame: Frame): boolean;
  encode(frame: Frame): string | null;
  encodeOverLimits(frame: Frame): string | null;
  sendRaw(peer: string, raw: string): boolean;
  subscribe(listener: (event: SecureLinkEvent) => void): () => void;
  destroy(): void;
}

/** Plain links: frames as strings through the tab's parser, nothing signed. */
function plainLinks(raw: MemoryTransport): Links {
  return {
    link: (peer) => raw.link(peer),
    unlink: (peer) => raw.unlink(peer),
    send: (peer, frame) => raw.send(peer, encodeFrame(frame)),
    encode: (frame) => encodeFrame(frame),
    encodeOverLimits: (frame) => encodeFrame(frame),
    sendRaw: (peer, frame) => raw.send(peer, frame),
    subscribe: (listener) =>
      raw.subscribe((event) => {
        if (event.type !== 'frame') return listener(event);
        const frame = parseFrame(event.frame);
        listener(frame ? { type: 'frame', peer: event.peer, frame } : { type: 'malformed', peer: event.peer });
      }),
    destroy: () => raw.destroy(),
  };
}

const COLONY = 'memory';

/** Lets every queued microtask (the memory transport's deliveries, and theirs) run. */
const drain = () => new Promise<void>((resolve) => setImmediate(resolve));

export class MemoryBee {
  readonly settled: Settled[] = [];
  readonly driver: Driver;
  readonly links: Links;
  rogue: Rogue | null = null;
  nextTickAt: number;
  private readonly raw: MemoryTransport;
  private readonly pacer: Pacer;
  /** Messages the pacer holds back, oldest first. */
  private readonly waiting: Array<{ to: string | null; body: unknown; ref: number }> = [];
  private readonly inFlight = new Set<number>();

  constructor(
    readonly identity: Identity,
    private readonly colony: MemoryColony,
    private readonly rng: Rng,
    config: HiveConfig,
    pace: Pace | undefined,
    firstTickAt: number,
    /** What this bee stored, in this life and the ones before. */
    readonly kept: Kept,
  ) {
    const protocol = new Protocol(identity.id, rng, identityNotary(identity), { config, restored: kept.restored() });
    this.pacer = new Pacer(pace);
    this.raw = colony.network.transport(identity.id);
    this.raw.subscribe((event) => event.type === 'frame' && this.rogue?.capture(event.frame));
    this.links = colony.secure
      ? colony.secureLinks(this.raw, identity, {
          onMisconduct: (event) => this.step(event),
          admit: (peer) => !this.protocol.refuses(peer, colony.now),
          handsTo: (via, to) => this.protocol.handsTo(via, to),
        })
      : plainLinks(this.raw);
    this.nextTickAt = firstTickAt;
    this.driver = new Driver(protocol, {
      wire: {
        link: (peer) => this.links.link(peer),
        unlink: (peer) => this.links.unlink(peer),
        send: (peer, frame) => {
          // A rogue that rewrites passes on what it relays its own way.
          const rewritten = this.rogue?.rewrite(peer, frame, this.links);
          return rewritten ? this.links.sendRaw(peer, rewritten) : this.links.send(peer, frame);
        },
        sample: () => colony.introduce(this),
      },
      store: kept,
      clock: { now: () => colony.now },
      observe: {
        settled: (effect) => {
          this.inFlight.delete(effect.ref);
          this.settled.push(effect);
        },
      },
    });
    this.links.subscribe((event) => {
      if (event.type === 'open') this.step({ type: 'linkOpen', peer: event.peer });
      else if (event.type === 'closed') this.step({ type: 'linkClosed', peer: event.peer });
      else this.step(event);
    });
  }

  get id(): string {
    return this.identity.id;
  }

  get protocol(): Protocol {
    return this.driver.protocol;
  }

  /** Delivered messages, newest last; like a tab's, they survive reloads. */
  get inbox(): readonly Delivered[] {
    return this.kept.inbox;
  }

  /** A message from the page: it waits for the pacer, as a tab's outbox does. */
  post(to: string | null, body: unknown, ref: number): void {
    this.waiting.push({ to, body, ref });
    this.pump();
  }

  goRogue(kinds?: readonly RogueKind[]): void {
    this.rogue = new Rogue(seededRng(this.rng.int(2 ** 31)), kinds);
  }

  tick(): void {
    this.step({ type: 'tick' });
    this.pump();
    if (!this.rogue) return;
    const { term, neighbours, hive, queen } = this.protocol.snapshot();
    this.rogue.play({ id: this.id, hive, term, peers: neighbours, queen }, this.links);
  }

  /** One event through the driver, as in a tab. */
  step(event: HiveEvent): void {
    try {
      this.driver.step(event);
    } catch (error) {
      this.colony.crashes.push({ bee: this.id, event: event.type, error });
    }
  }

  /** The page goes away (pagehide): the bee says goodbye, and its links close. */
  leave(): void {
    this.driver.leave();
    this.links.destroy();
  }

  private pump(): void {
    while (this.waiting.length > 0 && this.pacer.take(this.colony.now, this.inFlight.size, dataPayloadBytes(this.waiting[0]!.body))) {
      const { to, body, ref } = this.waiting.shift()!;
      this.inFlight.add(ref);
      this.step(to === null ? { type: 'broadcast', ref, body } : { type: 'send', ref, to, body });
    }
  }
}

export class MemoryColony {
  now = 0;
  readonly network = new MemoryNetwork();
  readonly bees = new Map<string, MemoryBee>();
  /** Exceptions thrown while a bee handled an event: a bee must never throw. */
  readonly crashes: Array<{ bee: string; event: string; error: unknown }> = [];
  private readonly rng: Rng;
  private readonly config: HiveConfig;
  private readonly tickMs: number;
  private readonly stepMs: number;
  private readonly pace: Pace | undefined;
  readonly secure: boolean;

  constructor(options: MemoryColonyOptions) {
    this.secure = options.secure ?? true;
    this.rng = seededRng(options.seed);
    this.config = { ...DEFAULT_CONFIG, ...options.config };
    this.tickMs = options.tickMs ?? 250;
    this.stepMs = options.stepMs ?? 50;
    this.pace = options.pace;
  }

  /** A fresh key pair, from the colony's seed. */
  identity(): Identity {
    return createIdentity((bytes) => bytes.forEach((_, i) => (bytes[i] = this.rng.int(256))));
  }

  /**
   * A bee opens the colony (a new one, or `identity` again after a reload, with what it kept)
   * and is introduced to a sample of the others.
   */
  addBee(identity = this.identity(), kept = new Kept()): MemoryBee {
    const bee = new MemoryBee(identity, this, seededRng(this.rng.int(2 ** 31)), this.config, this.pace, this.now + this.rng.int(this.tickMs), kept);
    this.bees.set(bee.id, bee);
    this.introduce(bee);
    return bee;
  }

  /**
   * The tab reloads: its page says goodbye, and the same bee opens the colony again with what it
   * stored (standing, inbox, bans, colony config); its links, roster and timers go.
   */
  reload(bee: MemoryBee): MemoryBee {
    bee.leave();
    this.bees.delete(bee.id);
    return this.addBee(bee.identity, bee.kept);
  }

  /**
   * Authenticated links for `identity` over `raw`, as a tab has them: `onMisconduct` hears of
   * envelopes the guard dropped, `admit` keeps banned bees out before any handshake.
   */
  secureLinks(
    raw: MemoryTransport,
    identity: Identity,
    hooks: { onMisconduct?: (event: HiveEvent) => void; admit?: (peer: string) => boolean; handsTo?: (via: string, to: string) => boolean } = {},
  ): SecureLinks {
    const { onMisconduct, admit, handsTo } = hooks;
    return new SecureLinks(raw, { identity, colony: COLONY, colonyKey: null }, {
      now: () => this.now,
      ...(onMisconduct ? { onDropped: (peer: string, reason: Parameters<typeof misconduct>[1], origin: string) => onMisconduct(misconduct(peer, reason, origin)) } : {}),
      ...(admit ? { admit } : {}),
      ...(handsTo ? { handsTo } : {}),
    });
  }

  /** What the signaling server does for a joining bee or a `sample` request. */
  introduce(bee: MemoryBee): void {
    const others = [...this.bees.keys()].filter((id) => id !== bee.id);
    const peers: string[] = [];
    while (peers.length < Math.min(SAMPLE_SIZE, others.length)) {
      const peer = others[this.rng.int(others.length)] as string;
      if (!peers.includes(peer)) peers.push(peer);
    }
    queueMicrotask(() => bee.step({ type: 'welcome', peers }));
  }

  /** Advance the clock by `durationMs`; `each` runs once per step, before the bees' timers. */
  async run(durationMs: number, each?: (now: number) => void): Promise<void> {
    const end = this.now + durationMs;
    while (this.now < end) {
      this.now = Math.min(end, this.now + this.stepMs);
      each?.(this.now);
      for (const bee of this.bees.values()) {
        if (this.now < bee.nextTickAt) continue;
        bee.nextTickAt += this.tickMs;
        bee.tick();
      }
      await drain();
    }
  }

  /** The one queen every bee in `among` (all by default) follows, or why there is none. */
  reign(among: readonly MemoryBee[] = [...this.bees.values()]): { queen: string } | { problem: string } {
    const snaps = among.map((bee) => bee.protocol.snapshot());
    const crowned = snaps.filter((snap) => snap.role === 'queen').map((snap) => snap.id);
    if (crowned.length !== 1) return { problem: `${crowned.length} queens: ${crowned.join(', ')}` };
    const queen = crowned[0] as string;
    const strays = snaps.filter((snap) => snap.queen !== queen).map((snap) => `${snap.id}→${snap.queen}`);
    return strays.length === 0 ? { queen } : { problem: `not following ${queen}: ${strays.join(', ')}` };
  }
}
