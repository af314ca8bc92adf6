// The colony's hives as one bee knows them, and the pure decisions a queen takes about hers:
// when to breed (split), whom to crown and hand which workers, and when two small hives merge.
// Hive news travels in heartbeats like roster beats: each queen stamps her hive with her own
// clock, newer stamps replace older ones, and a hive whose stamp stops advancing is forgotten.
//
// A hive is a count (its size), and a list of its workers while the bee has room for it: lists
// are what a classroom's map draws, and what tells a queen where a worker of another hive works.
// A bee keeps at most MAX_LISTED_WORKERS workers listed; in a colony of thousands the other
// hives are counts, and the queens' directory (directory.ts) says where their
// workers are. Nothing here grows with the colony but the hives a queen keeps.

import { courtKey, keyed, nearestOf, type Keyed } from './court-table';
import { betterQueen, type WorkerFitness } from './election';
import { MAX_HIVE_ENTRIES, MAX_HIVE_WORKERS, type HiveEntry } from './frames';
import { remember } from './bounded';
import { Rotation } from './rotation';
import type { Rng } from './rng';

/** Forgotten hives remembered, oldest dropped first. */
const MAX_FORGOTTEN = 4096;
/**
 * Hives a bee that is not a queen keeps, the freshest: enough to find one with room and to show a
 * classroom's colony whole. A queen keeps every hive she hears of: the court is hers to route.
 */
export const WORKER_HIVE_LIMIT = 64;
/**
 * Workers a bee keeps listed, over all hives (a limit on what it holds): every worker of a
 * colony of some 4,000 bees, some hives' of a bigger one. At 2,048 a queen of a 3,000-bee colony
 * routed a fifth more frames per unicast through the directory.
 */
export const MAX_LISTED_WORKERS = 4096;

interface Known extends HiveEntry {
  /** Our clock when this hive's stamp last advanced. */
  heardAt: number;
  /** Her place in the court's key space (court-table.ts). */
  key: number;
}

export class HiveMap {
  /** Known hives, least recently refreshed first (a refresh moves a hive to the end). */
  private readonly hives = new Map<string, Known>();
  /**
   * Which hive each listed worker belongs to, as the freshest entries list them: kept only while
   * the bee routes by it (a queen). Kept by every bee, it was a quarter of the simulator's time at
   * 3,000 to 10,000 bees: workers re-indexed every hive whose workforce changed.
   */
  private readonly hiveOf = new Map<string, string>();
  private indexed = false;
  /** How many workers the lists kept name. */
  private listedWorkers = 0;
  /**
   * Hives we forgot, and the stamp they had: gossip still carrying that stamp (or an older one)
   * must not bring a dead queen's hive back. A queen who reigns again stamps it anew.
   */
  private readonly forgotten = new Map<string, number>();
  /** Queens whose hive was refreshed most recently, newest last (may repeat; bounded). */
  private recent: string[] = [];
  private readonly rotation = new Rotation(this.hives);

  constructor(
    private readonly self: string,
    /** How many hives to keep: it changes with the bee's role. */
    private readonly limit: () => number = () => Infinity,
    /** Whether the bee finds workers' hives by the lists (a queen does); it changes with its role. */
    private readonly routes: () => boolean = () => true,
  ) {}

  get size(): number {
    return this.hives.size;
  }

