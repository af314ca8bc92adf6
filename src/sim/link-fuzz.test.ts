// Fuzzing bees over their links: a fuzzer linked to a colony of real protocol bees (in-memory
// transport, frames as strings through the tab's own parser) writes thousands of random,
// malformed, oversized and valid-looking frames while the bees carry messages. No bee may throw;
// once the fuzzer stops, the honest bees elect one queen and deliver every message exactly once.
// FUZZ_SEED=n replays a run; the counts are printed as a `[fuzz] links` line.

import fc from 'fast-check';
import { expect, it } from 'vitest';
import { seededRng } from '../hive/rng';
import { linkFrameArbitrary, type LinkFuzzKind } from './link-fuzz';
import { MemoryColony, type MemoryBee } from './memory-colony';

const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed);
const BEES = 6;
const FRAMES = 6000;
const FUZZ_MS = 30_000;
/**
 * The fuzzer's heartbeats gossip bees that do not exist; they count as voters until they have
 * been missing for missingVoterMs (30 s), so no majority can form for a while after the fuzz.
 */
const QUIET_MS = 120_000;
/** Delivery of messages still in flight when the fuzz stops: their retries run out by then. */
const SETTLE_MS = 20_000;
const FUZZER = 'f0f0f0f0f0f0f0f0';

interface Sent {
  from: MemoryBee;
  to: string;
  body: string;
  ref: number;
}

function delivered(bee: MemoryBee, body: string): number {
  return bee.inbox.filter((m) => m.body === body).length;
}

it('keeps every bee running through thousands of fuzzed frames, then elects one queen and delivers exactly once', async () => {
  const colony = new MemoryColony({ seed: SEED });
  const bees = Array.from({ length: BEES }, () => colony.addBee());
  await colony.run(15_000);
  expect(colony.reign()).toHaveProperty('queen');
  const honest = bees.map((bee) => bee.id);

  const fuzzer = colony.network.transport(FUZZER);
  const frames = fc.sample(linkFrameArbitrary(FUZZER, honest), { seed: SEED, numRuns: FRAMES });
  const malformedBefore = bees.reduce((sum, bee) => sum + bee.protocol.snapshot().counters.malformed, 0);
  const rng = seededRng(SEED);
  const sent: Sent[] = [];
  const tried = new Map<LinkFuzzKind, number>();
  let next = 0;
  let lastMessageAt = colony.now;
  const framesPerStep = Math.ceil(FRAMES / (FUZZ_MS / 50));
  await colony.run(FUZZ_MS, (now) => {
    // The fuzzer keeps links to every bee that will have it (a bee drops it after a `bye`).
    for (const id of honest) fuzzer.link(id);
    for (let i = 0; i < framesPerStep && next < frames.length; i++) {
      const frame = frames[next++]!;
      if (fuzzer.send(honest[rng.int(BEES)]!, frame.raw)) tried.set(frame.kind, (tried.get(frame.kind) ?? 0) + 1);
    }
    if (now - lastMessageAt >= 500) {
      lastMessageAt = now;
      const from = bees[rng.int(BEES)]!;
      const to = honest.filter((id) => id !== from.id)[rng.int(BEES - 1)]!;
      const message = { from, to, body: `during ${sent.length}`, ref: sent.length + 1 };
      sent.push(message);
      colony.send(from, to, message.body, message.ref);
    }
  });
  fuzzer.destroy();
  const stoppedAt = colony.now;
  await colony.run(SETTLE_MS);
  while (!('queen' in colony.reign()) && colony.now - stoppedAt < QUIET_MS) await colony.run(1000);
  const queenAfterMs = colony.now - stoppedAt;

  expect(colony.crashes).toEqual([]);
  expect(colony.reign()).toHaveProperty('queen');
  // During the fuzz a message may fail visibly (its sender is told), never arrive twice or vanish.
  for (const message of sent) {
    const settled = message.from.settled.find((s) => s.ref === message.ref);
    const copies = delivered(bees.find((bee) => bee.id === message.to)!, message.body);
    expect(settled, `message ${message.ref} settled`).toBeDefined();
    if (settled!.ok) expect(copies, `acknowledged message ${message.ref}`).toBe(1);
    else expect(copies, `failed message ${message.ref}`).toBeLessThanOrEqual(1);
  }
  const after: Sent[] = [];
  for (let i = 0; i < 20; i++) {
    const from = bees[i % BEES]!;
    const to = honest[(i + 1 + (i % (BEES - 1))) % BEES]!;
    const message = { from, to: to === from.id ? honest[(i + 2) % BEES]! : to, body: `after ${i}`, ref: 1000 + i };
    after.push(message);
    colony.send(from, message.to, message.body, message.ref);
  }
  await colony.run(10_000);
  for (const message of after) {
    expect(message.from.settled.find((s) => s.ref === message.ref)).toMatchObject({ ok: true });
    expect(delivered(bees.find((bee) => bee.id === message.to)!, message.body)).toBe(1);
  }

  const total = [...tried.values()].reduce((sum, n) => sum + n, 0);
  const rejected = bees.reduce((sum, bee) => sum + bee.protocol.snapshot().counters.malformed, 0) - malformedBefore;
  const duringOk = sent.filter((m) => m.from.settled.find((s) => s.ref === m.ref)?.ok).length;
  expect(total).toBeGreaterThan(FRAMES / 2);
  expect(rejected).toBeGreaterThan(total / 3);
  console.log(
    `[fuzz] links seed=${SEED}: ${total} frames tried on links to ${BEES} bees, ${rejected} rejected as malformed, ` +
      `${total - rejected} parsed and handled, crashes ${colony.crashes.length}; ` +
      `${duringOk}/${sent.length} messages sent during the fuzz acknowledged, ${after.length}/${after.length} after; ` +
      `one queen again ${(queenAfterMs / 1000).toFixed(0)} s (virtual) after the fuzz stopped; kinds ${JSON.stringify(Object.fromEntries(tried))}`,
  );
}, 120_000);
