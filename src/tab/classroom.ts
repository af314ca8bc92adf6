// The teacher's console, as one tab carries it out. An order is part of the colony's config
// (src/upgrade.ts), so it is signed by the founder, checked by every bee, and taken once, in
// version order (a replayed or older config is never taken again: src/hive/upgrades.ts). Lasting
// orders are settings every bee runs by (the room split in two halves, latency, loss); a
// one-time order (`order`) names the bee it is for: that bee is killed or goes rogue when it
// takes the version that carries it, and a bee that joins later never is.

import type { Upgrade } from '../hive/events';

export type OrderKind = 'kill' | 'rogue';

/** What the console adds to a colony's settings. */
export interface ClassroomSettings {
  /** The room is split in two halves (by the first hex digit of a bee id): no link crosses them. */
  split?: boolean;
  /** Every frame this bee sends waits this long, or is lost with this probability (0–1). */
  latencyMs?: number;
  loss?: number;
  /** A one-time order for one bee, carried by one version only. */
  order?: { kind: OrderKind; bee: string };
}

const MAX_LATENCY_MS = 5000;

/** The half of the room a bee is in when the room is split. */
export const halfOf = (bee: string): 'left' | 'right' => (parseInt(bee[0] ?? '0', 16) < 8 ? 'left' : 'right');

/** The lasting settings of `settings` (a one-time order is spent by the version that carries it). */
export function lasting(settings: Record<string, unknown>): Record<string, unknown> {
  const { order: _spent, ...kept } = settings;
  return kept;
}

export interface ClassroomActs {
  /** Close the link to `peer` (the room was split). */
  cut(peer: string): void;
  /** The bees this one links now. */
  peers(): Iterable<string>;
  kill(): void;
  goRogue(): void;
}

export class Classroom {
  split = false;
  latencyMs = 0;
  loss = 0;

  constructor(
    private readonly self: string,
    private readonly acts: ClassroomActs,
    /** The colony's founder (the projector): linked to both halves, so that the order to heal reaches them. It relays nothing. */
    private readonly founder: () => string | null,
  ) {}

  /** Runs by the settings of a config this bee took (`restored`: kept from before a reload), and carries out an order for it. */
  adopted(upgrade: Upgrade, restored = false): void {
    const settings = (upgrade.config.settings ?? {}) as ClassroomSettings;
    this.split = settings.split === true;
    this.latencyMs = typeof settings.latencyMs === 'number' ? Math.min(Math.max(0, settings.latencyMs), MAX_LATENCY_MS) : 0;
    this.loss = typeof settings.loss === 'number' ? Math.min(Math.max(0, settings.loss), 1) : 0;
    if (this.split) for (const peer of [...this.acts.peers()]) if (!this.allows(peer)) this.acts.cut(peer);
    // A reload restores the chain without taking it again: only a version taken now orders.
    const order = settings.order;
    if (restored || !order || order.bee !== this.self) return;
    if (order.kind === 'kill') this.acts.kill();
    else if (order.kind === 'rogue') this.acts.goRogue();
  }

  /**
   * The bee this one must keep a link to: the founder, while the room is split. The order to heal
   * travels from the founder, and a bee whose half holds nobody else, or nobody who passes configs
   * on to it (a worker passes them to its queen only), hears it on that link or never: it refuses
   * every other bee until it does. A founder that is the projector takes every bee that asks
   * (src/hive/neighbours.ts).
   */
  wanted(): string | null {
    if (!this.split) return null;
    const founder = this.founder();
    return founder === this.self ? null : founder;
  }

  /** Whether this bee may link `peer`: not across the halves of a split room, the founder's links aside. */
  allows(peer: string): boolean {
    const founder = this.founder();
    return !this.split || halfOf(peer) === halfOf(this.self) || peer === founder || this.self === founder;
  }

  /** Whether a frame is lost on the way (a lossy room). */
  drops(random: number): boolean {
    return random < this.loss;
  }
}