  /** Takes an entry if it is newer than what we know; returns whether it was news. */
  merge(entry: HiveEntry, now: number): boolean {
    if (entry.queen === this.self) return false;
    const known = this.hives.get(entry.queen);
    if (known) {
      if (known.beat >= entry.beat) return false;
      // Most news is a fresh stamp on the same hive: only a changed workforce touches the index.
      // An entry that lists nobody while counting workers says nothing of who they are.
      if (this.lists(entry) && !sameList(known.workers, entry.workers)) this.list(known, entry.workers);
      known.beat = entry.beat;
      known.hive = entry.hive;
      known.term = entry.term;
      known.size = entry.size;
      known.heardAt = now;
      this.hives.delete(entry.queen);
      this.hives.set(entry.queen, known);
    } else {
      if ((this.forgotten.get(entry.queen) ?? -1) >= entry.beat) return false;
      this.forgotten.delete(entry.queen);
      // The stalest hives make room, without a tombstone: fresher news of them is taken again.
      // The last to leave is taken for the newcomer: a worker's map turns over all the time in a
      // colony of thousands, and each new hive would outlive a young GC.
      let room: Known | undefined;
      for (const [queen, stalest] of this.hives) {
        if (this.hives.size < this.limit()) break;
        this.hives.delete(queen);
        this.unlist(stalest);
        room = stalest;
      }
      // Field by field, not `{ ...entry }`: spread clones gave every entry its own hidden class,
      // which made each read of a known hive a megamorphic lookup (40% of the simulator's time at
      // 1,000 bees). It also keeps no field a sender added beyond these.
      const fresh: Known = room ?? { queen: entry.queen, hive: entry.hive, beat: entry.beat, term: entry.term, size: entry.size, workers: NONE, heardAt: now, key: 0 };
      fresh.queen = entry.queen;
      fresh.key = courtKey(entry.queen);
      fresh.hive = entry.hive;
      fresh.beat = entry.beat;
      fresh.term = entry.term;
      fresh.size = entry.size;
      fresh.heardAt = now;
      this.hives.set(entry.queen, fresh);
      if (this.lists(entry)) this.list(fresh, entry.workers);
    }
    this.recent.push(entry.queen);
    if (this.recent.length > 4 * MAX_HIVE_ENTRIES) this.recent = this.recent.slice(-MAX_HIVE_ENTRIES);
    return true;
  }

  /** Forgets a queen (she left, stepped down, or her stamp stopped advancing). */
  remove(queen: string): void {
    const known = this.hives.get(queen);
    if (!known) return;
    this.hives.delete(queen);
    this.unlist(known);
    remember(this.forgotten, queen, known.beat, MAX_FORGOTTEN);
  }

  /** Forgets hives whose stamp has not advanced for `timeoutMs`; the stalest come first. */
  expire(now: number, timeoutMs: number): void {
    for (const [queen, hive] of this.hives) {
      if (now - hive.heardAt <= timeoutMs) break;
      this.remove(queen);
    }
  }

  get(queen: string): HiveEntry | undefined {
    return this.hives.get(queen);
  }

  /** The queen of the hive `bee` works in, as far as the hive lists kept tell. */
  queenOf(bee: string): string | undefined {
    this.index();
    return this.hiveOf.get(bee);
  }

  /** Builds the index of listed workers when the bee starts routing by it, and drops it when it stops. */
  private index(): void {
    const routes = this.routes();
    if (routes === this.indexed) return;
    this.indexed = routes;
    this.hiveOf.clear();
    if (routes) for (const hive of this.hives.values()) for (const worker of hive.workers) this.hiveOf.set(worker, hive.queen);
  }

  queens(): string[] {
    return [...this.hives.keys()];
  }

  /** The known hives, without copying them, each with its queen's key in the court. */
  values(): IterableIterator<HiveEntry & Keyed> {
    return this.hives.values();
  }

  /** The home of `bee` among the queens known and this bee (court-table.ts's `homeOf`). */
  homeOf(bee: string): string {
    return nearestOf(courtKey(bee), this.hives.values(), keyed(this.self)) as string;
  }

  entries(): HiveEntry[] {
    return [...this.hives.values()].map(strip);
  }

  /**
   * The `count` hives whose queens' keys are nearest `key` (court-table.ts), nearest first,
   * leaving out `except`'s: what a queen tells a court queen of her neighbourhood in the key space.
   */
  nearest(key: number, count: number, except: string): HiveEntry[] {
    const found: Known[] = [];
    if (count <= 0) return [];
    const distance = (hive: Known) => (hive.key ^ key) >>> 0;
    for (const hive of this.hives.values()) {
      if (hive.queen === except) continue;
      const d = distance(hive);
      if (found.length === count && d >= distance(found[count - 1] as Known)) continue;
      let at = found.length;
      while (at > 0 && distance(found[at - 1] as Known) > d) at--;
      found.splice(at, 0, hive);
      if (found.length > count) found.pop();
    }
    return found.map(strip);
  }

