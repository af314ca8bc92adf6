// hivemesh/testing's own promises, on the app: a frozen tab goes silent and its colony lets it go;
// thawed, it is back in a settled colony. (Crash and reload are used by queens.spec.ts and
// persistence.spec.ts.)
import { beeId, expect, freezeBee, snapshots, test, waitForSettled } from './fixtures.ts';

test('a frozen bee drops out of its colony, and once thawed the colony settles with it again', async ({ openBees }) => {
  const pages = await openBees(3);
  await waitForSettled(pages);
  const frozen = pages[2];
  const frozenId = await beeId(frozen!);
  const thaw = await freezeBee(frozen!);
  // Its links go quiet: the others drop them (linkTimeoutMs) and forget it (rosterTimeoutMs).
  const others = pages.filter((page) => page !== frozen);
  await expect.poll(async () => (await snapshots(others)).some((snap) => snap.neighbours.includes(frozenId) || snap.roster.includes(frozenId)), { timeout: 60_000 }).toBe(false);
  await thaw();
  const snaps = await waitForSettled(pages);
  expect(snaps.map((snap) => snap.id)).toContain(frozenId);
});
