// The projector in a classroom, end to end: it watches eight tabs as an observer (it never votes,
// and its closing changes no queen), and a capacity its teacher sets reaches every tab, one
// opened afterwards from the join link too, and the colony re-forms its hives to fit.
import type { Page } from '@playwright/test';
import { expect, inbox, snapshot, snapshots, test } from './fixtures.ts';
import { awaitHives } from './hives.ts';
import { expectAccessible, screenshot, undrawableText } from './page-checks.ts';
import type { Snapshot } from './fixtures.ts';

const TABS = 8;
const COLONY_TIMEOUT_MS = 90_000;

type Seen = Snapshot & { capacity: number; vote: { term: number; votedFor: string | null } | null; founder: string | null };

const awaitSettled = (pages: readonly Page[], capacity: number) => awaitHives<Seen>(pages, capacity, COLONY_TIMEOUT_MS);

test('a projector watching eight tabs never votes, and its closing changes no queen', async ({ openBees, openBee, context }) => {
  test.setTimeout(240_000);
  const projector = await openBee(await context.newPage(), { params: { view: 'hive' } });
  const bees = await openBees(TABS);
  const settled = await awaitSettled(bees, 8);
  const watcher = (await snapshot(projector)) as Seen;
  expect(watcher.role).toBe('observer');
  expect(watcher.vote?.votedFor ?? null).toBeNull();
  expect(watcher.neighbours.length).toBeGreaterThan(0);
  for (const snap of settled) expect(snap.roster).not.toContain(watcher.id);
  await expect(projector.locator('main')).toHaveAttribute('data-role', 'observer');

  await projector.close({ runBeforeUnload: true });
  // Every tab has let go of its links to the projector; nothing else has moved.
  await expect.poll(async () => (await snapshots(bees)).filter((snap) => snap.neighbours.includes(watcher.id)).length, { timeout: COLONY_TIMEOUT_MS }).toBe(0);
  const after = await awaitSettled(bees, 8);
  expect(after.map((snap) => [snap.id, snap.queen, snap.term])).toEqual(settled.map((snap) => [snap.id, snap.queen, snap.term]));
});

test("a capacity set on the projector reaches every tab, one opened later from the join link too, and the hives re-form", async ({ openBees, openBee, context }) => {
  test.setTimeout(300_000);
  const projector = await openBee(await context.newPage(), { params: { view: 'hive' } });
  const founder = ((await snapshot(projector)) as Seen).id;
  // Tabs opened from the join link: the colony and its founder, no settings.
  const bees = await openBees(TABS - 1, { params: { founder } });
  await awaitSettled(bees, 8);

  await projector.getByLabel('Capacity').fill('3');
  await projector.getByRole('button', { name: 'Apply to the colony' }).click();
  await expect(projector.getByRole('status').filter({ hasText: 'capacity 3' })).toBeVisible();
  await expect(projector.locator('.timeline li').filter({ hasText: 'teacher set capacity 3' })).toBeVisible();
  const late = await openBee(context, { params: { founder } });
  const pages = [...bees, late];
  await expect.poll(async () => ((await snapshots(pages)) as Seen[]).map((snap) => snap.capacity), { timeout: COLONY_TIMEOUT_MS }).toEqual(pages.map(() => 3));
  const reformed = await awaitSettled(pages, 3);
  expect(reformed.filter((snap) => snap.role === 'queen').length).toBeGreaterThanOrEqual(2);
});

test("the teacher's console kills the queen, splits the room in two halves and heals it", async ({ openBees, openBee, context }) => {
  test.setTimeout(300_000);
  const projector = await openBee(await context.newPage(), { params: { view: 'hive' } });
  const founder = ((await snapshot(projector)) as Seen).id;
  const bees = await openBees(TABS, { params: { founder } });
  const settled = await awaitSettled(bees, 8);
  const queen = settled.find((snap) => snap.role === 'queen')!;

  // Kill the queen: her tab leaves, the others crown a new one.
  await projector.getByRole('button', { name: 'Kill the queen' }).click();
  await expect(projector.locator('.timeline li').filter({ hasText: 'teacher: killed queen' })).toBeVisible();
  const queenPage = bees[settled.indexOf(queen)]!;
  await expect(queenPage.getByText('This bee has left the colony.').first()).toBeVisible({ timeout: COLONY_TIMEOUT_MS });
  const survivors = bees.filter((page) => page !== queenPage);
  const after = await awaitSettled(survivors, 8);
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
    if (pages.length > 1) await awaitSettled(pages, 8);
  }

  // Heal: links cross again and the colony is one set of hives.
  await projector.getByRole('button', { name: 'Heal the room' }).click();
  await expect(projector.locator('.timeline li').filter({ hasText: 'teacher: healed the room' })).toBeVisible();
  await awaitSettled(survivors, 8);
  if (new Set(halves).size === 2) {
    await expect
      .poll(async () => (await snapshots(survivors)).some((snap) => snap.neighbours.some((peer) => peer !== founder && half(peer) !== half(snap.id))), { timeout: COLONY_TIMEOUT_MS })
      .toBe(true);
  }
});

