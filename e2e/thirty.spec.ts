// Thirty tabs opened from the projector's join link, as a class scanning its QR code would:
// all join and are attached to queens. How long that took is printed and attached (a measurement
// for docs/classroom.md, not an assertion).
import { expect, snapshot, snapshots, test } from './fixtures.ts';

const TABS = 30;

test('thirty tabs opened from the projector’s join link all join and are attached to queens', async ({ openBee, context }, testInfo) => {
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
  console.log(`[thirty-tabs] ${JSON.stringify(record)}`);
  await testInfo.attach('thirty-tabs.json', { body: JSON.stringify(record, null, 2), contentType: 'application/json' });
});
