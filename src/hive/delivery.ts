// End-to-end delivery: a message is retransmitted until its receiver acknowledges it (or its
// sender is told it failed), and delivered exactly once however often it arrives, also after a
// reload of the receiver (the driver restores the ids it delivered before).

import type { Counters, Effects, HiveConfig } from './events';
import { MAX_HOPS, type Envelope, type Payload } from './frames';
import type { Rng } from './rng';
import type { Router } from './routing';
import { SEEN_CAPACITY, SEEN_TTL_MS } from './routing';
import { SeenIds } from './seen';

interface Outgoing {
  ref: number;
  to: string | null;
  body: unknown;
  attempt: number;
  nextAttemptAt: number;
  /** The last attempt found no link to go out on. */
  stalled: boolean;
}

/** What delivery needs to know of the bee's surroundings. */
export interface Surroundings {
  /** Open links. */
  links(): number;
  /** Other bees on the roster. */
  known(): number;
}

export class Postbox {
  private readonly outgoing = new Map<string, Outgoing>();
  /** Message ids already delivered here: delivery is exactly once across retransmissions. */
  private readonly delivered = new SeenIds(SEEN_CAPACITY, SEEN_TTL_MS);
  /** Ids delivered in an earlier life of this bee; unlike `delivered` they do not expire. */
  private readonly deliveredBefore: ReadonlySet<string>;

  constructor(
    private readonly self: string,
    private readonly config: HiveConfig,
    private readonly rng: Rng,
    private readonly router: Router,
    private readonly around: Surroundings,
    private readonly fx: Effects,
    private readonly counters: Counters,
    deliveredIds: readonly string[],
  ) {
    this.deliveredBefore = new Set(deliveredIds);
  }

  submit(ref: number, to: string | null, body: unknown, now: number, msg?: string): void {
    const id = msg ?? this.rng.hex(8);
    if (to === this.self) {
      this.delivered.add(id, now);
      this.fx.push({ type: 'deliver', message: { id, from: this.self, body, at: now, route: [this.self] } });
      this.fx.push({ type: 'settled', ref, ok: true, route: [this.self] });
      return;
    }
    const message: Outgoing = { ref, to, body, attempt: 0, nextAttemptAt: now, stalled: false };
    this.outgoing.set(id, message);
    this.transmit(id, message, now);
  }

  /** Data for this bee (or everyone); acknowledged on every attempt, since the last ack may be what got lost. */
  onData(env: Envelope, p: Extract<Payload, { k: 'data' }>, route: string[], now: number): void {
    if (!this.deliveredBefore.has(p.msg) && this.delivered.add(p.msg, now)) {
      this.counters.delivered++;
      this.fx.push({ type: 'deliver', message: { id: p.msg, from: env.from, body: p.body, at: now, route } });
    }
    if (env.to === this.self) this.router.originate(env.from, { k: 'ack', msg: p.msg }, now, MAX_HOPS);
  }

  onAck(msg: string, route: string[]): void {
    const message = this.outgoing.get(msg);
    if (!message) return;
    this.outgoing.delete(msg);
    this.fx.push({ type: 'settled', ref: message.ref, ok: true, route });
  }

  /** Retransmits what is due. */
  onTick(now: number): void {
    for (const [id, message] of this.outgoing) if (now >= message.nextAttemptAt) this.transmit(id, message, now);
    this.delivered.prune(now);
  }

  /** A link opened: what found no way out goes now. */
  onLinkOpen(now: number): void {
    for (const [id, message] of this.outgoing) if (message.stalled) this.transmit(id, message, now);
  }

  /** The bee leaves: every message still in flight fails (the driver keeps them for its next life). */
  leave(): void {
    for (const message of this.outgoing.values()) this.fx.push({ type: 'settled', ref: message.ref, ok: false, reason: 'this bee left the colony' });
    this.outgoing.clear();
  }

  /** Send (or resend) one of our messages. Broadcasts settle once handed to a link. */
  private transmit(id: string, message: Outgoing, now: number): void {
    if (message.to === null && this.around.links() === 0 && this.around.known() === 0) {
      this.outgoing.delete(id);
      this.fx.push({ type: 'settled', ref: message.ref, ok: true, route: [this.self] });
      return;
    }
    if (message.attempt >= this.config.maxAttempts) {
      this.outgoing.delete(id);
      const reason = message.to === null ? 'no neighbour to broadcast to' : `no acknowledgement from ${message.to}`;
      this.fx.push({ type: 'settled', ref: message.ref, ok: false, reason });
      return;
    }
    message.nextAttemptAt = now + this.config.ackTimeoutMs;
    message.attempt++;
    // Without links the attempt is spent waiting; a link opening retransmits at once.
    message.stalled = this.around.links() === 0;
    if (message.stalled) return;
    // Messages may cross the court, a hop per bit its table resolves: the longest ttl there is.
    this.router.originate(message.to, { k: 'data', msg: id, body: message.body }, now, MAX_HOPS);
    if (message.to === null) {
      this.outgoing.delete(id);
      this.fx.push({ type: 'settled', ref: message.ref, ok: true, route: [this.self] });
    }
  }
}
