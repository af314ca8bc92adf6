// The simulator (src/sim World: real protocol instances on a virtual network) run in slices of
// wall time by the /sim page's Web Worker (sim-host.ts), with the demo's levers: add bees, kill
// queens, partition, heal, and a trickle of messages whose routes the map animates. Work per
// slice is capped, so a large colony slows its virtual clock rather than the worker's replies.

import { seededRng, type Rng } from '../../hive/rng';
import { World } from '../../sim/world';
import { MAX_BEES } from './sim-protocol';

/** Virtual time is advanced in slices this long, checking the frame's budget between them. */
const SLICE_MS = 20;
/** Joins are spread out like tabs opening, this far apart in virtual time. */
const JOIN_GAP_MS = 15;

export interface Delivery {
  id: string;
  route: string[];
}

export class SimRunner {
  readonly world: World;
  /** Virtual ms per real ms the page asks for. */
  speed = 1;
  paused = false;
  /** Messages sent per virtual second between random bees. */
  trafficPerS = 2;
  private readonly rng: Rng;
  private joinsPending = 0;
  private nextJoinAt = 0;
  private nextMessageAt = 0;
  private nextRef = 1;
  private readonly inboxSeen = new Map<string, number>();

  constructor(seed: number, bees: number, capacity?: number) {
    this.world = new World({ seed, ...(capacity === undefined ? {} : { config: { capacity } }) });
    this.rng = seededRng(seed ^ 0x51a7);
    this.addBees(bees);
  }

  liveCount(): number {
    return this.world.liveIds().length + this.joinsPending;
  }

  addBees(n: number): void {
    this.joinsPending += Math.max(0, Math.min(n, MAX_BEES - this.liveCount()));
    this.nextJoinAt = Math.max(this.nextJoinAt, this.world.now);
  }

  /** Crashes every queen at once: nobody is told, heartbeats must notice. Returns how many. */
  killQueens(): number {
    const queens = this.world.liveIds().filter((id) => this.world.bees.get(id)?.role === 'queen');
    for (const queen of queens) this.world.crashBee(queen);
    return queens.length;
  }

  /** Cuts the colony in two random halves that cannot reach each other. */
  partition(): void {
    const live = this.world.liveIds();
    const side = live.filter(() => this.rng.next() < 0.5);
    this.world.split([side, live.filter((id) => !side.includes(id))]);
  }

  heal(): void {
    this.world.heal();
  }

  /**
   * Advances virtual time by realMs × speed, or less if budgetMs of wall time runs out first.
   * Returns the virtual ms actually simulated.
   */
  advance(realMs: number, budgetMs: number): number {
    if (this.paused) return 0;
    const started = performance.now();
    const target = this.world.now + realMs * this.speed;
    const from = this.world.now;
    while (this.world.now < target && performance.now() - started < budgetMs) {
      const until = Math.min(target, this.world.now + SLICE_MS);
      this.join(until);
      this.traffic(until);
      this.world.runUntil(until);
    }
    return this.world.now - from;
  }

  /** Messages delivered since the last call, with their routes. */
  deliveries(): Delivery[] {
    const found: Delivery[] = [];
    for (const id of this.world.liveIds()) {
      const bee = this.world.bees.get(id);
      if (!bee) continue;
      const seen = this.inboxSeen.get(id) ?? 0;
      for (let i = seen; i < bee.inbox.length; i++) {
        const message = bee.inbox[i];
        if (message) found.push({ id: `${id}:${message.id}`, route: message.route });
      }
      this.inboxSeen.set(id, bee.inbox.length);
    }
    return found;
  }

  private join(until: number): void {
    while (this.joinsPending > 0 && this.nextJoinAt <= until) {
      this.world.runUntil(this.nextJoinAt);
      this.world.addBee();
      this.joinsPending--;
      this.nextJoinAt += JOIN_GAP_MS;
    }
    if (this.joinsPending === 0) this.nextJoinAt = until;
  }

  private traffic(until: number): void {
    if (this.trafficPerS <= 0) return;
    const gap = 1000 / this.trafficPerS;
    this.nextMessageAt = Math.max(this.nextMessageAt, this.world.now);
    while (this.nextMessageAt <= until) {
      this.world.runUntil(this.nextMessageAt);
      const live = this.world.liveIds();
      const from = this.rng.pick(live);
      const to = this.rng.pick(live);
      if (from && to && from !== to) this.world.send(from, to, `hello ${this.nextRef}`, this.nextRef++);
      this.nextMessageAt += gap;
    }
  }
}
