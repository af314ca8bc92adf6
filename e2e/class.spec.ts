// A class opening the projector's join link at once, as students scanning its QR code would: all
// join and are attached to queens. A class brings a device per student; here every tab shares this
// machine, so the class is as big as the machine carries: ten tabs a core, up to thirty (on 2 cores
// 20 tabs attach in about 30 s, while 30 stall each other for seconds and never settle:
// docs/benchmarks.md). How long it took is printed and attached (a measurement for
// docs/classroom.md, not an assertion).
import { availableParallelism } from 'node:os';
import { expect, snapshot, snapshots, test } from './fixtures.ts';

const TABS = Math.min(30, 10 * availableParallelism());

test(`a class of ${TABS} tabs opened from the projector’s join link at once all join and are attached to queens`, async ({ openBee, context }, testInfo) => {
  test.setTimeout(600_000);
  const projector = await openBee(await context.newPage(), { params: { view: 'hive' } });
  const founder = (await snapshot(projector)).id;
  const started = Date.now();
  const bees = await Promise.all(Array.from({ length: TABS }, () => openBee(context, { params: { founder } })));
  const readyMs = Date.now() - started;
  await expect(async () => {
    const snaps = await snapshots(bees);
    const queens = new Map(snaps.filter((snap) => snap.role === 'queen').map((snap) => [snap.id, snap]));
    const unattached = snaps.filter((snap) => snap.role !== 'queen' && (snap.queen === null || !queens.get(snap.queen)?.workers.includes(snap.id)));
    expect(unattached.map((snap) => `${snap.id} ${snap.role}`)).toEqual([]);
  }).toPass({ timeout: 400_000, intervals: [500] });
  const attachedMs = Date.now() - started;
  const queens = (await snapshots(bees)).filter((snap) => snap.role === 'queen').length;
  const record = { tabs: TABS, readyMs, attachedMs, queens };
  console.log(`[class-tabs] ${JSON.stringify(record)}`);
  await testInfo.attach('class-tabs.json', { body: JSON.stringify(record, null, 2), contentType: 'application/json' });
});
