// Settled hives, as the classroom and projector specs wait for them: every tab a worker of a live
// queen that counts it, no queen over capacity (about to breed) and no small hive that fits into
// another with room to spare (about to merge, by the protocol's own rule).
import type { Page } from '@playwright/test';
import { mergeTarget } from '../src/hive/hives.ts';
import { expect, snapshots, type Snapshot } from './fixtures.ts';

/** Why the tabs are not yet settled hives of at most `capacity` workers, or null. */
export function hivesProblem(snaps: readonly Snapshot[], capacity: number): string | null {
  const queens = snaps.filter((snap) => snap.role === 'queen');
  if (queens.length === 0) return 'no queen yet';
  const queenIds = new Set(queens.map((snap) => snap.id));
  const stray = snaps.filter((snap) => snap.queen === null || !queenIds.has(snap.queen) || (snap.role !== 'queen' && snap.role !== 'worker'));
  if (stray.length > 0) return `not in a hive: ${stray.map((snap) => `${snap.id}=${snap.role}/${snap.queen}`).join(', ')}`;
  for (const queen of queens) {
    const followers = snaps.filter((snap) => snap.queen === queen.id && snap.id !== queen.id).map((snap) => snap.id).sort();
    if ([...queen.workers].sort().join() !== followers.join()) return `queen ${queen.id} counts [${queen.workers}] but [${followers}] follow her`;
    if (queen.workers.length > capacity) return `queen ${queen.id} has ${queen.workers.length} workers, over capacity ${capacity}`;
    const into = mergeTarget(queen.id, queen.workers.length, queens.map((other) => ({ queen: other.id, size: other.workers.length })), capacity);
    if (into !== undefined) return `queen ${queen.id}'s hive of ${queen.workers.length} is about to merge into ${into}'s`;
  }
  return null;
}

/** Waits until the tabs are settled hives of at most `capacity` workers; their snapshots then. */
export async function awaitHives<S extends Snapshot = Snapshot>(pages: readonly Page[], capacity: number, timeoutMs: number): Promise<S[]> {
  let settled: S[] = [];
  await expect(async () => {
    const snaps = (await snapshots(pages)) as S[];
    expect(hivesProblem(snaps, capacity), snaps.map((snap) => `${snap.id} ${snap.role} queen=${snap.queen} workers=${snap.workers}`).join('\n')).toBeNull();
    settled = snaps;
  }).toPass({ timeout: timeoutMs, intervals: [200] });
  return settled;
}
