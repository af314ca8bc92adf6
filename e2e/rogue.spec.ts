// The queen destroys a compromised worker, in real tabs: among six, one calls goRogue(). Every
// honest tab soon reports it evicted (banned, its links closed), nothing it sends is delivered,
// the other five keep exchanging messages, and reloading the rogue tab does not get it back in.
// Runs once per transport.
import type { Page } from '@playwright/test';
import { beeId, expect, inbox, snapshots, test, waitForHive } from './fixtures.ts';
import type { HiveWindow, Snapshot } from './fixtures.ts';

const COLONY_SIZE = 6;
/** Printed on the forged and flooded messages of a rogue (src/hive/rogue.ts). */
const ROGUE_MARK = '[rogue bee]';

interface Ban {
  bee: string;
  by: string;
  offence: string;
  detail: string;
}

type ConductSnapshot = Snapshot & {
  conduct: { banned: Ban[]; evicted: Ban | null; refused: number };
  security: { links: { refusals: { banned: number } } };
};

/** Links refused to banned bees, by the protocol or before any handshake. */
const refusals = (snaps: readonly ConductSnapshot[]) => snaps.reduce((sum, snap) => sum + snap.conduct.refused + snap.security.links.refusals.banned, 0);
type RogueWindow = HiveWindow & { hive: { goRogue(): void } };

const conductOf = async (pages: readonly Page[]) => (await snapshots(pages)) as ConductSnapshot[];

/** Waits until every tab follows one queen, who reigns; returns her id. */
async function awaitQueen(pages: readonly Page[]): Promise<string> {
  let queen = '';
  await expect(async () => {
    const snaps = await snapshots(pages);
    const followed = new Set(snaps.map((snap) => snap.queen));
    expect(followed.size, `queens followed: ${[...followed].join(', ')}`).toBe(1);
    queen = snaps[0]!.queen ?? '';
    expect(snaps.filter((snap) => snap.role === 'queen').map((snap) => snap.id)).toEqual([queen]);
  }).toPass({ timeout: 60_000, intervals: [250] });
  return queen;
}

/** Each honest tab sends to the next; every send is acknowledged and arrives exactly once. */
async function exchange(pages: readonly Page[], ids: readonly string[], tag: string): Promise<void> {
  await Promise.all(
    pages.map((page, i) =>
      page.evaluate(([to, body]) => (window as unknown as HiveWindow).hive.send(to, body), [ids[(i + 1) % ids.length]!, `${tag} from ${i}`] as const),
    ),
  );
  for (const [i, page] of pages.entries()) {
    const body = `${tag} from ${(i + pages.length - 1) % pages.length}`;
    expect((await inbox(page)).filter((entry) => entry.body === body), `${body} at ${ids[i]}`).toHaveLength(1);
  }
}

test('the queen evicts a tab that goes rogue; the other five carry on, and a reload does not get it back in', async ({ openBees }) => {
  const pages = await openBees(COLONY_SIZE);
  const ids = await Promise.all(pages.map(beeId));
  const queen = await awaitQueen(pages);
  const rogueIndex = ids.findIndex((id) => id !== queen);
  const rogue = pages[rogueIndex]!;
  const rogueId = ids[rogueIndex]!;
  const honest = pages.filter((page) => page !== rogue);
  const honestIds = ids.filter((id) => id !== rogueId);

  const started = Date.now();
  await rogue.evaluate(() => (window as unknown as RogueWindow).hive.goRogue());
  await expect(async () => {
    const snaps = await conductOf(honest);
    const missing = snaps.filter((snap) => !snap.conduct.banned.some((ban) => ban.bee === rogueId) || snap.neighbours.includes(rogueId));
    const describe = (snap: ConductSnapshot) =>
      `${snap.id} ${snap.role} term ${snap.term} queen ${snap.queen} links [${snap.neighbours.join(',')}] bans [${snap.conduct.banned.map((ban) => `${ban.bee}:${ban.offence}`).join(',')}]`;
    expect(missing.map(describe), `honest tabs that have not banned rogue ${rogueId}`).toEqual([]);
  }).toPass({ timeout: 60_000, intervals: [100] });
  const caughtMs = Date.now() - started;
  await waitForHive(rogue, (hive) => hive.snapshot().role === 'evicted');
  const [rogueSnap] = await conductOf([rogue]);
  expect(rogueSnap!.conduct.evicted).toMatchObject({ bee: rogueId, by: queen });
  expect(rogueSnap!.neighbours).toEqual([]);
  for (const snap of await conductOf(honest)) {
    expect(snap.conduct.banned.find((ban) => ban.bee === rogueId), `ban at ${snap.id}`).toMatchObject({ by: queen });
    expect(snap.role).not.toBe('evicted');
  }
  await expect(rogue.locator('main')).toContainText('Evicted');

  // Nothing it sends now is taken; the other five keep exchanging messages.
  const refusedSend = await rogue.evaluate((to) => (window as unknown as HiveWindow).hive.send(to, 'let me back in').then(() => 'sent', (err: Error) => err.message), queen);
  expect(refusedSend).toMatch(/evicted/);
  await exchange(honest, honestIds, 'after the eviction');

  // A reload: the same bee, no longer misbehaving, tries to link again and is refused everywhere.
  const refusedBefore = refusals(await conductOf(honest));
  await rogue.reload();
  await rogue.waitForFunction(() => 'hive' in window);
  await rogue.evaluate(() => (window as unknown as HiveWindow).hive.ready);
  expect(await beeId(rogue)).toBe(rogueId);
  const everLinked = new Set<string>();
  await expect(async () => {
    const snaps = await conductOf(honest);
    for (const snap of snaps) if (snap.neighbours.includes(rogueId) || snap.roster.includes(rogueId)) everLinked.add(snap.id);
    expect(refusals(snaps)).toBeGreaterThan(refusedBefore);
  }).toPass({ timeout: 60_000, intervals: [100] });
  expect([...everLinked], 'honest tabs that took the reloaded rogue back').toEqual([]);
  expect((await conductOf([rogue]))[0]!.neighbours).toEqual([]);

  await exchange(honest, honestIds, 'after the reload');
  for (const page of honest) {
    expect((await inbox(page)).filter((entry) => entry.from === rogueId || entry.body === ROGUE_MARK)).toEqual([]);
  }
  console.log(`[rogue] evicted by every honest tab ${(caughtMs / 1000).toFixed(1)} s after goRogue(); offence ${rogueSnap!.conduct.evicted?.offence}`);
});
