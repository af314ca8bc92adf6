// Who is alive in the colony, learned by gossip. Each bee stamps its heartbeats with its own clock
// (its "beat"); a bee stays on the roster while fresher beats of it keep arriving, from any
// neighbour. Beats only ever grow per bee, so stale gossip can never resurrect a departed bee,
// while a reloaded tab (same id, later clock) comes back at once.
//
// Every heartbeat reads the freshest entries and every tick the stalest, so the roster keeps its
// entries in refresh order as well: both are then proportional to what they return, not to the
// colony (a sort per heartbeat and a scan per tick cost too much at 10,000 bees). This relies on
// `now` never decreasing, which the driver's clock guarantees; were it to go back, digests would
// list entries in refresh order and expiry could come late, by as much as the clock went back.

import { remember } from './bounded';
import { MAX_DIGEST_ENTRIES, type DigestEntry } from './frames';
import { Rotation } from './rotation';

/** Spare room in the refresh log before superseded copies are compacted away. */
const LOG_SLACK_ENTRIES = 64;
/**
 * The most bees a roster holds: every bee of a classroom, a partial view of a colony of thousands
 * (HyParView's passive view, refreshed by the gossip that keeps arriving). Beyond it the stalest
 * entry makes room, forgotten without a tombstone: it comes back if it is gossiped again. At 256
 * the rosters were a quarter of a simulated colony's memory at 3,000 bees, and colonies of 1,000
 * settled no sooner for it (seeds 1-7: 13.1 s on average, 12.5 s at 128).
 */
export const ROSTER_LIMIT = 128;
/** Self and the freshest entries in a digest; the rest of it rotates through the roster. */
export const FRESH_DIGEST_ENTRIES = 100;
export const ROTATING_DIGEST_ENTRIES = MAX_DIGEST_ENTRIES - FRESH_DIGEST_ENTRIES;

interface Entry {
  bee: string;
  beat: number;
  /** Local time at which this bee's beat last increased. */
  freshAt: number;
  /** Order of joining the roster: among equally fresh entries the earlier one comes first. */
  order: number;
  /** This entry's place in the refresh log; -1 once it left the roster. */
  logAt: number;
}

export class Roster {
  private readonly live = new Map<string, Entry>();
  /**
   * Live entries, least recently refreshed first. A refresh appends the entry again; the copy
   * left behind no longer matches the entry's `logAt` and is skipped until compaction drops it.
   */
  private log: Entry[] = [];
  /** Log places before this one were consumed by expiry. */
  private logStart = 0;
  private nextOrder = 0;
  private readonly rotation = new Rotation(this.live);
  /** Departed bees and the beat they departed at; gossip at or below it is ignored. */
  private readonly departed = new Map<string, { beat: number; at: number }>();
  /** Local time of the last join or departure: how settled this view of the colony is. */
  changedAt = 0;
  /** Counts every bee joining or leaving the roster: watchers compare it instead of the roster. */
  revision = 0;

  constructor(
    private readonly self: string,
    private readonly timeoutMs: number,
    private readonly limit = ROSTER_LIMIT,
  ) {}

  /** Merge one gossiped entry. Returns true when it is news (a bee joined or beat again). */
  merge(bee: string, beat: number, now: number): boolean {
    if (bee === this.self) return false;
    // Most gossip is about bees already live, which are never departed as well.
    const entry = this.live.get(bee);
    if (entry) {
      if (beat <= entry.beat) return false;
      entry.beat = beat;
      if (entry.freshAt !== now) this.refresh(entry, now);
      return true;
    }
    const gone = this.departed.get(bee);
    if (gone && beat <= gone.beat) return false;
    this.departed.delete(bee);
    this.changedAt = now;
    this.revision++;
    // A full roster's stalest entry makes room and is taken for the newcomer: a colony of
    // thousands turns rosters over all the time, and each new entry would outlive a young GC.
    const joined = (this.live.size >= this.limit ? this.dropStalest() : undefined) ?? { bee, beat, freshAt: now, order: 0, logAt: -1 };
    joined.bee = bee;
    joined.beat = beat;
    joined.order = this.nextOrder++;
    this.live.set(bee, joined);
    this.refresh(joined, now);
    return true;
  }

