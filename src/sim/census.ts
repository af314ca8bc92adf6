// The live bees of a simulated colony in creation order, kept without a copy per question (at
// 10,000 bees joins and samples ask often): rebuilt only after a bee dies, appended to on joins.
// The simulated signaling server samples it as the real one samples its colony.

import type { Rng } from '../hive/rng';

export class Census {
  private live: string[] | null = [];
  /** Each live bee's index in `live`, so a sample can skip the asking bee without a copy. */
  private index = new Map<string, number>();

  constructor(private readonly alive: () => Iterable<string>) {}

  /** A new bee joined (it is the newest). */
  joined(bee: string): void {
    if (!this.live) return;
    this.index.set(bee, this.live.length);
    this.live.push(bee);
  }

  /** A bee died or came back: the list is rebuilt when next asked. */
  changed(): void {
    this.live = null;
  }

  /** The live bees, read-only. */
  list(): readonly string[] {
    if (!this.live) {
      this.live = [...this.alive()];
      this.index = new Map(this.live.map((bee, i) => [bee, i]));
    }
    return this.live;
  }

  /** Up to `size` distinct live bees other than `bee`, drawn at random. */
  sample(bee: string, size: number, rng: Rng): string[] {
    const live = this.list();
    // Draw from the live bees other than `bee` as if from a copy without it: index i of that copy
    // is i, or i + 1 past its own place.
    const skip = this.index.get(bee) ?? live.length;
    const others = skip < live.length ? live.length - 1 : live.length;
    const peers: string[] = [];
    while (peers.length < Math.min(size, others)) {
      const i = rng.int(others);
      const peer = live[i < skip ? i : i + 1] as string;
      if (!peers.includes(peer)) peers.push(peer);
    }
    return peers;
  }
}
