// What the benchmarks read from a snapshot beyond the automation contract's plain fields, in one
// place. The growth branch adds `hive`, `hives`, `capacity` and `court` to snapshot() (see
// notes/snapshot-plan.md); until they land these derive the same answers from today's fields, and
// switching is an edit here. Each function uses only its parameter: the probe ships their source
// into the page.

import type { HiveSnapshot } from '../src/bee.ts';

/** The snapshot fields these functions read. */
export type SnapshotView = Pick<HiveSnapshot, 'id' | 'role' | 'queen' | 'neighbours'> & { version?: unknown };

/**
 * The queen this bee is attached to: itself if it is a queen, else the queen it follows when it
 * holds a direct link to her (DESIGN.md, queen mode); null while it has none.
 */
export function attachedQueen(snap: SnapshotView): string | null {
  if (snap.role === 'queen') return snap.id;
  return snap.queen !== null && snap.neighbours.includes(snap.queen) ? snap.queen : null;
}

/** The colony config version this bee runs, as a comparable key (a number today, maybe a record later). */
export function versionKey(snap: SnapshotView): string {
  return JSON.stringify(snap.version ?? null);
}
