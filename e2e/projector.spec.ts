// The projector in a classroom, end to end: it watches eight tabs as an observer (it never votes,
// and its closing changes no queen), and a capacity its teacher sets reaches every tab, one
// opened afterwards from the join link too, and the colony re-forms its hives to fit.
import type { Page } from '@playwright/test';
import { expect, snapshot, snapshots, test } from './fixtures.ts';
import type { Snapshot } from './fixtures.ts';

const TABS = 8;
const COLONY_TIMEOUT_MS = 90_000;

type Seen = Snapshot & { capacity: number; vote: { term: number; votedFor: string | null } | null; founder: string | null };

/** Why the tabs are not yet hives of at most `capacity` workers under live queens, or null. */
function hivesProblem(snaps: readonly Seen[], capacity: number): string | null {
  const queens = snaps.filter((snap) => snap.role === 'queen');
  if (queens.length === 0) return 'no queen yet';
  const ids = new Set(queens.map((snap) => snap.id));
  const stray = snaps.filter((snap) => snap.queen === null || !ids.has(snap.queen) || (snap.role !== 'queen' && snap.role !== 'worker'));
  if (stray.length > 0) return `not in a hive: ${stray.map((snap) => `${snap.id}=${snap.role}/${snap.queen}`).join(', ')}`;
  for (const queen of queens) {
    const followers = snaps.filter((snap) => snap.queen === queen.id && snap.id !== queen.id).map((snap) => snap.id).sort();
    if ([...queen.workers].sort().join() !== followers.join()) return `queen ${queen.id} counts [${queen.workers}] but [${followers}] follow her`;
    if (queen.workers.length > capacity) return `queen ${queen.id} has ${queen.workers.length} workers, over capacity ${capacity}`;
  }
  return null;
}

async function awaitHives(pages: readonly Page[], capacity: number): Promise<Seen[]> {
  let settled: Seen[] = [];
  await expect(async () => {
    const snaps = (await snapshots(pages)) as Seen[];
    expect(hivesProblem(snaps, capacity), snaps.map((snap) => `${snap.id} ${snap.role} queen=${snap.queen} capacity=${snap.capacity}`).join('\n')).toBeNull();
    settled = snaps;
  }).toPass({ timeout: COLONY_TIMEOUT_MS, intervals: [250] });
  return settled;
}

test('a projector watching eight tabs never votes, and its closing changes no queen', async ({ openBees, openBee, context }) => {
  test.setTimeout(240_000);
  const projector = await openBee(await context.newPage(), { params: { view: 'hive' } });
  const bees = await openBees(TABS);
  const settled = await awaitHives(bees, 8);
  const watcher = (await snapshot(projector)) as Seen;
  expect(watcher.role).toBe('observer');
  expect(watcher.vote?.votedFor ?? null).toBeNull();
  expect(watcher.neighbours.length).toBeGreaterThan(0);
  for (const snap of settled) expect(snap.roster).not.toContain(watcher.id);
  await expect(projector.locator('main')).toHaveAttribute('data-role', 'observer');

  await projector.close({ runBeforeUnload: true });
  // Every tab has let go of its links to the projector; nothing else has moved.
  await expect.poll(async () => (await snapshots(bees)).filter((snap) => snap.neighbours.includes(watcher.id)).length, { timeout: COLONY_TIMEOUT_MS }).toBe(0);
  const after = await awaitHives(bees, 8);
  expect(after.map((snap) => [snap.id, snap.queen, snap.term])).toEqual(settled.map((snap) => [snap.id, snap.queen, snap.term]));
});

test("a capacity set on the projector reaches every tab, one opened later from the join link too, and the hives re-form", async ({ openBees, openBee, context }) => {
  test.setTimeout(300_000);
  const projector = await openBee(await context.newPage(), { params: { view: 'hive' } });
  const founder = ((await snapshot(projector)) as Seen).id;
  // Tabs opened from the join link: the colony and its founder, no settings.
  const bees = await openBees(TABS - 1, { params: { founder } });
  await awaitHives(bees, 8);

  await projector.getByLabel('Capacity').fill('3');
  await projector.getByRole('button', { name: 'Apply to the colony' }).click();
  await expect(projector.getByRole('status').filter({ hasText: 'capacity 3' })).toBeVisible();
  await expect(projector.locator('.timeline li').filter({ hasText: 'teacher set capacity 3' })).toBeVisible();
  const late = await openBee(context, { params: { founder } });
  const pages = [...bees, late];
  await expect.poll(async () => ((await snapshots(pages)) as Seen[]).map((snap) => snap.capacity), { timeout: COLONY_TIMEOUT_MS }).toEqual(pages.map(() => 3));
  const reformed = await awaitHives(pages, 3);
  expect(reformed.filter((snap) => snap.role === 'queen').length).toBeGreaterThanOrEqual(2);
});

test("the teacher's console kills the queen, splits the room in two halves and heals it", async ({ openBees, openBee, context }) => {
  test.setTimeout(300_000);
  const projector = await openBee(await context.newPage(), { params: { view: 'hive' } });
  const founder = ((await snapshot(projector)) as Seen).id;
  const bees = await openBees(TABS, { params: { founder } });
  const settled = await awaitHives(bees, 8);
  const queen = settled.find((snap) => snap.role === 'queen')!;

  // Kill the queen: her tab leaves, the others crown a new one.
  await projector.getByRole('button', { name: 'Kill the queen' }).click();
  await expect(projector.locator('.timeline li').filter({ hasText: 'teacher: killed queen' })).toBeVisible();
  const queenPage = bees[settled.indexOf(queen)]!;
  await expect(queenPage.getByText('This bee has left the colony.').first()).toBeVisible({ timeout: COLONY_TIMEOUT_MS });
  const survivors = bees.filter((page) => page !== queenPage);
  const after = await awaitHives(survivors, 8);
  expect(after.some((snap) => snap.queen === queen.id)).toBe(false);

  // Split: no link crosses the halves (by a bee id's first hex digit), each half governs itself.
  const half = (id: string) => (parseInt(id[0]!, 16) < 8 ? 'left' : 'right');
  await projector.getByRole('button', { name: 'Split the room' }).click();
  await expect(projector.getByRole('button', { name: 'Heal the room' })).toBeVisible();
  await expect
    .poll(async () => (await snapshots(survivors)).flatMap((snap) => snap.neighbours.filter((peer) => peer !== founder && half(peer) !== half(snap.id))).length, { timeout: COLONY_TIMEOUT_MS })
    .toBe(0);
  const halves = (await snapshots(survivors)).map((snap) => half(snap.id));
  for (const side of ['left', 'right']) {
    const pages = survivors.filter((_, i) => halves[i] === side);
    if (pages.length > 1) await awaitHives(pages, 8);
  }

  // Heal: links cross again and the colony is one set of hives.
  await projector.getByRole('button', { name: 'Heal the room' }).click();
  await expect(projector.locator('.timeline li').filter({ hasText: 'teacher: healed the room' })).toBeVisible();
  await awaitHives(survivors, 8);
  if (new Set(halves).size === 2) {
    await expect
      .poll(async () => (await snapshots(survivors)).some((snap) => snap.neighbours.some((peer) => peer !== founder && half(peer) !== half(snap.id))), { timeout: COLONY_TIMEOUT_MS })
      .toBe(true);
  }
});
