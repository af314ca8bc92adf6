// Fuzzing bees over their links: fuzzers in a colony of real protocol bees (in-memory transport,
// authenticated links, frames as strings through the tab's own parser and guard) write thousands
// of random, malformed, oversized and valid-looking frames while the bees carry messages. A
// fuzzer is evicted once the queen has seen enough; the next one takes its place, and strangers
// write junk before they ever authenticate. No bee may throw, no honest bee may be banned; once
// the fuzzing stops, the honest bees have one queen and deliver every message exactly once.
// FUZZ_SEED=n replays a run, FUZZ_FRAMES=n writes that many frames (100,000 for the long run:
// FUZZ_FRAMES=100000 npx vitest run src/sim/link-fuzz.test.ts); the counts, the drops by reason,
// the honest bees charged and the heap before and after are printed as a `[fuzz] links` line.

import fc from 'fast-check';
import { expect, it } from 'vitest';
import type { Frame } from '../hive/frames';
import { seededRng } from '../hive/rng';
import type { SecureLinks } from '../link/secure-links';
import { linkFrameArbitrary, type LinkFuzzKind } from './link-fuzz';
import { MemoryColony, type MemoryBee } from './memory-colony';

const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed);
const BEES = 6;
const FRAMES = Number(process.env.FUZZ_FRAMES ?? 6000);
const FUZZ_MS = 30_000;
/** However many frames, the fuzz stops after this long (virtual). */
const MAX_FUZZ_MS = 20 * FUZZ_MS;
/** Every this many frames goes to a stranger that never finished the handshake. */
const STRANGER_EVERY = 25;
/** A fuzzer every bee has shut out (banned, or quarantined by workers) for this long is replaced. */
const SHUT_OUT_MS = 500;
/** Well-formed envelopes the fuzzer signs as its own (the rest go unsigned or under others' names). */
const SIGNED_SHARE = 0.25;
/**
 * The fuzzers' heartbeats gossip bees that do not exist, and honest eggs may found a hive with
 * them as members; its orphans give up on it after orphanGiveUpMs (30 s), then elect anew.
 */
const QUIET_MS = 120_000;
/** Delivery of messages still in flight when the fuzz stops: their retries run out by then. */
const SETTLE_MS = 20_000;

interface Sent {
  from: MemoryBee;
  to: string;
  body: string;
  ref: number;
}

interface Fuzzer {
  id: string;
  since: number;
  links: SecureLinks;
  open: Set<string>;
}

/** Live heap after a full collection when node runs with --expose-gc (otherwise garbage counts too). */
function liveHeap(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed;
}

const delivered = (bee: MemoryBee, body: string) => bee.inbox.filter((m) => m.body === body).length;

