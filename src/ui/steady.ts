// A snapshot split by how often its parts move, and a holder that hands a value on only when it
// changed, or at most once per interval. The tallies (the footer's counters) move with every frame a bee receives; the rest moves
// when the colony does. Components get the same object back while nothing they show changed, so
// Svelte re-renders nothing and the page repaints nothing at idle.

import type { HiveSnapshot } from '../bee';
import type { HiveEntry } from '../hive/frames';

/** What moves on every heartbeat: only the footer shows it. */
export type Tallies = Pick<HiveSnapshot, 'counters' | 'security' | 'storage'>;
/**
 * The rest of the snapshot, less each hive's heartbeat count (nothing shows it), its hives in
 * their queens' order (a bee keeps them freshest last, an order that moves with every beat):
 * it changes when the colony changes.
 */
export type Shown = Omit<HiveSnapshot, keyof Tallies | 'hives'> & { hives: Array<Omit<HiveEntry, 'beat'>> };

export function splitSnapshot({ counters, security, storage, hives, ...rest }: HiveSnapshot): { shown: Shown; tallies: Tallies } {
  const byQueen = [...hives].sort((a, b) => (a.queen < b.queen ? -1 : a.queen > b.queen ? 1 : 0));
  const shown = { ...rest, hives: byQueen.map(({ queen, hive, term, size, workers }) => ({ queen, hive, term, size, workers })) };
  return { shown, tallies: { counters, security, storage } };
}

/**
 * Holds the last value handed on. `next` returns that same object while the new one is equal
 * (by `keyOf`, by default as JSON: snapshots are plain data), so a `$state.raw` assigned from it
 * signals nothing.
 */
export class Steady<T> {
  private key: string;

  constructor(
    private value: T,
    private readonly keyOf: (value: T) => string = JSON.stringify,
  ) {
    this.key = keyOf(value);
  }

  next(value: T): T {
    const key = this.keyOf(value);
    if (key !== this.key) {
      this.key = key;
      this.value = value;
    }
    return this.value;
  }
}

/**
 * A Steady that also hands a change on at most once per `intervalMs`: the footer's tallies move
 * with every frame received (several a second at idle), and a line of counters re-rendered that
 * often costs the tab a style, layout and paint each time for figures nobody reads that fast.
 * `wait` says how long until a change held back may be shown (null: nothing is held back).
 */
export class Paced<T> {
  private key: string;
  private shownAtMs = -Infinity;

  constructor(
    private value: T,
    private readonly intervalMs: number,
  ) {
    this.key = JSON.stringify(value);
  }

  next(value: T, nowMs: number): { value: T; wait: number | null } {
    const key = JSON.stringify(value);
    if (key === this.key) return { value: this.value, wait: null };
    const wait = this.shownAtMs + this.intervalMs - nowMs;
    if (wait > 0) return { value: this.value, wait };
    this.key = key;
    this.value = value;
    this.shownAtMs = nowMs;
    return { value, wait: null };
  }
}
