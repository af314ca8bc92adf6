// The hive remembers: a reloaded tab is the same bee with the same inbox and rejoins its hive; a
// message sent while there is no queen and no route waits in the persistent outbox, survives a
// reload of its sender and is delivered exactly once; a bee that voted in a term and reloads does
// not vote again in it; a duplicated tab is a bee of its own. Runs once per transport.
import type { Page } from '@playwright/test';
import { beeId, crashBee, expect, inbox, reloadBee, snapshot, snapshots, test, waitForHive } from './fixtures.ts';
import type { HiveWindow } from './fixtures.ts';

/** Where the driver keeps the tab's bee id (src/store/identity.ts). */
const POINTER_KEY = 'hivemesh.bee';

interface Vote {
  term: number;
  votedFor: string | null;
}
interface LogEntry {
  at: number;
  kind: string;
  text: string;
  data?: { term?: number; votedFor?: string | null };
}
interface OutboxEntry {
  id: string;
  to: string | null;
  body: unknown;
  status: 'pending' | 'failed';
  attempts: number;
}
/** What this issue adds to `window.hive` (beyond the contract in fixtures.ts). */
type StoreHive = HiveWindow['hive'] & {
  snapshot(): ReturnType<HiveWindow['hive']['snapshot']> & { vote: Vote | null };
  outbox(): OutboxEntry[];
  exportLog(): { bee: string; vote: Vote | null; entries: LogEntry[] };
};
type StoreWindow = Window & { hive: StoreHive };

/** Waits until every tab follows one queen, who counts all the others as workers; returns her id. */
async function awaitQueen(pages: readonly Page[]): Promise<string> {
  const ids = await Promise.all(pages.map(beeId));
  await expect
    .poll(async () => {
      const snaps = await snapshots(pages);
      const queen = snaps[0]?.queen;
      const reign = snaps.find((s) => s.id === queen);
      const others = ids.filter((id) => id !== queen).sort();
      return queen && snaps.every((s) => s.queen === queen) && JSON.stringify(reign?.workers) === JSON.stringify(others);
    }, { message: 'one queen reigns over every tab', timeout: 60_000 })
    .toBe(true);
  return (await snapshot(pages[0]!)).queen!;
}

const storeSnapshot = (page: Page) => page.evaluate(() => (window as unknown as StoreWindow).hive.snapshot());
const exportLog = (page: Page) => page.evaluate(() => (window as unknown as StoreWindow).hive.exportLog());
const outbox = (page: Page) => page.evaluate(() => (window as unknown as StoreWindow).hive.outbox());
const countBody = async (page: Page, body: string) => (await inbox(page)).filter((entry) => entry.body === body).length;

test('a reloaded worker tab is the same bee, keeps its inbox and follows its queen again', async ({ openBees, colony }) => {
  const pages = await openBees(3);
  const queen = await awaitQueen(pages);
  const ids = await Promise.all(pages.map(beeId));
  const worker = pages[ids.findIndex((id) => id !== queen)]!;
  const workerId = await beeId(worker);
  const sender = pages.find((page) => page !== worker)!;
  const body = `before reload ${colony}`;
  await sender.evaluate(([to, message]) => (window as unknown as HiveWindow).hive.send(to, message), [workerId, body] as const);
  const before = await inbox(worker);
  expect(before.filter((entry) => entry.body === body)).toHaveLength(1);

  await reloadBee(worker);

  expect(await beeId(worker)).toBe(workerId);
  expect(await inbox(worker)).toEqual(before);
  await Promise.all([
    waitForHive(worker, (hive, q: string) => hive.snapshot().queen === q && hive.snapshot().neighbours.includes(q), queen),
    waitForHive(pages[ids.indexOf(queen)]!, (hive, w: string) => hive.snapshot().workers.includes(w), workerId),
  ]);
  // Still reachable through its queen, and the old message is not delivered a second time.
  const after = `after reload ${colony}`;
  await sender.evaluate(([to, message]) => (window as unknown as HiveWindow).hive.send(to, message), [workerId, after] as const);
  expect(await countBody(worker, after)).toBe(1);
  expect(await countBody(worker, body)).toBe(1);
});

