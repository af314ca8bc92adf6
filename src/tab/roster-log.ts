// The roster as the tab keeps it: joins and leaves go to the event log, and the stored roster
// (the queen and neighbours a reloaded bee offers as its first link candidates) is kept roughly
// current. It is a hint, not a record, so it is saved at most every ROSTER_SAVE_MS.

import type { BeeStore } from '../store/store';
import type { Note } from './tab-store';

/** The roster is saved at most this often. */
const ROSTER_SAVE_MS = 2000;
/** Joins and leaves logged one by one per tick; more become one summary line. */
const ROSTER_CHANGES_LOGGED = 10;

interface Seen {
  roster: readonly string[];
  queen: string | null;
}

export class RosterLog {
  private known = new Set<string>();
  private key = '';
  private savedAt = -Infinity;
  private dirty = false;

  constructor(
    private readonly id: string,
    private readonly store: BeeStore,
    private readonly note: Note,
  ) {}

  /** After a tick: logs what changed, and saves the roster if it is due. */
  watch({ roster, queen }: Seen, now: number): void {
    const key = `${queen}|${roster.join(',')}`;
    if (key !== this.key) {
      this.key = key;
      const current = new Set(roster.filter((bee) => bee !== this.id));
      const joined = [...current].filter((bee) => !this.known.has(bee));
      const left = [...this.known].filter((bee) => !current.has(bee));
      this.known = current;
      this.dirty = true;
      for (const [kind, bees] of [['join', joined], ['leave', left]] as const) {
        if (bees.length > ROSTER_CHANGES_LOGGED) this.note(kind, `${bees.length} bees ${kind === 'join' ? 'joined' : 'left'}`, { bees });
        else for (const bee of bees) this.note(kind, `bee ${bee} ${kind === 'join' ? 'joined' : 'left'}`, { bee });
      }
    }
    if (this.dirty && now - this.savedAt >= ROSTER_SAVE_MS) this.save({ roster, queen }, now);
  }

  /** The page is going away: the latest roster is saved if it changed since the last save. */
  flush(seen: Seen, now: number): void {
    if (this.dirty) this.save(seen, now);
  }

  private save({ roster, queen }: Seen, now: number): void {
    this.dirty = false;
    this.savedAt = now;
    void this.store.saveRoster(queen, roster.filter((bee) => bee !== this.id), now);
  }
}
