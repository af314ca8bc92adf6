// What this bee knows of the colony's shape, in the names the growth work adds to snapshot()
// (capacity, hive, hives, court, connections). Until those fields land this derives them from
// today's snapshot; once they do, `knownColony` passes them through: switching is this one file.

import type { HiveSnapshot } from '../bee';

export interface KnownHive {
  queen: string;
  term: number;
  /** Its workers, when the bee lists them (a small colony); `size` counts them always. */
  workers: string[];
  size?: number;
}

/** The planned snapshot additions; each is optional until the growth work lands. `hive` is not
 * read: hives are named by their queen here, whatever id the snapshot gives them. */
export interface PlannedFields {
  capacity?: number;
  hive?: string | null;
  hives?: KnownHive[];
  court?: string[];
  connections?: number;
  relayRate?: number;
  relayLimit?: number;
}

export type ColonySnapshot = HiveSnapshot & PlannedFields;

export interface KnownColony {
  /** Workers one queen takes, when the bee says. */
  capacity: number | null;
  /** The hive this bee belongs to, named by its queen (the UI names every hive by its queen). */
  hive: string | null;
  hives: KnownHive[];
  queens: string[];
  /** For a queen: the other queens she links to. */
  court: string[];
  /** Peer connections this bee created in its lifetime (Chrome allows ~500). */
  connections: number | null;
}

export function knownColony(snap: ColonySnapshot): KnownColony {
  // In their queens' order: a bee keeps hives freshest last, which reorders them every beat.
  const hives = [...(snap.hives ?? deriveHives(snap))].sort((a, b) => (a.queen < b.queen ? -1 : a.queen > b.queen ? 1 : 0));
  const queens = [...new Set([...snap.queens, ...hives.map((hive) => hive.queen)])].sort();
  return {
    capacity: snap.capacity ?? null,
    hive: hives.find((hive) => hive.queen === snap.id || hive.workers.includes(snap.id))?.queen ?? snap.queen,
    hives,
    queens,
    court: snap.court ?? [],
    connections: snap.connections ?? null,
  };
}

/** Today a bee knows one hive at most: its queen's; a queen knows her workers, a worker itself. */
function deriveHives(snap: HiveSnapshot): KnownHive[] {
  if (snap.queen === null) return [];
  const workers = snap.role === 'queen' ? snap.workers : snap.role === 'worker' ? [snap.id] : [];
  return [{ queen: snap.queen, term: snap.term, workers }];
}