test('a message sent with no queen and no route survives a reload of its sender and is delivered exactly once', async ({ openBees, openBee, context, colony, allowConsoleError }) => {
  // A colony of two: when the queen's tab crashes, the lone worker can never win a majority (a
  // closed queen's tab would hand it her hive).
  const pages = await openBees(2);
  const queen = await awaitQueen(pages);
  const ids = await Promise.all(pages.map(beeId));
  const sender = pages[ids.findIndex((id) => id !== queen)]!;
  const senderId = await beeId(sender);
  // The receiver lives in another colony for now: a bee the sender has no route to.
  const receiver = await openBee(context, { colony: `${colony}-away` });
  const receiverId = await beeId(receiver);

  allowConsoleError(/: crashed$/);
  await crashBee(pages[ids.indexOf(queen)]!);
  await waitForHive(sender, (hive) => hive.snapshot().queen === null && hive.snapshot().neighbours.length === 0);
  const body = `held ${colony}`;
  await sender.evaluate(
    ([to, message]) => void (window as unknown as HiveWindow).hive.send(to, message).catch(() => {}),
    [receiverId, body] as const,
  );
  await waitForHive(sender, (hive, wanted: string) => (hive as unknown as StoreHive).outbox().some((e) => e.body === wanted), body);
  const [held] = await outbox(sender);

  await reloadBee(sender);

  expect(await beeId(sender)).toBe(senderId);
  expect((await snapshot(sender)).queen, 'still no queen after the reload').toBeNull();
  expect(await outbox(sender)).toEqual([expect.objectContaining({ id: held!.id, to: receiverId, body, status: 'pending' })]);

  // The receiver moves into the sender's colony (same tab, so the same bee): now a route exists.
  await openBee(receiver);
  expect(await beeId(receiver)).toBe(receiverId);
  await waitForHive(receiver, (hive, wanted: string) => hive.inbox().some((entry) => entry.body === wanted), body);
  await waitForHive(sender, (hive) => (hive as unknown as StoreHive).outbox().length === 0);
  // A later message on the same path flushes any copy of the first still travelling.
  const fence = `fence ${colony}`;
  await sender.evaluate(([to, message]) => (window as unknown as HiveWindow).hive.send(to, message), [receiverId, fence] as const);
  await waitForHive(receiver, (hive, wanted: string) => hive.inbox().some((entry) => entry.body === wanted), fence);
  const copies = (await inbox(receiver)).filter((entry) => entry.body === body);
  expect(copies).toEqual([expect.objectContaining({ id: held!.id, from: senderId })]);
  expect((await exportLog(sender)).entries.map((e) => e.kind)).toEqual(expect.arrayContaining(['queued', 'sent']));
});

test('a bee that voted in a term and reloads does not vote again in that term', async ({ openBees }) => {
  const pages = await openBees(3);
  const queen = await awaitQueen(pages);
  const { term } = await snapshot(pages[0]!);
  // A queen of three needs a worker's vote: find a worker whose stored vote is hers in her term.
  const snaps = await Promise.all(pages.map(storeSnapshot));
  const voterIndex = snaps.findIndex((s) => s.id !== queen && s.vote?.term === term && s.vote.votedFor === queen);
  expect(voterIndex, `a worker that voted for ${queen} in term ${term}`).toBeGreaterThanOrEqual(0);
  const voter = pages[voterIndex]!;

  await reloadBee(voter);

  const log = await exportLog(voter);
  const starts = log.entries.flatMap((entry, index) => (entry.kind === 'start' && entry.data?.term !== undefined ? [index] : []));
  const restart = starts.at(-1) ?? -1;
  // It came back with its vote, read from storage before it heard anyone.
  expect(log.entries[restart]?.data).toMatchObject({ term, votedFor: queen });
  await waitForHive(voter, (hive, q: string) => hive.snapshot().queen === q, queen);
  const again = await exportLog(voter);
  const snap = await storeSnapshot(voter);
  expect(snap.term).toBeGreaterThanOrEqual(term);
  expect(snap.vote).toEqual({ term, votedFor: queen });
  // Since the restart: no vote, and no reset of the vote, in any term up to the one it voted in.
  const votesSince = again.entries.slice(restart + 1).filter((entry) => entry.kind === 'vote' && Number(entry.data?.term ?? 0) <= term);
  expect(votesSince).toEqual([]);
  // Over its whole life: one vote in that term, for that queen.
  const inTerm = again.entries.filter((entry) => entry.kind === 'vote' && entry.data?.term === term && entry.data.votedFor !== null);
  expect(inTerm.map((entry) => entry.data?.votedFor)).toEqual([queen]);
});

test('a duplicated tab (a copy of the original\'s sessionStorage) is a bee of its own', async ({ openBees, openBee, context }) => {
  const [original] = await openBees(1);
  const originalId = await beeId(original!);
  const duplicate = await context.newPage();
  // What a browser's "Duplicate tab" does: the new tab starts with the old one's sessionStorage.
  await duplicate.addInitScript(([key, id]) => sessionStorage.setItem(key, id), [POINTER_KEY, originalId] as const);
  await openBee(duplicate);
  const duplicateId = await beeId(duplicate);
  expect(duplicateId).not.toBe(originalId);
  expect(await beeId(original!)).toBe(originalId);
  const log = await exportLog(duplicate);
  expect(log.entries.map((entry) => entry.text)).toContainEqual(expect.stringMatching(/runs in another tab/));
  await waitForHive(original!, (hive, other: string) => hive.snapshot().roster.includes(other), duplicateId);
});

test("a queen's vote write does not wait on her page: while her page is busy, another tab's write to the same store goes through", async ({ openBees }) => {
  const pages = await openBees(2);
  const queen = await awaitQueen(pages);
  const ids = await Promise.all(pages.map(beeId));
  const queenPage = pages[ids.indexOf(queen)]!;
  const other = pages.find((page) => page !== queenPage)!;
  // Her handover stores the new hive's membership (a write to `votes`, which every tab of the
  // origin shares), then her page stays busy for 8 s: to IndexedDB, a stopped or frozen page.
  const busy = queenPage.evaluate(() => {
    void (window as unknown as StoreWindow).hive.abdicate().catch(() => undefined);
    localStorage.setItem('busy-since', String(Date.now()));
    const until = Date.now() + 8_000;
    while (Date.now() < until);
    return until;
  });
  await other.waitForFunction(() => localStorage.getItem('busy-since') !== null);
  const writtenAt = await other.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open('hivemesh');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const tx = open.result.transaction('votes', 'readwrite');
          tx.objectStore('votes').get('nobody');
          tx.oncomplete = () => resolve(Date.now());
          tx.onerror = () => reject(tx.error);
        };
      }),
  );
  expect(writtenAt).toBeLessThan(await busy);
});
