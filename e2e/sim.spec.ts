// /sim at scale: a colony bigger than the map can draw bee by bee is sent and drawn as hives,
// each one node with its bee count, and the map's list (what screen readers and tests read)
// names each hive with its queen and workers. The page takes up to 10,000 bees.
import { expect, test } from './fixtures.ts';

test('/sim with 2,000 bees draws the colony as hives once it outgrows the map, each named with its counts', async ({ page, consoleWatch }) => {
  test.setTimeout(240_000);
  consoleWatch.watch(page);
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto('/sim?bees=2000&seed=5');
  const map = page.locator('[data-map]');
  await expect(map).toHaveAttribute('data-by-hive', 'true', { timeout: 180_000 });
  await expect(map.locator('[data-node]')).toHaveCount(0);
  // Every bee is counted once, in a hive or among the bees in no hive, as the counter says.
  await expect
    .poll(() =>
      page.evaluate(() => {
        const counted = [...document.querySelectorAll('[data-map] [data-hive-node]')].reduce((sum, item) => sum + Number(item.getAttribute('data-bees')), 0);
        return counted > 0 && counted === window.simStats?.bees;
      }),
    )
    .toBe(true);
  const hive = map.locator('[data-hive-node]:not([data-hive-node="loose"])').first();
  await expect(hive).toHaveText(/^\s*Hive [A-H], queen [A-Z][a-z]+ [A-Z][a-z]+ [1-9][0-9] and \d+ workers?\s*$/);
  await expect(map.locator('figcaption')).toContainText(/[\d,]+ bees in [\d,]+ hives?, one circle per hive/);
  await expect(page.locator('.timeline li').filter({ hasText: 'it now shows hives, not bees' })).toHaveCount(1);
});

test('/sim takes up to 10,000 bees, and no more can be added at the cap', async ({ page, consoleWatch }) => {
  consoleWatch.watch(page);
  await page.goto('/sim?bees=20000&seed=5');
  await expect(page.getByRole('button', { name: 'Add 10 bees' })).toBeDisabled();
  await expect(page.getByLabel('Bees', { exact: true })).toHaveValue('10000');
});
