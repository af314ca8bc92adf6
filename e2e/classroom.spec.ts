// The classroom UI, end to end: eight tabs watched by the projector form a colony, every
// queen's hive map shows the right queens and workers, a message is animated along its real
// route, the demo controls act on the colony, and the bee view, the projector and /sim pass an
// automated accessibility check and are saved as screenshots (test artifacts, not in git).
import type { Page } from '@playwright/test';
import { expect, inbox, snapshots, test, waitForHive } from './fixtures.ts';
import { awaitHives } from './hives.ts';
import type { Snapshot } from './fixtures.ts';
import { expectAccessible, roleIcons, screenshot, undrawableText } from './page-checks.ts';

const TABS = 8;
/** Workers one queen takes; growth splits 8 bees into several hives with it (ignored before). */
const CAPACITY = 3;
const COLONY_TIMEOUT_MS = 90_000;
/** How long the /sim frame rate is measured over. */
const FPS_SPAN_MS = 5000;

type GrowthSnapshot = Snapshot & { capacity?: number; hives?: Array<{ queen: string; workers: string[] }> };

/** Bees on a page's hive map by role, as its DOM mirror lists them. */
async function mapRoles(page: Page): Promise<Record<string, number>> {
  return page.locator('[data-map] [data-node]').evaluateAll((nodes) => {
    const counts: Record<string, number> = {};
    for (const node of nodes) {
      const role = node.getAttribute('data-role') ?? '';
      counts[role] = (counts[role] ?? 0) + 1;
    }
    return counts;
  });
}

/** Pixels of the map's canvas painted exactly `rgb` (a role's fill: see src/ui/roles.ts). */
function paintedPixels(page: Page, rgb: [number, number, number]): Promise<number> {
  return page.locator('[data-map] canvas').evaluate((canvas: HTMLCanvasElement, [r, g, b]) => {
    const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    let count = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i] === r && data[i + 1] === g && data[i + 2] === b && data[i + 3] === 255) count++;
    return count;
  }, rgb);
}

const QUEEN_FILL: [number, number, number] = [0x7b, 0x3f, 0xa0];
const WORKER_FILL: [number, number, number] = [0xf5, 0xc5, 0x42];
/** Fewest exact-fill pixels one drawn bee leaves (measured: ~12 for a worker under its icon). */
const PIXELS_PER_BEE = 5;

/** Waits until the page's map has drawn a message of `kind` whose route ends at `to`; its route. */
function drawnFlight(page: Page, kind: 'message' | 'relay', to: string): Promise<string> {
  return page
    .waitForFunction(
      ([kind, to]) =>
        [...document.querySelectorAll(`[data-map] [data-flight][data-kind="${kind}"][data-drawn="true"]`)]
          .map((el) => el.getAttribute('data-route') ?? '')
          .find((route) => route.endsWith(to)),
      [kind, to] as const,
      { polling: 100, timeout: COLONY_TIMEOUT_MS },
    )
    .then((handle) => handle.jsonValue() as Promise<string>);
}

