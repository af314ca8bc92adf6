// Messages between workers of one hive go MAC'd through their queen (link/envelope-guard.ts):
// over the memory colony (real protocol, authenticated links, the tab's guard), the queen relays
// them without a single signature check, each receiver checks the MAC, and every message is
// delivered exactly once and acknowledged, also when its receiver reloads with messages in flight.

import { describe, expect, it } from 'vitest';
import type { SecureLinks } from '../link/secure-links';
import { MemoryColony, type MemoryBee } from './memory-colony';

const BEES = 5;
const MESSAGES = 20;

const envelopes = (bee: MemoryBee) => (bee.links as SecureLinks).counters.envelopes;

async function hiveOfFive(seed: number): Promise<{ colony: MemoryColony; queen: MemoryBee; from: MemoryBee; to: MemoryBee }> {
  const colony = new MemoryColony({ seed });
  const bees = Array.from({ length: BEES }, () => colony.addBee());
  await colony.run(15_000);
  const reign = colony.reign();
  if (!('queen' in reign)) throw new Error(`seed ${seed}: no reign: ${reign.problem}`);
  const queen = bees.find((bee) => bee.id === reign.queen)!;
  const [from, to] = bees.filter((bee) => bee !== queen);
  // One exchange each way teaches both their keys (the first attempt of each goes signed).
  from!.post(to!.id, 'hello', 1);
  to!.post(from!.id, 'hello back', 2);
  await colony.run(3_000);
  return { colony, queen, from: from!, to: to! };
}

function expectEachOnce(from: MemoryBee, to: MemoryBee, refs: readonly number[]): void {
  for (const ref of refs) {
    expect(from.settled.find((s) => s.ref === ref), `message ${ref}`).toMatchObject({ ok: true });
    expect(to.inbox.filter((m) => m.body === `message ${ref}`), `message ${ref}`).toHaveLength(1);
  }
}

const refs = (first: number) => Array.from({ length: MESSAGES }, (_, i) => first + i);

describe('messages within a hive', () => {
  it('go MAC-authenticated through the queen, who verifies none of them, and arrive exactly once', async () => {
    const { colony, queen, from, to } = await hiveOfFive(15);
    const before = { queen: envelopes(queen).verified, from: envelopes(from).macChecked, to: envelopes(to).macChecked };
    for (const ref of refs(10)) from.post(to.id, `message ${ref}`, ref);
    await colony.run(5_000);
    expectEachOnce(from, to, refs(10));
    expect(envelopes(queen).verified).toBe(before.queen);
    expect(envelopes(to).macChecked - before.to).toBeGreaterThanOrEqual(MESSAGES);
    expect(envelopes(from).macChecked - before.from).toBeGreaterThanOrEqual(MESSAGES);
  }, 60_000);

  it('arrive exactly once when their receiver reloads with some in flight', async () => {
    const { colony, from, to } = await hiveOfFive(16);
    for (const ref of refs(10)) from.post(to.id, `message ${ref}`, ref);
    await colony.run(20);
    const receiver = colony.reload(to);
    await colony.run(20_000);
    expectEachOnce(from, receiver, refs(10));
  }, 60_000);
});