it('keeps every bee running through thousands of fuzzed frames, evicts the fuzzers, then elects one queen and delivers exactly once', async () => {
  const heapBefore = liveHeap();
  const colony = new MemoryColony({ seed: SEED });
  const bees = Array.from({ length: BEES }, () => colony.addBee());
  await colony.run(15_000);
  expect(colony.reign()).toHaveProperty('queen');
  const honest = bees.map((bee) => bee.id);
  const rng = seededRng(SEED);

  const fuzzers: Fuzzer[] = [];
  const newFuzzer = (): Fuzzer => {
    const identity = colony.identity();
    const fuzzer: Fuzzer = { id: identity.id, since: colony.now, links: colony.secureLinks(colony.network.transport(identity.id), identity), open: new Set() };
    fuzzer.links.subscribe((event) => {
      if (event.type === 'open') fuzzer.open.add(event.peer);
      else if (event.type === 'closed') fuzzer.open.delete(event.peer);
    });
    fuzzers.push(fuzzer);
    return fuzzer;
  };
  let fuzzer = newFuzzer();
  const banned = (id: string) => bees.some((bee) => bee.protocol.snapshot().conduct.banned.some((ban) => ban.bee === id));
  /** Sends a generated frame as the fuzzer: some well-formed envelopes signed as its own. */
  const write = (peer: string, kind: LinkFuzzKind, raw: string): boolean => {
    if (kind === 'valid-looking' && rng.next() < SIGNED_SHARE) {
      const frame = JSON.parse(raw) as Frame;
      if (frame.t === 'env') return fuzzer.links.send(peer, { ...frame, from: fuzzer.id, route: [fuzzer.id] });
    }
    return fuzzer.links.sendRaw(peer, raw);
  };
  const stranger = (raw: string) => {
    const transport = colony.network.transport(rng.hex(16));
    transport.subscribe((event) => event.type === 'open' && transport.send(event.peer, raw));
    transport.link(honest[rng.int(BEES)]!);
  };

  const frames = fc.sample(linkFrameArbitrary('f0f0f0f0f0f0f0f0', honest), { seed: SEED, numRuns: FRAMES });
  const sent: Sent[] = [];
  const tried = new Map<string, number>();
  const count = (kind: string) => tried.set(kind, (tried.get(kind) ?? 0) + 1);
  let next = 0;
  let lastMessageAt = colony.now;
  const framesPerStep = Math.ceil(FRAMES / (FUZZ_MS / 50));
  const fuzzStartedAt = colony.now;
  const fuzzStep = (now: number) => {
    // A fuzzer evicted or shut out everywhere is replaced by a new one (a new key pair).
    if (banned(fuzzer.id) || (fuzzer.open.size === 0 && now - fuzzer.since >= SHUT_OUT_MS)) fuzzer = newFuzzer();
    for (const id of honest) if (!fuzzer.open.has(id)) fuzzer.links.link(id);
    const open = [...fuzzer.open];
    for (let i = 0; i < framesPerStep && next < frames.length; i++) {
      // A frame waits while the fuzzer has no link (a new one is still shaking hands).
      if (open.length === 0 && (next + 1) % STRANGER_EVERY !== 0) break;
      const frame = frames[next++]!;
      if (next % STRANGER_EVERY === 0) {
        stranger(frame.raw);
        count('pre-handshake');
      } else if (open.length > 0) {
        const raw = frame.raw.replaceAll('f0f0f0f0f0f0f0f0', fuzzer.id);
        if (write(open[rng.int(open.length)]!, frame.kind, raw)) count(frame.kind);
      }
    }
    if (now - lastMessageAt >= 500) {
      lastMessageAt = now;
      const from = bees[rng.int(BEES)]!;
      const to = honest.filter((id) => id !== from.id)[rng.int(BEES - 1)]!;
      const message = { from, to, body: `during ${sent.length}`, ref: sent.length + 1 };
      sent.push(message);
      from.post(to, message.body, message.ref);
    }
  };
  // FUZZ_MS at least, and until every frame is written (fuzzers spend some of it shut out).
  while (colony.now - fuzzStartedAt < FUZZ_MS || (next < frames.length && colony.now - fuzzStartedAt < MAX_FUZZ_MS)) await colony.run(1000, fuzzStep);
  expect(next).toBe(frames.length);
  for (const { links } of fuzzers) links.destroy();
  const stoppedAt = colony.now;
  await colony.run(SETTLE_MS);
  while (!('queen' in colony.reign()) && colony.now - stoppedAt < QUIET_MS) await colony.run(1000);
  const queenAfterMs = colony.now - stoppedAt;

  expect(colony.crashes).toEqual([]);
  expect(colony.reign()).toHaveProperty('queen');
  const fuzzerIds = new Set(fuzzers.map((f) => f.id));
  for (const bee of bees) {
    const { role, conduct } = bee.protocol.snapshot();
    expect(role, `${bee.id} evicted`).not.toBe('evicted');
    expect(conduct.banned.filter((ban) => !fuzzerIds.has(ban.bee)), `honest bees banned by ${bee.id}`).toEqual([]);
  }
  const evicted = fuzzers.filter((f) => banned(f.id)).length;
  expect(evicted).toBeGreaterThan(0);
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
    const to = honest[(bees.indexOf(from) + 1 + (i % (BEES - 1))) % BEES]!;
    const message = { from, to, body: `after ${i}`, ref: 1000 + i };
    after.push(message);
    from.post(to, message.body, message.ref);
  }
  await colony.run(10_000);
  for (const message of after) {
    expect(message.from.settled.find((s) => s.ref === message.ref)).toMatchObject({ ok: true });
    expect(delivered(bees.find((bee) => bee.id === message.to)!, message.body)).toBe(1);
  }

  const total = [...tried.values()].reduce((sum, n) => sum + n, 0);
  const snaps = bees.map((bee) => ({ ...bee.protocol.snapshot(), security: (bee.links as SecureLinks).counters }));
  const sum = (f: (snap: (typeof snaps)[number]) => number) => snaps.reduce((all, snap) => all + f(snap), 0);
  const dropped = {
    malformed: sum((s) => s.counters.malformed),
    unsigned: sum((s) => s.security.envelopes.unsigned),
    forged: sum((s) => s.security.envelopes.forged),
    replayed: sum((s) => s.security.envelopes.replayed),
    oversized: sum((s) => s.security.envelopes.oversized),
    refusedHandshakes: sum((s) => s.security.links.refused),
    refusedBanned: sum((s) => s.conduct.refused),
  };
  const verified = sum((s) => s.security.envelopes.verified);
  // Honest bees condemn only fuzzers, and nobody charges an honest bee.
  const honestCharged = bees.flatMap((bee) => Object.keys(bee.protocol.snapshot().conduct.charged).filter((id) => honest.includes(id)));
  expect(honestCharged).toEqual([]);
  const heapAfter = liveHeap();
  const verifyMs = sum((s) => s.security.envelopes.verifyMs);
  const duringOk = sent.filter((m) => m.from.settled.find((s) => s.ref === m.ref)?.ok).length;
  expect(total).toBeGreaterThan(FRAMES / 2);
  console.log(
    `[fuzz] links seed=${SEED}: ${total} frames tried on links to ${BEES} bees by ${fuzzers.length} fuzzers and ${tried.get('pre-handshake')} strangers; ` +
      `dropped and counted ${JSON.stringify(dropped)}; ${evicted} fuzzers evicted, honest bees banned 0, honest bees charged ${honestCharged.length}, crashes ${colony.crashes.length}; ` +
      `${duringOk}/${sent.length} messages sent during the fuzz acknowledged, ${after.length}/${after.length} after; ` +
      `one queen again ${(queenAfterMs / 1000).toFixed(0)} s (virtual) after the fuzz stopped; ` +
      `${verified} signatures verified (${(verifyMs / Math.max(1, verified)).toFixed(2)} ms each); kinds ${JSON.stringify(Object.fromEntries(tried))}; ` +
      `heap ${(heapBefore / 2 ** 20).toFixed(0)} MiB before, ${(heapAfter / 2 ** 20).toFixed(0)} MiB after`,
  );
}, 180_000 + FRAMES * 30);
