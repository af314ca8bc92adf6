// A colony of real protocol bees over the in-memory transport, on a virtual clock: frames travel
// as strings and every bee reads them with the same parser as a tab, so tests can put raw bytes
// on a link. Lighter than a tab, heavier than the simulator's World (which passes parsed frames).

import { encodeFrame, parseFrame } from '../hive/frames';
import { DEFAULT_CONFIG, Protocol, type Delivered, type Effect, type HiveConfig, type HiveEvent } from '../hive/protocol';
import { seededRng, type Rng } from '../hive/rng';
import { MemoryNetwork, type MemoryTransport } from '../net/memory';
import { SAMPLE_SIZE } from '../net/signal-protocol';

type Settled = Extract<Effect, { type: 'settled' }>;

export interface MemoryColonyOptions {
  seed: number;
  config?: Partial<HiveConfig>;
  /** How often each bee's timer fires. */
  tickMs?: number;
  /** Virtual time between two rounds of frame delivery. */
  stepMs?: number;
}

/** Lets every queued microtask (the memory transport's deliveries, and theirs) run. */
const drain = () => new Promise<void>((resolve) => setImmediate(resolve));

export class MemoryBee {
  readonly inbox: Delivered[] = [];
  readonly settled: Settled[] = [];
  readonly protocol: Protocol;
  readonly transport: MemoryTransport;
  nextTickAt: number;

  constructor(
    readonly id: string,
    private readonly colony: MemoryColony,
    rng: Rng,
    config: HiveConfig,
    firstTickAt: number,
  ) {
    this.protocol = new Protocol(id, rng, config);
    this.transport = colony.network.transport(id);
    this.nextTickAt = firstTickAt;
    this.transport.subscribe((event) => {
      if (event.type === 'open') this.step({ type: 'linkOpen', peer: event.peer });
      else if (event.type === 'closed') this.step({ type: 'linkClosed', peer: event.peer });
      else {
        const frame = parseFrame(event.frame);
        this.step(frame ? { type: 'frame', peer: event.peer, frame } : { type: 'malformed', peer: event.peer });
      }
    });
  }

  /** One event through the protocol and its effects through the transport, as the tab's driver does. */
  step(event: HiveEvent): void {
    try {
      for (const effect of this.protocol.step(event, this.colony.now)) this.apply(effect);
    } catch (error) {
      this.colony.crashes.push({ bee: this.id, event: event.type, error });
    }
  }

  private apply(effect: Effect): void {
    switch (effect.type) {
      case 'link':
        this.transport.link(effect.peer);
        break;
      case 'unlink':
        this.transport.unlink(effect.peer);
        break;
      case 'sample':
        this.colony.introduce(this);
        break;
      case 'send':
        this.transport.send(effect.peer, encodeFrame(effect.frame));
        break;
      case 'deliver':
        this.inbox.push(effect.message);
        break;
      case 'settled':
        this.settled.push(effect);
        break;
      case 'persist':
      case 'roleChanged':
        break;
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

  constructor(options: MemoryColonyOptions) {
    this.rng = seededRng(options.seed);
    this.config = { ...DEFAULT_CONFIG, ...options.config };
    this.tickMs = options.tickMs ?? 250;
    this.stepMs = options.stepMs ?? 50;
  }

  /** A new bee opens the colony and is introduced to a sample of the others. */
  addBee(): MemoryBee {
    const id = this.rng.hex(8);
    const bee = new MemoryBee(id, this, seededRng(this.rng.int(2 ** 31)), this.config, this.now + this.rng.int(this.tickMs));
    this.bees.set(id, bee);
    this.introduce(bee);
    return bee;
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
        bee.step({ type: 'tick' });
      }
      await drain();
    }
  }

  send(from: MemoryBee, to: string | null, body: unknown, ref: number): void {
    from.step(to === null ? { type: 'broadcast', ref, body } : { type: 'send', ref, to, body });
  }

  /** The one queen every bee follows, or why there is none. */
  reign(): { queen: string } | { problem: string } {
    const snaps = [...this.bees.values()].map((bee) => bee.protocol.snapshot());
    const crowned = snaps.filter((snap) => snap.role === 'queen').map((snap) => snap.id);
    if (crowned.length !== 1) return { problem: `${crowned.length} queens: ${crowned.join(', ')}` };
    const queen = crowned[0] as string;
    const strays = snaps.filter((snap) => snap.queen !== queen).map((snap) => `${snap.id}→${snap.queen}`);
    return strays.length === 0 ? { queen } : { problem: `not following ${queen}: ${strays.join(', ')}` };
  }
}
