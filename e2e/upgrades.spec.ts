// Upgrades, end to end: a signed colony config spreads neighbour to neighbour while the colony
// has no queen (`?queens=off`), and through the queen once it has one; a forged version written
// straight onto a link is refused; an adopted version survives a reload.
import type { Page } from '@playwright/test';
import { beeId, expect, snapshots, test, waitForHive } from './fixtures.ts';
import type { HiveWindow, Snapshot } from './fixtures.ts';

const TABS = 6;

interface UpgradeInfo extends Snapshot {
  version: number;
  forgedUpgrades: number;
  upgrade: { version: number; config: { colour: string; note: string; by: string }; route: string[] } | null;
}

const info = (pages: readonly Page[]) => snapshots(pages) as Promise<UpgradeInfo[]>;
const seed = (page: Page) => page.evaluate(() => (window as unknown as HiveWindow & { hive: { seedUpgrade(): Promise<number> } }).hive.seedUpgrade());

async function awaitVersion(pages: readonly Page[], version: number): Promise<UpgradeInfo[]> {
  for (const page of pages) await waitForHive(page, (hive, wanted: number) => (hive.snapshot() as unknown as UpgradeInfo).version === wanted, version);
  return info(pages);
}

test.describe('upgrades', () => {
  test('in discovery mode a seeded upgrade spreads hop by hop; a forged one is refused; adoption survives a reload', async ({ openBees }) => {
    const pages = await openBees(TABS, { params: { queens: 'off' } });
    const ids = await Promise.all(pages.map(beeId));
    for (const page of pages) await waitForHive(page, (hive, n: number) => hive.snapshot().roster.length === n && hive.snapshot().neighbours.length > 0, TABS);
    // Seeded where the mesh is thinnest, so that most bees are more than one hop away.
    const before = await info(pages);
    const seederIndex = before.reduce((best, snap, i) => (snap.neighbours.length < before[best]!.neighbours.length ? i : best), 0);
    const seeder = ids[seederIndex]!;
    const version = await seed(pages[seederIndex]!);
    const snaps = await awaitVersion(pages, version);
    for (const snap of snaps) {
      expect(snap.queen, 'still in discovery mode').toBeNull();
      const route = snap.upgrade!.route;
      expect(route[0]).toBe(seeder);
      expect(route.at(-1)).toBe(snap.id);
      // Each hop is a link: the bee took it from a neighbour that had it.
      if (route.length > 1) expect(snap.neighbours).toContain(route.at(-2));
      expect(snap.upgrade!.config.by).toBe(seeder);
    }
    console.log(`[upgrade-routes] discovery ${snaps.map((snap) => snap.upgrade!.route.length - 1).join(',')} hops`);

    // A newer version with a signature that is not its seeder's, written straight onto a link.
    const victimIndex = (seederIndex + 1) % TABS;
    const [victim, forger] = [pages[victimIndex]!, snaps[victimIndex]!.neighbours[0]!];
    const forgerPage = pages[ids.indexOf(forger)]!;
    const victimId = ids[victimIndex]!;
    const forged = JSON.stringify({
      t: 'up',
      version: version + 5,
      config: { colour: '#be123c', note: 'forged', by: forger, pub: 'A'.repeat(43), sig: 'A'.repeat(86) },
      route: [forger],
    });
    const written = await forgerPage.evaluate(([peer, frame]) => (window as unknown as HiveWindow & { hive: { sendRaw(p: string, f: string): boolean } }).hive.sendRaw(peer, frame), [victimId, forged] as const);
    expect(written).toBe(true);
    await waitForHive(victim, (hive) => (hive.snapshot() as unknown as UpgradeInfo).forgedUpgrades > 0);
    expect((await info([victim]))[0]!.version).toBe(version);

    await victim.reload();
    await victim.waitForFunction(() => 'hive' in window);
    await victim.evaluate(() => (window as unknown as HiveWindow).hive.ready);
    const [reloaded] = await info([victim]);
    expect(reloaded!.id).toBe(victimId);
    expect(reloaded!.version).toBe(version);
  });

  test('with a queen the upgrade goes up to her and she pushes it to every worker', async ({ openBees }) => {
    const pages = await openBees(TABS);
    const ids = await Promise.all(pages.map(beeId));
    let queen = '';
    await expect(async () => {
      const snaps = await info(pages);
      const queens = snaps.filter((snap) => snap.role === 'queen');
      expect(queens).toHaveLength(1);
      queen = queens[0]!.id;
      expect(snaps.every((snap) => snap.queen === queen && snap.neighbours.concat(snap.id).includes(queen))).toBe(true);
    }).toPass({ timeout: 60_000, intervals: [250] });
    const seederIndex = ids.findIndex((id) => id !== queen);
    const version = await seed(pages[seederIndex]!);
    const snaps = await awaitVersion(pages, version);
    const seeder = ids[seederIndex]!;
    for (const snap of snaps) {
      if (snap.id === seeder) expect(snap.upgrade!.route).toEqual([seeder]);
      else expect(snap.upgrade!.route).toEqual(snap.id === queen ? [seeder, queen] : [seeder, queen, snap.id]);
    }
  });
});
