// A snapshot split by how often its parts move, and a holder that hands a value on only when it
// changed. The tallies (the footer's counters) move with every frame a bee receives; the rest moves
// when the colony does. Components get the same object back while nothing they show changed, so
// Svelte re-renders nothing and the page repaints nothing at idle.

import type { HiveSnapshot } from '../bee';
import type { HiveEntry } from '../hive/frames';

/** What moves on every heartbeat: only the footer shows it. */
export type Tallies = Pick<HiveSnapshot, 'counters' | 'security' | 'storage'>;
/** The rest of the snapshot, less each hive's heartbeat count (nothing shows it): it changes when the colony changes. */
export type Shown = Omit<HiveSnapshot, keyof Tallies | 'hives'> & { hives: Array<Omit<HiveEntry, 'beat'>> };

export function splitSnapshot({ counters, security, storage, hives, ...rest }: HiveSnapshot): { shown: Shown; tallies: Tallies } {
  const shown = { ...rest, hives: hives.map(({ queen, hive, term, workers }) => ({ queen, hive, term, workers })) };
  return { shown, tallies: { counters, security, storage } };
}

/**
 * Holds the last value handed on. `next` returns that same object while the new one is equal
 * (as JSON: snapshots are plain data), so a `$state.raw` assigned from it signals nothing.
 */
export class Steady<T> {
  private key: string;

  constructor(private value: T) {
    this.key = JSON.stringify(value);
  }

  next(value: T): T {
    const key = JSON.stringify(value);
    if (key !== this.key) {
      this.key = key;
      this.value = value;
    }
    return this.value;
  }
}
