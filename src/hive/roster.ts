// Who is alive in the colony, learned by gossip. Each bee stamps its heartbeats with its own clock
// (its "beat"); a bee stays on the roster while fresher beats of it keep arriving, from any
// neighbour. Beats only ever grow per bee, so stale gossip can never resurrect a departed bee,
// while a reloaded tab (same id, later clock) comes back at once.

import { MAX_DIGEST_ENTRIES, type DigestEntry } from './frames';

interface Entry {
  beat: number;
  /** Local time at which this bee's beat last increased. */
  freshAt: number;
}

export class Roster {
  private readonly live = new Map<string, Entry>();
  /** Departed bees and the beat they departed at; gossip at or below it is ignored. */
  private readonly departed = new Map<string, { beat: number; at: number }>();
  /**
   * Bees that fell silent without saying goodbye, and since when. They may be alive on the far
   * side of a partition, so they still count as voters for a while: a cut-off minority cannot
   * crown a queen of its own at once (and reuse a term the majority is crowning in).
   */
  private readonly missing = new Map<string, number>();
  /** Local time of the last join or departure: how settled this view of the colony is. */
  changedAt = 0;

  constructor(
    private readonly self: string,
    private readonly timeoutMs: number,
    private readonly missingVoterMs: number = 0,
  ) {}

  /** Merge one gossiped entry. Returns true when it is news (a bee joined or beat again). */
  merge(bee: string, beat: number, now: number): boolean {
    if (bee === this.self) return false;
    const gone = this.departed.get(bee);
    if (gone && beat <= gone.beat) return false;
    this.departed.delete(bee);
    this.missing.delete(bee);
    const entry = this.live.get(bee);
    if (entry && beat <= entry.beat) return false;
    if (!entry) this.changedAt = now;
    this.live.set(bee, { beat, freshAt: now });
    return true;
  }

  /** Forget a bee we know has left (server said so, or it said bye). */
  remove(bee: string, now: number): boolean {
    this.missing.delete(bee);
    const entry = this.live.get(bee);
    if (!entry) return false;
    this.live.delete(bee);
    this.departed.set(bee, { beat: entry.beat, at: now });
    this.changedAt = now;
    return true;
  }

  /** Drop bees whose beat has not advanced for the timeout; returns who was dropped. */
  expire(now: number): string[] {
    const dropped: string[] = [];
    for (const [bee, entry] of this.live) {
      if (now - entry.freshAt > this.timeoutMs) dropped.push(bee);
    }
    for (const bee of dropped) {
      this.remove(bee, now);
      this.missing.set(bee, now);
    }
    for (const [bee, since] of this.missing) if (now - since > this.missingVoterMs) this.missing.delete(bee);
    // Tombstones only need to outlive the stale gossip still in flight.
    for (const [bee, gone] of this.departed) {
      if (now - gone.at > this.timeoutMs * 4) this.departed.delete(bee);
    }
    return dropped;
  }

  has(bee: string): boolean {
    return this.live.has(bee);
  }

  /** Live bees other than self. */
  others(): string[] {
    return [...this.live.keys()];
  }

  get size(): number {
    return this.live.size;
  }

  /** How many bees can vote as far as we know: ourselves, the live, and the recently missing. */
  electorate(): number {
    return 1 + this.live.size + this.missing.size;
  }

  /** What a heartbeat carries: self first, then the freshest entries up to the digest limit. */
  digest(selfBeat: number): DigestEntry[] {
    const entries = [...this.live].sort((x, y) => y[1].freshAt - x[1].freshAt).slice(0, MAX_DIGEST_ENTRIES - 1);
    return [[this.self, selfBeat], ...entries.map(([bee, e]): DigestEntry => [bee, e.beat])];
  }
}