test('lesson mode walks the class through every stage of the story on real tabs', async ({ openBees, openBee, context }, testInfo) => {
  test.setTimeout(420_000);
  const projector = await openBee(await context.newPage(), { params: { view: 'hive', lesson: '' } });
  const founder = ((await snapshot(projector)) as Seen).id;
  const lesson = projector.getByRole('region', { name: 'Lesson' });
  const stage = async (n: number, action: string) => {
    await expect(lesson).toHaveAttribute('data-stage', String(n));
    await lesson.getByRole('button', { name: action }).click();
    await expect(projector.locator('.timeline li').filter({ hasText: `lesson ${n},` })).toBeVisible({ timeout: COLONY_TIMEOUT_MS });
  };
  const next = () => lesson.getByRole('button', { name: 'Next' }).click();

  // 1. Discovery: queens off before the class joins; bees link neighbours and nobody reigns.
  await stage(1, 'Queens off');
  const bees = await openBees(TABS - 2, { params: { founder } });
  await expect.poll(async () => (await snapshots(bees)).every((snap) => snap.neighbours.length > 0 && snap.role !== 'queen' && snap.role !== 'candidate'), { timeout: COLONY_TIMEOUT_MS }).toBe(true);
  await projector.setViewportSize({ width: 1600, height: 900 });
  await screenshot(projector, 'projector-lesson', testInfo);
  expect(await undrawableText(projector)).toEqual([]);
  await expectAccessible(projector, 'projector-lesson', testInfo);
  // 2. A queen is elected.
  await next();
  await stage(2, 'Queens on');
  await awaitSettled(bees, 8);
  // 3. Routing through her: the teacher's broadcast reaches every tab.
  await next();
  await stage(3, 'Send a message to everyone');
  await expect.poll(async () => (await Promise.all(bees.map(inbox))).every((entries) => entries.some((entry) => entry.body === 'hello from the teacher')), { timeout: COLONY_TIMEOUT_MS }).toBe(true);
  // 4. An upgrade spreads to every tab.
  const version = ((await snapshot(projector)) as unknown as { version: number }).version;
  await next();
  await stage(4, 'Seed an upgrade');
  await expect.poll(async () => (await snapshots(bees)).every((snap) => (snap.version as number) > version), { timeout: COLONY_TIMEOUT_MS }).toBe(true);
  // 5. The queen is killed and another hatches.
  await next();
  await stage(5, 'Kill the queen');
  await expect.poll(async () => (await Promise.all(bees.map((page) => page.evaluate(() => (window as unknown as { hive: { gone: boolean } }).hive.gone)))).filter(Boolean).length, { timeout: COLONY_TIMEOUT_MS }).toBe(1);
  const alive = async () => {
    const gone = await Promise.all(bees.map((page) => page.evaluate(() => (window as unknown as { hive: { gone: boolean } }).hive.gone)));
    return bees.filter((_, i) => !gone[i]);
  };
  const survivors = await alive();
  await awaitSettled(survivors, 8);
  // 6. Overcrowding: capacity 3 splits the hive.
  await next();
  await stage(6, 'Capacity 3');
  const split = await awaitSettled(survivors, 3);
  expect(split.filter((snap) => snap.role === 'queen').length).toBeGreaterThanOrEqual(2);
  // 7. A rogue worker is destroyed: evicted by its queen.
  await next();
  await stage(7, 'Make a worker rogue');
  await expect.poll(async () => (await snapshots(survivors)).some((snap) => snap.role === 'evicted'), { timeout: COLONY_TIMEOUT_MS }).toBe(true);
});
