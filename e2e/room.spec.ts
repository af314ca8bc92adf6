// Phones in the room: a class of students reads its bees by name on phones 320–375 px wide,
// groups by hive from the hive-colour screen, and names its bees. Every view is checked for
// what a person would trip over: emoji drawn as empty boxes, words broken mid-word, raw ids,
// and serious accessibility issues. Screenshots go to test-results/ (not in git).
import type { Page } from '@playwright/test';
import { expect, snapshots, test } from './fixtures.ts';
import type { Snapshot } from './fixtures.ts';
import { brokenWords, expectAccessible, roleIcons, screenshot, undrawableText, visibleHexIds } from './page-checks.ts';

const COLONY_TIMEOUT_MS = 90_000;
const NAME = /^[A-Z][a-z]+ [A-Z][a-z]+ [1-9][0-9]$/;

async function oneHive(pages: readonly Page[]): Promise<Snapshot[]> {
  let settled: Snapshot[] = [];
  await expect(async () => {
    const snaps = await snapshots(pages);
    const queen = snaps.find((snap) => snap.role === 'queen');
    expect(queen && snaps.every((snap) => snap.queen === queen.id && (snap.role === 'queen' || snap.role === 'worker'))).toBe(true);
    settled = snaps;
  }).toPass({ timeout: COLONY_TIMEOUT_MS, intervals: [200] });
  return settled;
}

/** Everything a phone must get right at this width, then its screenshot and axe. */
async function checkPhone(page: Page, width: number, name: string, testInfo: Parameters<typeof screenshot>[2]): Promise<void> {
  await page.setViewportSize({ width, height: 740 });
  await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
  expect(await brokenWords(page), `${name}: words and labels`).toEqual([]);
  expect(await undrawableText(page), `${name}: text every font draws`).toEqual([]);
  expect(await roleIcons(page)).toMatchObject({ badgesWithoutSvg: 0 });
  expect(await visibleHexIds(page), `${name}: bees shown by name, not id`).toEqual([]);
  await screenshot(page, name, testInfo);
  await expectAccessible(page, name, testInfo);
}