  /**
   * What a heartbeat tells of hives, at most `limit`: our own first (when we are a queen), then
   * the freshest, then a rotating slice so that every hive of a big colony is mentioned now and then.
   * A hive whose list this bee dropped is told as a count.
   */
  digest(own: HiveEntry | null, limit = MAX_HIVE_ENTRIES): HiveEntry[] {
    const chosen = new Map<string, HiveEntry>();
    if (own) chosen.set(own.queen, own);
    if (this.hives.size + chosen.size <= limit) {
      this.rotation.idle();
      for (const hive of this.hives.values()) chosen.set(hive.queen, strip(hive));
      return [...chosen.values()];
    }
    for (let i = this.recent.length - 1; i >= 0 && chosen.size < limit / 2; i--) {
      const hive = this.hives.get(this.recent[i] as string);
      if (hive && !chosen.has(hive.queen)) chosen.set(hive.queen, strip(hive));
    }
    for (let visited = 0; visited < this.hives.size && chosen.size < limit; visited++) {
      const hive = this.rotation.next() as Known;
      if (!chosen.has(hive.queen)) chosen.set(hive.queen, strip(hive));
    }
    return [...chosen.values()];
  }

  /** Whether an entry says who works in the hive: it lists somebody, or counts nobody. */
  private lists(entry: HiveEntry): boolean {
    return entry.workers.length > 0 || entry.size === 0;
  }

  /**
   * Lists a hive's workers, if they fit within MAX_LISTED_WORKERS; otherwise the hive is a count
   * until lists kept make room (their hive is forgotten, or shrinks). Lists already kept stay:
   * making room for each list heard would drop and take back lists with every heartbeat.
   */
  private list(hive: Known, workers: string[]): void {
    if (workers.length === 0 || this.listedWorkers - hive.workers.length + workers.length > MAX_LISTED_WORKERS) {
      this.unlist(hive);
      return;
    }
    this.index();
    if (this.indexed) this.reindex(hive.queen, hive.workers, workers);
    this.listedWorkers += workers.length - hive.workers.length;
    // Lists are never written to, here or by whoever handed them over: kept as they came.
    hive.workers = workers;
  }

  /**
   * Points the index at `queen` for the workers of her new list, and away from her for those of
   * her old one that left it. A queen lists hundreds of workers in a colony of thousands and most
   * news is one worker more or less: with both lists sorted (a queen's own are), one walk through
   * both touches the index only where they differ.
   */
  private reindex(queen: string, before: readonly string[], after: readonly string[]): void {
    if (!ascending(before) || !ascending(after)) {
      for (const worker of before) this.unindex(worker, queen);
      for (const worker of after) this.hiveOf.set(worker, queen);
      return;
    }
    let i = 0;
    for (const worker of after) {
      while (i < before.length && (before[i] as string) < worker) this.unindex(before[i++] as string, queen);
      if (before[i] === worker) {
        i++;
        if (this.hiveOf.get(worker) === queen) continue;
      }
      this.hiveOf.set(worker, queen);
    }
    while (i < before.length) this.unindex(before[i++] as string, queen);
  }

  /** `worker` is no longer listed by `queen`: the index forgets it unless a fresher list named another hive. */
  private unindex(worker: string, queen: string): void {
    if (this.hiveOf.get(worker) === queen) this.hiveOf.delete(worker);
  }

  /** Keeps `hive` as a count only. */
  private unlist(hive: Known): void {
    if (hive.workers === NONE) return;
    this.index();
    if (this.indexed) for (const worker of hive.workers) this.unindex(worker, hive.queen);
    this.listedWorkers -= hive.workers.length;
    hive.workers = NONE;
  }
}

/** The workers of a hive not listed: shared, never written to. */
const NONE: string[] = [];

