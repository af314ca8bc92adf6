// Upgrades, end to end: a signed colony config spreads neighbour to neighbour while the colony
// has no queen (`?queens=off`), and through the queen once it has one; a forged version written
// straight onto a link is refused; an adopted version survives a reload. Only the colony's
// founder (here the bee that seeds first) signs a version, and only the next one: a member's own
// signed config, next or far ahead, is refused by every bee it is written to.
import type { Page } from '@playwright/test';
import { parseIdentity } from '../src/crypto/identity.ts';
import { seedConfig } from '../src/upgrade.ts';
import { beeId, expect, snapshots, test, waitForHive } from './fixtures.ts';
import type { HiveWindow, Snapshot } from './fixtures.ts';

const TABS = 6;

interface UpgradeInfo extends Snapshot {
  version: number;
  founder: string | null;
  forgedUpgrades: number;
  counters: { upgradesRefused: number };
  upgrade: { version: number; config: { settings: { colour: string }; note: string; by: string }; route: string[] } | null;
}

type RawWindow = HiveWindow & { hive: { sendRaw(peer: string, frame: string): boolean } };
const info = (pages: readonly Page[]) => snapshots(pages) as Promise<UpgradeInfo[]>;
const seed = (page: Page) => page.evaluate(() => (window as unknown as HiveWindow & { hive: { seedUpgrade(): Promise<number> } }).hive.seedUpgrade());
/** What seedUpgrade() settles with in `page`: its version, or its error code. */
const trySeed = (page: Page) =>
  page.evaluate(() =>
    (window as unknown as HiveWindow & { hive: { seedUpgrade(): Promise<number> } }).hive.seedUpgrade().then(
      (version) => ({ version, code: null }),
      (err: { code?: string }) => ({ version: null, code: err.code ?? String(err) }),
    ),
  );

/** The bee's own key pair, as the page keeps it in IndexedDB (any script on the origin can read it). */
async function keyOf(page: Page, id: string) {
  const stored = await page.evaluate(
    (bee) =>
      new Promise<unknown>((resolve, reject) => {
        const open = indexedDB.open('hivemesh');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const read = open.result.transaction('identities').objectStore('identities').get(bee);
          read.onsuccess = () => resolve((read.result as { keys?: unknown } | undefined)?.keys);
          read.onerror = () => reject(read.error);
        };
      }),
    id,
  );
  const identity = parseIdentity(stored);
  if (!identity) throw new Error(`no key pair stored for bee ${id}`);
  return identity;
}

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

  test("only the founder's next version is taken: a member's own signed configs, next or far ahead, are refused everywhere", async ({ openBees, colony }) => {
    const pages = await openBees(TABS);
    const ids = await Promise.all(pages.map(beeId));
    await expect(async () => {
      const snaps = await info(pages);
      expect(snaps.filter((snap) => snap.role === 'queen')).toHaveLength(1);
      expect(snaps.every((snap) => snap.queen !== null && snap.neighbours.length > 0)).toBe(true);
    }).toPass({ timeout: 60_000, intervals: [250] });
    // The first tab founds the colony: its first seed is the genesis every bee takes.
    const founder = ids[0]!;
    expect(await seed(pages[0]!)).toBe(1);
    for (const snap of await awaitVersion(pages, 1)) expect([snap.founder, snap.upgrade!.config.by]).toEqual([founder, founder]);

    const malloryIndex = 1;
    const [mallory, malloryPage] = [ids[malloryIndex]!, pages[malloryIndex]!];
    expect(await trySeed(malloryPage)).toEqual({ version: null, code: 'ERR_NOT_FOUNDER' });
    // Mallory signs with her own key, as any member could: the next version, and the finding's
    // jump to 2^53 - 1 (which, once taken, left no version for the founder's next seed).
    const key = await keyOf(malloryPage, mallory);
    const forged = [2, Number.MAX_SAFE_INTEGER].map((version) =>
      JSON.stringify({ t: 'up', version, config: seedConfig(key, colony, version, { colour: '#be123c' }, 'mallory rules'), route: [mallory] }),
    );
    const [malloryNow] = await info([malloryPage]);
    const victims = malloryNow!.neighbours;
    expect(victims.length).toBeGreaterThan(0);
    for (const victim of victims) {
      for (const frame of forged) expect(await malloryPage.evaluate(([peer, raw]) => (window as unknown as RawWindow).hive.sendRaw(peer, raw), [victim, frame] as const)).toBe(true);
    }
    for (const victim of victims) {
      // Both frames dealt with: refused, or (the finding) taken.
      await waitForHive(pages[ids.indexOf(victim)]!, (hive) => {
        const snap = hive.snapshot() as unknown as UpgradeInfo;
        return snap.counters.upgradesRefused >= 2 || snap.version !== 1;
      });
    }
    for (const snap of await info(pages)) {
      expect(snap.version, `${snap.id} runs the founder's version`).toBe(1);
      // Well signed: refused as not the founder's, not as a forgery.
      if (victims.includes(snap.id)) expect([snap.counters.upgradesRefused, snap.forgedUpgrades]).toEqual([2, 0]);
    }
    // Upgrades are not dead: the founder's next version reaches everyone.
    expect(await seed(pages[0]!)).toBe(2);
    for (const snap of await awaitVersion(pages, 2)) expect(snap.upgrade!.config.by).toBe(founder);
  });
});