  /** Forget a bee we know has left (server said so, or it said bye). */
  remove(bee: string, now: number): boolean {
    const entry = this.live.get(bee);
    if (!entry) return false;
    this.live.delete(bee);
    entry.logAt = -1;
    remember(this.departed, bee, { beat: entry.beat, at: now }, this.limit);
    this.changedAt = now;
    this.revision++;
    return true;
  }

  /**
   * Makes room: the entry refreshed longest ago leaves the roster (it did not depart). Returns it
   * for reuse: its place in the log is consumed.
   */
  private dropStalest(): Entry | undefined {
    for (; this.logStart < this.log.length; this.logStart++) {
      const entry = this.log[this.logStart] as Entry;
      if (entry.logAt !== this.logStart) continue;
      this.live.delete(entry.bee);
      entry.logAt = -1;
      this.logStart++;
      this.revision++;
      return entry;
    }
    return undefined;
  }

  /** Drop bees whose beat has not advanced for the timeout; returns who was dropped. */
  expire(now: number, timeoutMs = this.timeoutMs): string[] {
    const dropped: string[] = [];
    for (; this.logStart < this.log.length; this.logStart++) {
      const entry = this.log[this.logStart] as Entry;
      if (entry.logAt !== this.logStart) continue;
      if (now - entry.freshAt <= timeoutMs) break;
      dropped.push(entry.bee);
    }
    for (const bee of dropped) this.remove(bee, now);
    // Tombstones only need to outlive the stale gossip still in flight; they are added in time
    // order, so the expired ones are at the front.
    for (const [bee, gone] of this.departed) {
      if (now - gone.at <= timeoutMs * 4) break;
      this.departed.delete(bee);
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

  /** Whether the roster holds all the bees it can: the colony may be bigger than what it knows. */
  full(): boolean {
    return this.live.size >= this.limit;
  }

  /**
   * What a heartbeat carries: self first, then the freshest entries (news travels fast), then a
   * slice that rotates through the whole roster (every bee is gossiped regularly, however big),
   * up to `limit` entries in all.
   */
  digest(selfBeat: number, limit = MAX_DIGEST_ENTRIES): DigestEntry[] {
    const out: DigestEntry[] = [[this.self, selfBeat]];
    const fresh = Math.min(FRESH_DIGEST_ENTRIES, limit);
    const group: Entry[] = [];
    for (let at = this.log.length - 1; at >= this.logStart && out.length < fresh; at--) {
      const entry = this.log[at] as Entry;
      if (entry.logAt !== at) continue;
      if (group.length > 0 && (group[0] as Entry).freshAt !== entry.freshAt) this.take(group, out, fresh);
      group.push(entry);
    }
    this.take(group, out, fresh);
    if (out.length >= limit) {
      this.rotation.idle();
      return out;
    }
    const included = new Set(out.map(([bee]) => bee));
    for (let visited = 0; visited < this.live.size && out.length < limit; visited++) {
      const entry = this.rotation.next();
      if (entry === undefined) break;
      if (!included.has(entry.bee)) out.push([entry.bee, entry.beat]);
    }
    return out;
  }

  /** Moves a group of equally fresh entries to a digest, earliest joined first (most groups are one entry). */
  private take(group: Entry[], out: DigestEntry[], limit: number): void {
    if (group.length > 1) group.sort(byOrder);
    for (const entry of group) {
      if (out.length >= limit) break;
      out.push([entry.bee, entry.beat]);
    }
    group.length = 0;
  }

  private refresh(entry: Entry, now: number): void {
    entry.freshAt = now;
    entry.logAt = this.log.length;
    this.log.push(entry);
    if (this.log.length > 2 * this.live.size + LOG_SLACK_ENTRIES) this.compact();
  }

  /** Drops superseded and consumed copies from the log, keeping its order. */
  private compact(): void {
    const kept: Entry[] = [];
    for (let at = this.logStart; at < this.log.length; at++) {
      const entry = this.log[at] as Entry;
      if (entry.logAt !== at) continue;
      entry.logAt = kept.length;
      kept.push(entry);
    }
    this.log = kept;
    this.logStart = 0;
  }
}

const byOrder = (x: Entry, y: Entry): number => x.order - y.order;