/** Whether each id in `list` comes after the one before it. */
function ascending(list: readonly string[]): boolean {
  for (let i = 1; i < list.length; i++) if ((list[i - 1] as string) >= (list[i] as string)) return false;
  return true;
}

export function sameList(a: readonly string[], b: readonly string[]): boolean {
  // The same list handed on (a queen's own while her workforce holds, in the simulator) is the same.
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const strip = ({ queen, hive, beat, term, size, workers }: Known): HiveEntry => ({
  queen,
  hive,
  beat,
  term,
  size,
  workers: workers.length > MAX_HIVE_WORKERS ? workers.slice(0, MAX_HIVE_WORKERS) : workers,
});

/** How a queen's hive is doing: the numbers the split and merge rules look at. */
export interface HiveLoad {
  workers: number;
  capacity: number;
  /** Envelopes she relayed per second recently, and the most she should. */
  relayRate: number;
  relayLimit: number;
}

/** Over capacity (workers or relay load): time to breed a new queen. */
export const overloaded = (load: HiveLoad): boolean => load.workers > load.capacity || (load.workers >= 2 && load.relayRate > load.relayLimit);

/**
 * Two hives merge only when together they fit with room to spare: a split leaves two halves
 * that add up to more than capacity, so a fresh split never merges straight back (hysteresis).
 */
export const mergeRoom = (capacity: number): number => capacity - Math.max(1, Math.floor(capacity / 4));

export interface Breeding {
  heir: string;
  /** Workers handed to the heir. */
  movers: string[];
}

/** Workers a queen keeps, and hands each new queen, when she breeds: room to grow before the next split. */
export const breedingShare = (capacity: number): number => Math.max(1, Math.floor((capacity * 3) / 4));

/**
 * An overloaded queen's brood: the best workers become queens (heirs), each handed a share of
 * the others, until what she keeps is her own share. Far over capacity (a crowd arriving at
 * once) she breeds several queens in one go; just over it, one takes about half.
 */
export function planBreeding(workers: ReadonlyMap<string, WorkerFitness>, capacity: number, rng: Rng): Breeding[] {
  const share = breedingShare(capacity);
  const ranked = [...workers.keys()].sort((a, b) => betterQueen(workers.get(a) as WorkerFitness, workers.get(b) as WorkerFitness));
  const broods = Math.max(1, Math.ceil((ranked.length - share) / (share + 1)));
  const heirs = ranked.slice(0, broods);
  const others = ranked.slice(broods);
  rng.shuffle(others);
  // Just over capacity the hive halves; a crowd is dealt out a share per new queen.
  const perHeir = broods === 1 ? Math.floor((ranked.length - 1) / 2) : share;
  return heirs.map((heir, i) => ({ heir, movers: others.slice(i * perHeir, (i + 1) * perHeir) }));
}

/**
 * The hive a small one merges into, if any: the largest hive that still fits both with room to
 * spare. A hive of at most a quarter of capacity (a queen alone, or what a crowd's breeding left
 * her) needs no spare room, only room: a split that halves a hive never leaves one that small, so
 * its move cannot start a split back, and a small hive beside one with room would otherwise stay
 * apart for good. Only the smaller of two hives moves (ties: the larger queen id), so two queens
 * never move into each other.
 */
export function mergeTarget(self: string, ownWorkers: number, hives: Iterable<Pick<HiveEntry, 'queen' | 'size'>>, capacity: number): string | undefined {
  const small = ownWorkers + 1 <= Math.max(1, Math.floor(capacity / 4));
  const room = small ? capacity : mergeRoom(capacity);
  let best: Pick<HiveEntry, 'queen' | 'size'> | undefined;
  for (const hive of hives) {
    if (hive.queen === self || ownWorkers + 1 + hive.size > room) continue;
    const bigger = hive.size > ownWorkers || (hive.size === ownWorkers && hive.queen < self);
    if (bigger && (!best || hive.size > best.size)) best = hive;
  }
  return best?.queen;
}
