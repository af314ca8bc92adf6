// hivemesh/testing's own promises, on the app: a frozen tab goes silent and its colony lets it go;
// thawed, it is back in a settled colony. (Crash and reload are used by queens.spec.ts and
// persistence.spec.ts.)
import { beeId, expect, freezeBee, snapshot, test, waitForSettled } from './fixtures.ts';

test('a frozen bee drops out of its colony, and once thawed the colony settles with it again', async ({ openBees }) => {
  const pages = await openBees(3);
  await waitForSettled(pages);
  const [a, , frozen] = pages;
  const frozenId = await beeId(frozen!);
  const thaw = await freezeBee(frozen!);
  await expect.poll(async () => (await snapshot(a!)).roster.includes(frozenId), { timeout: 60_000 }).toBe(false);
  await thaw();
  const snaps = await waitForSettled(pages);
  expect(snaps.map((snap) => snap.id)).toContain(frozenId);
});
