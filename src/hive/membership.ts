// A hive's committed membership (Raft's configuration): its id, the members, and where this
// version stands in the hive's history. Only the hive's queen changes it, one member at a time
// (or several that left the hive, queen.ts), and a change counts once a majority of the old
// members and a majority of the new ones stored it (membership-changes.ts). Link timeouts never
// shrink it. Pure data and pure questions.

/** The hive's membership at one point of its history. */
export interface Membership {
  /** Fresh for every hive founded or bred: a new hive never reuses another's terms. */
  hive: string;
  /** The reign (term) in which this version was proposed; 0 for a hive's founding members. */
  term: number;
  /** Counts the changes; with `term` it orders versions: (term, epoch), term first. */
  epoch: number;
  /** Sorted, without repeats; the queen is one of them. */
  members: string[];
}

/** Votes needed among `count` members: a strict majority. */
export const majority = (count: number): number => Math.floor(count / 2) + 1;

export const isMember = (membership: Membership, bee: string): boolean => membership.members.includes(bee);

/** Negative when `a` is an older version than `b`, positive when newer, 0 when the same point. */
export function compareVersions(a: Pick<Membership, 'term' | 'epoch'>, b: Pick<Membership, 'term' | 'epoch'>): number {
  return a.term !== b.term ? a.term - b.term : a.epoch - b.epoch;
}

export function sameMembership(a: Membership | null, b: Membership | null): boolean {
  if (a === null || b === null) return a === b;
  return a.hive === b.hive && a.term === b.term && a.epoch === b.epoch && a.members.length === b.members.length && a.members.every((bee, i) => b.members[i] === bee);
}

/** The members of a new hive (founded or bred), before its first queen reigns. */
export function founding(hive: string, bees: Iterable<string>): Membership {
  return { hive, term: 0, epoch: 0, members: [...new Set(bees)].sort() };
}

/** The next version, proposed by the queen of `term`: `members` as given. */
export function nextVersion(current: Membership, term: number, members: Iterable<string>): Membership {
  return { hive: current.hive, term, epoch: current.epoch + 1, members: [...new Set(members)].sort() };
}

/** Whether the bees in `stored` are a majority of `membership`'s members. */
export function reached(membership: Membership, stored: ReadonlySet<string>): boolean {
  let count = 0;
  for (const bee of membership.members) if (stored.has(bee)) count++;
  return count >= majority(membership.members.length);
}