test('eight tabs and a projector: the maps show every queen and worker, a message flies its route, the controls act', async ({ openBees, openBee, context }, testInfo) => {
  test.setTimeout(300_000);
  const bees = await openBees(TABS, { capacity: CAPACITY });
  // The projector watches: it is no bee of any hive (projector.spec.ts tests it never votes).
  const projector = await openBee(await context.newPage(), { capacity: CAPACITY, params: { view: 'hive' } });
  const pages = bees;
  const snaps = await awaitHives(pages, CAPACITY, COLONY_TIMEOUT_MS);
  const queens = snaps.filter((snap) => snap.role === 'queen');
  const first = (await snapshots([bees[0]!]))[0] as GrowthSnapshot;

  // Eight bees over capacity 3 form several hives, none over capacity.
  expect(first.capacity).toBe(CAPACITY);
  expect(queens.length).toBeGreaterThanOrEqual(2);
  for (const queen of queens) expect(queen.workers.length).toBeLessThanOrEqual(CAPACITY);

  // Every queen knows her workers (and, through the court, the other hives): her map shows them all.
  for (const queen of queens) {
    const page = pages[snaps.indexOf(queen)]!;
    await expect.poll(() => mapRoles(page), { timeout: COLONY_TIMEOUT_MS }).toMatchObject({ queen: queens.length, worker: TABS - queens.length });
    // ...and the canvas really paints them, not only the list beside it: a few pixels of each
    // bee's fill show around its icon (the icon covers the middle).
    await expect.poll(() => paintedPixels(page, QUEEN_FILL)).toBeGreaterThanOrEqual(PIXELS_PER_BEE * queens.length);
    await expect.poll(() => paintedPixels(page, WORKER_FILL)).toBeGreaterThanOrEqual(PIXELS_PER_BEE * (TABS - queens.length));
  }
  // A worker's map shows it as a worker of its queen, and its queen as a queen.
  for (const [i, snap] of snaps.entries()) {
    if (snap.role !== 'worker') continue;
    const map = pages[i]!.locator('[data-map]');
    await expect(map.locator(`[data-node="${snap.id}"]`)).toHaveAttribute('data-role', 'worker');
    await expect(map.locator(`[data-node="${snap.id}"]`)).toHaveAttribute('data-hive', snap.queen!);
    await expect(map.locator(`[data-node="${snap.queen}"]`)).toHaveAttribute('data-role', 'queen');
  }

  // A message between two workers of one hive travels worker → queen → worker, and every map on
  // the way animates it: the sender's and the queen's as relays, the receiver's as an arrival.
  const beeWorkers = (q: Snapshot) => snaps.filter((snap, i) => i < bees.length && snap.role === 'worker' && snap.queen === q.id);
  const queen = [...queens].sort((a, b) => beeWorkers(b).length - beeWorkers(a).length)[0]!;
  const [fromSnap, toSnap] = beeWorkers(queen);
  expect(fromSnap && toSnap, 'two workers of one hive among the bee tabs').toBeTruthy();
  const fromPage = pages[snaps.indexOf(fromSnap!)]!;
  const toPage = pages[snaps.indexOf(toSnap!)]!;
  const queenPage = pages[snaps.indexOf(queen)]!;
  await fromPage.evaluate((to) => (window as unknown as { hive: { send(to: string, body: unknown): Promise<void> } }).hive.send(to, 'fly, little message'), toSnap!.id);
  const delivered = (await inbox(toPage)).find((entry) => entry.body === 'fly, little message');
  expect(delivered?.route).toEqual([fromSnap!.id, queen.id, toSnap!.id]);
  expect(await drawnFlight(toPage, 'message', toSnap!.id)).toBe(delivered!.route.join(' '));
  expect(await drawnFlight(queenPage, 'relay', toSnap!.id)).toBe(delivered!.route.join(' '));
  expect(await drawnFlight(fromPage, 'relay', queen.id)).toBe(`${fromSnap!.id} ${queen.id}`);

  // The projector: QR code with an accessible name, the join URL, live counters, a timeline.
  const qr = projector.getByRole('img', { name: /QR code/ });
  await expect(qr).toBeVisible();
  await expect(qr.locator('svg')).toHaveCount(1);
  const joinUrl = new URL(projector.url());
  joinUrl.searchParams.delete('view');
  await expect(projector.getByRole('link', { name: joinUrl.href })).toBeVisible();
  await expect(projector.locator('[data-counter="bees"] dd')).toHaveText(String(TABS), { timeout: COLONY_TIMEOUT_MS });
  await expect(projector.locator('[data-counter="queens"] dd')).not.toHaveText('0');
  await expect(projector.locator('.timeline li').first()).toBeVisible();
  await expect(projector.locator('main')).toHaveAttribute('data-role', 'observer');

  // Screenshots and accessibility: a queen's bee view, the projector, a worker on a phone.
  await queenPage.setViewportSize({ width: 1280, height: 1000 });
  await projector.setViewportSize({ width: 1600, height: 900 });
  await screenshot(queenPage, 'bee-view-queen', testInfo);
  await screenshot(projector, 'projector', testInfo);
  // Read from the back of the room: no emoji (empty boxes without an emoji font), icons as SVG.
  expect(await undrawableText(projector)).toEqual([]);
  expect(await roleIcons(projector)).toMatchObject({ badgesWithoutSvg: 0 });
  await expectAccessible(queenPage, 'bee-view', testInfo);
  await expectAccessible(projector, 'projector', testInfo);
  await toPage.setViewportSize({ width: 375, height: 812 });
  await expect.poll(() => toPage.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
  await screenshot(toPage, 'bee-view-375px', testInfo);
  await expectAccessible(toPage, 'bee-view-375px', testInfo);

  // Controls: go rogue and seed upgrade wait for their API; a burst reaches the others; only a
  // queen may abdicate; "kill this bee" takes it off every map.
  const hasRogue = await fromPage.evaluate(() => typeof (window as unknown as { hive: { goRogue?: unknown } }).hive.goRogue === 'function');
  const rogue = fromPage.getByRole('button', { name: 'Go rogue' });
  if (hasRogue) await expect(rogue).toBeEnabled();
  else {
    await expect(rogue).toBeDisabled();
    await expect(fromPage.getByText('window.hive.goRogue is missing')).toBeVisible();
  }
  await expect(fromPage.getByRole('button', { name: 'Abdicate' })).toBeDisabled();
  await expect(queenPage.getByRole('button', { name: 'Abdicate' })).toBeEnabled();
  await fromPage.getByLabel('Burst').fill('3');
  await fromPage.getByRole('button', { name: 'Send a burst' }).click();
  await waitForHive(toPage, (hive) => hive.inbox().filter((entry) => String(entry.body).startsWith('burst ')).length === 3);
  // The counters are folded away until asked for (an idle tab repaints nothing for them), then follow the bee.
  const counters = fromPage.locator('footer details');
  await expect(counters.getByText(/frames in/)).toHaveCount(0);
  await counters.getByText('Counters').click();
  const framesIn = async () => Number(/frames in (\d+)/.exec(await counters.innerText())?.[1]);
  await expect.poll(framesIn).toBeGreaterThan(0);
  const shown = await framesIn();
  await expect.poll(framesIn, { timeout: COLONY_TIMEOUT_MS }).toBeGreaterThan(shown);
  await fromPage.getByRole('button', { name: 'Kill this bee' }).click();
  await expect(fromPage.getByText('This bee has left the colony.').first()).toBeVisible();
  await expect(queenPage.locator(`[data-map] [data-node="${fromSnap!.id}"]`)).toHaveCount(0, { timeout: COLONY_TIMEOUT_MS });
});

test('/sim: 500 simulated bees on the hive map, a queen killed and replaced, the frame rate recorded', async ({ page, consoleWatch }, testInfo) => {
  test.setTimeout(300_000);
  consoleWatch.watch(page);
  await page.goto('/sim?bees=500&seed=7');
  const map = page.locator('[data-map]');
  // The colony forms hives of at most 8 workers (the default capacity): every bee a queen or a worker.
  await expect
    .poll(async () => {
      const roles = await mapRoles(map.page());
      return Object.keys(roles).sort().join() === 'queen,worker' && (roles.queen ?? 0) >= Math.ceil(500 / 9) && (roles.queen ?? 0) + (roles.worker ?? 0) === 500;
    }, { timeout: 180_000, intervals: [1000] })
    .toBe(true);

  // Frame rate at 500 bees: the page's own requestAnimationFrame counter over a measured span.
  const measured = await page.evaluate(
    (spanMs) =>
      new Promise<{ frames: number; ms: number; stats: NonNullable<Window['simStats']> }>((resolve) => {
        const [frames0, t0] = [window.simStats!.frames, performance.now()];
        const check = (now: number) => {
          if (now - t0 < spanMs) requestAnimationFrame(check);
          else resolve({ frames: window.simStats!.frames - frames0, ms: now - t0, stats: window.simStats! });
        };
        requestAnimationFrame(check);
      }),
    FPS_SPAN_MS,
  );
  const record = { bees: measured.stats.bees, fps: Math.round((measured.frames * 10_000) / measured.ms) / 10, spanMs: Math.round(measured.ms), effectiveSpeed: measured.stats.effectiveSpeed };
  console.log(`[sim-fps] ${JSON.stringify(record)}`);
  await testInfo.attach('sim-fps.json', { body: JSON.stringify(record, null, 2), contentType: 'application/json' });
  expect(measured.stats.bees).toBe(500);
  expect(measured.frames).toBeGreaterThan(0);
  await page.setViewportSize({ width: 1600, height: 900 });
  await screenshot(page, 'sim-500-bees', testInfo);
  expect(await undrawableText(page)).toEqual([]);
  expect((await roleIcons(page)).svg).toBeGreaterThan(0);

  // The simulation runs on while the page is read: the queens killed are the ones the status counts.
  await page.getByRole('button', { name: 'Kill the queen(s)' }).click();
  const crashed = page.getByRole('status').filter({ hasText: /crashed \d+ queens?/ });
  await expect(crashed).toBeVisible();
  const killed = Number(/crashed (\d+) queen/.exec((await crashed.textContent()) ?? '')?.[1]);
  expect(killed).toBeGreaterThan(0);
  // Their orphans crown successors (or join hives with room): every survivor is in a hive again.
  await expect
    .poll(async () => {
      const roles = await mapRoles(map.page());
      return Object.keys(roles).sort().join() === 'queen,worker' && (roles.queen ?? 0) + (roles.worker ?? 0) === 500 - killed;
    }, { timeout: 180_000, intervals: [1000] })
    .toBe(true);
  await expect(page.locator('.timeline li').filter({ hasText: 'hatched as a queen' }).first()).toBeVisible();
  await expectAccessible(page, 'sim', testInfo);
});

test('/sim: bees join one hive, a partition grows a second queen, and the healed colony settles with every bee in a hive', async ({ page, consoleWatch }) => {
  test.setTimeout(240_000);
  consoleWatch.watch(page);
  // Room for everyone in one hive, so that the partition alone makes a second queen.
  await page.goto('/sim?bees=50&seed=3&capacity=64');
  const queens = page.locator('[data-map] [data-node][data-role="queen"]');
  await page.getByLabel(/Speed/).fill('4');
  await expect(page.locator('[data-map] [data-node]')).toHaveCount(50, { timeout: 60_000 });
  await page.getByRole('button', { name: 'Add 10 bees' }).click();
  await expect(page.locator('[data-map] [data-node]')).toHaveCount(60, { timeout: 60_000 });
  await expect.poll(() => mapRoles(page), { timeout: 120_000 }).toEqual({ queen: 1, worker: 59 });

  await page.getByRole('button', { name: 'Partition' }).click();
  // The half without the queen loses her and elects its own.
  await expect(queens).toHaveCount(2, { timeout: 120_000 });
  // What healing leaves depends on which half had the majority of the hive's members. A majority
  // without the queen crowned a successor in a later term of the same hive: healed, the old queen
  // hears her claim and follows her, one hive. A minority could crown nobody and founded a hive of
  // its own: two hives of about thirty, too big to merge (hysteresis). Either way every bee ends
  // in a hive, with no egg or candidate left.
  await page.getByRole('button', { name: 'Heal' }).click();
  await expect
    .poll(async () => {
      const { queen = 0, worker = 0, ...others } = await mapRoles(page);
      return { settled: queen + worker === 60 && Object.keys(others).length === 0, oneOrTwoQueens: queen === 1 || queen === 2 };
    }, { timeout: 120_000 })
    .toEqual({ settled: true, oneOrTwoQueens: true });
});
