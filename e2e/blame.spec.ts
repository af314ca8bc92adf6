// Blame the signer, never the relay, in real tabs: among five, a worker calls goRogue(['oversize'])
// and signs messages to the queen far over the payload limit, sized so that each frame just fits
// 16 KiB as it leaves and an honest neighbour relaying it (one more route entry) would push it
// over. Every receiver holds the signed payload to the limit and charges its signer: the rogue is
// evicted, and its honest neighbours (the relays) are charged by nobody and keep their place.
// Runs once per transport.
import type { Page } from '@playwright/test';
import { beeId, expect, snapshots, test, waitForHive } from './fixtures.ts';
import type { HiveWindow, Snapshot } from './fixtures.ts';

const COLONY_SIZE = 5;

type ConductSnapshot = Snapshot & {
  conduct: { banned: Array<{ bee: string; by: string; offence: string }>; evicted: { offence: string } | null; charged: Record<string, number> };
};
type RogueWindow = HiveWindow & { hive: { goRogue(kinds: string[]): void } };

const conductOf = async (pages: readonly Page[]) => (await snapshots(pages)) as ConductSnapshot[];

test('a member that signs oversized messages is evicted; the honest neighbours that would have relayed them are charged by nobody', async ({ openBees }) => {
  const pages = await openBees(COLONY_SIZE);
  const ids = await Promise.all(pages.map(beeId));
  // One queen, followed by all; a worker linked to another worker besides her (its honest relay).
  let queen = '';
  let rogueIndex = -1;
  await expect(async () => {
    const snaps = await snapshots(pages);
    queen = snaps[0]!.queen ?? '';
    expect(new Set(snaps.map((snap) => snap.queen)).size).toBe(1);
    expect(snaps.filter((snap) => snap.role === 'queen').map((snap) => snap.id)).toEqual([queen]);
    rogueIndex = snaps.findIndex((snap) => snap.id !== queen && snap.neighbours.some((id) => id !== queen));
    expect(rogueIndex, 'a worker linked to another worker').toBeGreaterThanOrEqual(0);
  }).toPass({ timeout: 60_000, intervals: [250] });
  const rogue = pages[rogueIndex]!;
  const rogueId = ids[rogueIndex]!;
  const honest = pages.filter((page) => page !== rogue);
  const honestIds = ids.filter((id) => id !== rogueId);
  const relays = (await snapshots([rogue]))[0]!.neighbours.filter((id) => id !== queen);

  await rogue.evaluate(() => (window as unknown as RogueWindow).hive.goRogue(['oversize']));
  await expect(async () => {
    const snaps = await conductOf(honest);
    expect(snaps.filter((snap) => !snap.conduct.banned.some((ban) => ban.bee === rogueId)).map((snap) => snap.id), 'honest tabs that have not banned the rogue').toEqual([]);
  }).toPass({ timeout: 60_000, intervals: [100] });
  await waitForHive(rogue, (hive) => hive.snapshot().role === 'evicted');
  expect((await conductOf([rogue]))[0]!.conduct.evicted).toMatchObject({ offence: 'oversized' });

  // The honest tabs carry on (each sends to the next and hears the ack): the relays stay, charged by nobody.
  await Promise.all(
    honest.map((page, i) => page.evaluate(([to, body]) => (window as unknown as HiveWindow).hive.send(to, body), [honestIds[(i + 1) % honestIds.length]!, `after ${i}`] as const)),
  );
  for (const snap of await conductOf(honest)) {
    expect(snap.role, `${snap.id}`).not.toBe('evicted');
    expect(snap.conduct.banned.map((ban) => `${ban.bee} ${ban.offence}`), `bans at ${snap.id}`).toEqual([`${rogueId} oversized`]);
    expect(Object.keys(snap.conduct.charged).filter((id) => honestIds.includes(id)), `honest bees charged by ${snap.id}`).toEqual([]);
  }
  console.log(`[blame] rogue ${rogueId} evicted for oversized; its honest relays ${relays.join(', ')} charged by nobody`);
});
