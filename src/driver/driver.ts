// The one driver: it steps a bee's protocol core at its clock's time and carries out the effects
// through the ports, in order, writes before the frames after them (EffectQueue). The tab, the
// memory colony and the simulator's world all run their bees through it, so what the simulator
// checks is what a tab does. Like etcd's RawNode, it adds no policy of its own.

import type { Effect, HiveEvent } from '../hive/events';
import type { Protocol } from '../hive/protocol';
import { EffectQueue, type Order, type Written } from './effect-queue';
import type { Ports } from './ports';

/** What the driver needs of the protocol core. */
export interface Core {
  step(event: HiveEvent, now: number): Effect[];
}

export interface DriverOptions {
  /**
   * Test-only, default true. False is a broken driver that sends frames without waiting for the
   * writes before them, so that a vote leaves although its write failed: the simulator's tests
   * break the rule on purpose to prove the invariant checker sees it. Never false in a tab.
   */
  framesWaitForWrites?: boolean;
}

/** A frame waits for the writes before it; a link closing waits too, so as not to cut it off. */
const orderOf = (effect: Effect): Order => (effect.type === 'send' ? 'frame' : effect.type === 'unlink' ? 'ordered' : 'local');

export class Driver<C extends Core = Protocol> {
  private readonly queue: EffectQueue<Effect>;
  private left = false;

  constructor(
    /** Stepped by this driver alone; read its snapshots freely. */
    readonly protocol: C,
    private readonly ports: Ports,
    options: DriverOptions = {},
  ) {
    const waits = options.framesWaitForWrites ?? true;
    this.queue = new EffectQueue((effect) => this.carryOut(effect), waits ? orderOf : () => 'local');
  }

  /** One event through the protocol, at the clock's time; its effects are carried out (or held). */
  step(event: HiveEvent): readonly Effect[] {
    // A page that left has closed its ports: nothing more reaches them.
    if (this.left) return [];
    const effects = this.protocol.step(event, this.ports.clock.now());
    this.queue.push(effects);
    return effects;
  }

  /**
   * The page is going away: frames still held behind writes are dropped (never sent unwritten),
   * and the protocol says goodbye (a queen crowns a successor) at once, as there is no later.
   */
  leave(): void {
    if (this.left) return;
    this.queue.clear();
    this.step({ type: 'leave' });
    this.left = true;
  }

  /** Effects held behind writes; frames dropped because a write before them failed. */
  get held(): { waiting: number; dropped: number } {
    return { waiting: this.queue.waiting, dropped: this.queue.dropped };
  }

  private carryOut(effect: Effect): Written | undefined {
    const { wire, store, observe } = this.ports;
    switch (effect.type) {
      case 'persist': return store.persist(effect);
      case 'deliver': return store.deliver(effect.message);
      case 'adopt': return store.adopt(effect.upgrade, effect.chain);
      case 'banned': store.ban(effect.ban); break;
      case 'link': wire.link(effect.peer); break;
      case 'unlink': wire.unlink(effect.peer); break;
      case 'send': wire.send(effect.peer, effect.frame); break;
      case 'sample': wire.sample(); break;
      case 'signal': wire.signal?.(effect.from, effect.data); break;
      case 'roleChanged': observe?.roleChanged?.(effect); break;
      case 'settled': observe?.settled?.(effect); break;
      case 'evicted': observe?.evicted?.(effect.ban); break;
    }
    return undefined;
  }
}