test('phones at 320 and 375 px show every bee by name, icons as SVG, no broken word; the hive-colour screen groups a class', async ({ openBees, openBee, context }, testInfo) => {
  test.setTimeout(240_000);
  const pages = await openBees(3);
  const snaps = await oneHive(pages);
  const queen = snaps.find((snap) => snap.role === 'queen')!;
  const workerIndex = snaps.findIndex((snap) => snap.role === 'worker');
  const worker = pages[workerIndex]!;
  const queenPage = pages[snaps.indexOf(queen)]!;

  // One name per bee, the same in every tab: the worker's own header and its queen's worker list.
  const workerId = snaps[workerIndex]!.id;
  const ownName = await worker.locator(`header [data-bee-name="${workerId}"] summary`).textContent();
  expect(ownName).toMatch(NAME);
  await expect(queenPage.getByRole('list', { name: 'Workers' }).locator(`[data-bee-name="${workerId}"]`)).toHaveText(ownName!);
  await expect(queenPage.getByRole('list', { name: 'Workers' }).locator(`[data-bee-name="${workerId}"]`)).toHaveAttribute('title', `bee id ${workerId}`);
  // The id is one tap away.
  await worker.locator(`header [data-bee-name="${workerId}"] summary`).click();
  await expect(worker.locator(`header [data-bee-name="${workerId}"] code`)).toHaveText(workerId);
  await worker.locator(`header [data-bee-name="${workerId}"] summary`).click();

  // A message arrives: the inbox names its sender and route.
  await queenPage.evaluate((to) => (window as unknown as { hive: { send(to: string, body: unknown): Promise<void> } }).hive.send(to, 'hello, phone'), workerId);
  await expect(worker.getByRole('list', { name: 'Messages received' }).locator(`[data-bee-name="${queen.id}"]`).first()).toHaveText(NAME);

  await checkPhone(worker, 320, 'bee-view-320px', testInfo);
  await checkPhone(worker, 375, 'bee-view-375px', testInfo);

  // The hive-colour screen: the worker and its queen show the same letter on the same colour.
  await worker.getByRole('button', { name: 'Show my hive colour' }).click();
  const screen = worker.getByRole('region', { name: 'Hive colour' });
  await expect(screen).toBeVisible();
  const heading = await screen.getByRole('heading').textContent();
  expect(heading).toMatch(/^Hive [A-H]$/);
  const colour = await screen.evaluate((el) => getComputedStyle(el).backgroundColor);
  // A student who arrives later opens the page on the colour screen (?view=colour) and finds the same hive.
  const latecomer = await openBee(context, { params: { view: 'colour' } });
  await expect(latecomer.getByRole('region', { name: 'Hive colour' }).getByRole('heading')).toHaveText(heading!, { timeout: COLONY_TIMEOUT_MS });
  expect(await latecomer.getByRole('region', { name: 'Hive colour' }).evaluate((el) => getComputedStyle(el).backgroundColor)).toBe(colour);
  expect((await snapshots([latecomer]))[0]!.queen).toBe(queen.id);
  await worker.setViewportSize({ width: 375, height: 740 });
  expect(await brokenWords(worker)).toEqual([]);
  expect(await undrawableText(worker)).toEqual([]);
  await screenshot(worker, 'hive-colour-375px', testInfo, false);
  await expectAccessible(worker, 'hive-colour', testInfo);
  await screen.getByRole('button', { name: 'Back to the bee' }).click();
  await expect(screen).toHaveCount(0);

  // A student names the bee: it shows here and survives a reload (IndexedDB, with the bee).
  await worker.getByLabel(/Name this bee/).fill('  Maya  ');
  await worker.getByRole('button', { name: 'Save name' }).click();
  await expect(worker.locator('header')).toContainText('Maya');
  await worker.reload();
  await worker.waitForFunction(() => 'hive' in window);
  await expect.poll(() => worker.evaluate(() => (window as unknown as { hive: { snapshot(): { id: string; displayName: string | null } } }).hive.snapshot())).toEqual(expect.objectContaining({ id: workerId, displayName: 'Maya' }));
  await expect(worker.locator('header')).toContainText('Maya');
});

test('/sim with 2,000 bees: the simulator runs in a worker and the page stays responsive', async ({ page, consoleWatch }, testInfo) => {
  test.setTimeout(300_000);
  consoleWatch.watch(page);
  await page.goto('/sim?bees=2000&seed=5');
  await expect.poll(() => page.evaluate(() => window.simStats?.bees ?? 0), { timeout: 240_000, intervals: [1000] }).toBe(2000);
  // Responsive: a button press is answered (pause) while the colony runs, and frames keep coming.
  const pause = page.getByRole('button', { name: 'Pause' });
  const asked = Date.now();
  await pause.click();
  await expect(page.getByRole('button', { name: 'Resume' })).toHaveAttribute('aria-pressed', 'true');
  const answeredMs = Date.now() - asked;
  await page.getByRole('button', { name: 'Resume' }).click();
  const measured = await page.evaluate(
    (spanMs) =>
      new Promise<{ frames: number; ms: number; effectiveSpeed: number; inWorker: boolean }>((resolve) => {
        const [frames0, t0] = [window.simStats!.frames, performance.now()];
        const check = (now: number) => {
          if (now - t0 < spanMs) requestAnimationFrame(check);
          else resolve({ frames: window.simStats!.frames - frames0, ms: now - t0, effectiveSpeed: window.simStats!.effectiveSpeed, inWorker: window.simStats!.worker });
        };
        requestAnimationFrame(check);
      }),
    5000,
  );
  const record = { bees: 2000, fps: Math.round((measured.frames * 10_000) / measured.ms) / 10, effectiveSpeed: measured.effectiveSpeed, pauseAnsweredMs: answeredMs };
  console.log(`[sim-2000] ${JSON.stringify(record)}`);
  await testInfo.attach('sim-2000.json', { body: JSON.stringify(record, null, 2), contentType: 'application/json' });
  expect(measured.inWorker).toBe(true);
  expect(measured.frames).toBeGreaterThan(0);
  await page.setViewportSize({ width: 1600, height: 900 });
  await screenshot(page, 'sim-2000-bees', testInfo);
});
