// Fuzzing the real signaling server over loopback WebSockets: thousands of random, malformed,
// oversized and valid-looking frames with bad ids, floods over the rate limit and raw TCP junk.
// Every socket must get exactly the answers a model of the wire rules predicts; afterwards the
// server is healthy, holds nothing for the fuzzers, and honest bees still join and relay.
// FUZZ_SEED=n replays a run; the counts are printed as a `[fuzz] signaling` line.

import net from 'node:net';
import fc from 'fast-check';
import { afterEach, expect, it } from 'vitest';
import WebSocket from 'ws';
import { SIGNAL_PATH } from '../src/net/signal-protocol';
import { expectedAnswers, frameArbitrary, type Answer, type FuzzFrame } from './fuzz-frames';
import { DEFAULT_LIMITS, startServer, type HiveServer } from './server';
import { beeId, TestBee, waitFor, within } from './test-bee';

const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed);
const SOCKETS = 400;
const MAX_FRAMES_PER_SOCKET = 40;
/** Sockets fuzzing at once. */
const PARALLEL = 4;
/** Sockets that flood far past the rate limit, and how many frames each sends at once. */
const FLOODS = 5;
const FLOOD_FRAMES = 300;
const RAW_CONNECTIONS = 40;
const SETTLE_MS = 10_000;

const COLONY = 'fuzz';
const HONEST_A = beeId(0xa);
const HONEST_B = beeId(0xb);
const HONEST_C = beeId(0xc);

const servers: HiveServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

interface Outcome {
  answers: Answer[];
  close: number | null;
}

function openSocket(port: number): Promise<WebSocket> {
  const socket = new WebSocket(`ws://127.0.0.1:${port}${SIGNAL_PATH}`);
  // The server may close a fuzzing socket mid-handshake or mid-frame; the close event says how.
  socket.on('error', () => {});
  return within(
    new Promise<WebSocket>((resolve, reject) => {
      socket.once('open', () => resolve(socket));
      socket.once('close', (code) => reject(new Error(`closed (${code}) before opening`)));
    }),
    'a fuzz socket to open',
  );
}

/** Sends `frames` at once and collects what comes back until the model's last answer (or close). */
async function fuzzSocket(port: number, frames: readonly FuzzFrame[], answersDue: number, closeDue: boolean): Promise<Outcome> {
  const socket = await openSocket(port);
  const outcome: Outcome = { answers: [], close: null };
  let settle = () => {};
  const settled = new Promise<void>((resolve) => (settle = resolve));
  const check = () => {
    if (outcome.answers.length >= answersDue && (!closeDue || outcome.close !== null)) settle();
  };
  socket.on('message', (data) => {
    const frame = JSON.parse(String(data)) as { type: string; code?: string };
    // Fuzz sockets of one colony hear each other leave: news, not an answer.
    if (frame.type === 'left') return;
    outcome.answers.push(frame.type === 'error' ? { error: frame.code as never } : (frame.type as Answer));
    check();
  });
  socket.on('close', (code) => {
    outcome.close = code;
    settle();
  });
  for (const frame of frames) socket.send(frame.data, { binary: frame.binary });
  check();
  await within(settled, `answers to ${frames.length} frames (${frames.map((f) => f.kind).join(', ')})`, SETTLE_MS);
  socket.terminate();
  return outcome;
}

/** Raw bytes at the HTTP port (random junk, or a WebSocket upgrade with a broken key): the server must hang up. */
function rawConnection(port: number, bytes: Uint8Array): Promise<void> {
  return within(
    new Promise<void>((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => socket.end(bytes));
      socket.on('error', reject);
      socket.on('close', () => resolve());
      socket.resume();
    }),
    'the server to hang up on raw bytes',
    SETTLE_MS,
  );
}

it('survives thousands of random and malformed frames, answers each as the rules say, and still serves honest bees', async () => {
  const log: string[] = [];
  // One address plays hundreds of clients here: its connection rate limit (tested on its own in
  // abuse.test.ts) is lifted; every per-socket limit is the default.
  const server = await startServer({ port: 0, host: '127.0.0.1', log: (line) => log.push(line), limits: { connectionsPerS: 1e6, connectionBurst: 1e6 } });
  servers.push(server);
  const a = (await TestBee.join(server.port, COLONY, HONEST_A)).bee;
  const b = (await TestBee.join(server.port, COLONY, HONEST_B)).bee;
  const limits = DEFAULT_LIMITS;

  let nextId = 0;
  const freshId = () => `e${(nextId++).toString(16).padStart(15, '0')}`;
  const barrier: FuzzFrame = { kind: 'sample', data: JSON.stringify({ type: 'sample' }), binary: false };
  const runs = fc.sample(fc.array(frameArbitrary([HONEST_A, HONEST_B], COLONY, freshId, limits), { minLength: 1, maxLength: MAX_FRAMES_PER_SOCKET }), {
    seed: SEED,
    numRuns: SOCKETS,
  });

  let tried = 0;
  let rejected = 0;
  let closedByServer = 0;
  const relayedTo = new Map<string, number>([[HONEST_A, 0], [HONEST_B, 0]]);
  const kinds = new Map<string, number>();
  for (let start = 0; start < runs.length; start += PARALLEL) {
    await Promise.all(
      runs.slice(start, start + PARALLEL).map(async (generated, offset) => {
        // A socket the model expects to stay open ends with a sample request: its answer shows
        // that every frame before it was handled.
        const open = expectedAnswers(generated, COLONY, limits).close === null;
        const frames = open ? [...generated, barrier] : generated;
        const expected = expectedAnswers(frames, COLONY, limits);
        const due = expected.answers.filter((answer) => answer !== 'relayed');
        const outcome = await fuzzSocket(server.port, frames, due.length, expected.close !== null);
        const where = `socket ${start + offset} (FUZZ_SEED=${SEED}): ${frames.map((f) => f.kind).join(', ')}`;
        expect(outcome.answers, where).toEqual(due);
        expect(outcome.close, where).toBe(expected.close);
        tried += frames.length;
        rejected += due.filter((answer) => typeof answer === 'object').length + (expected.close === 1007 || expected.close === 1009 ? 1 : 0);
        if (expected.close !== null) closedByServer++;
        for (const [bee, count] of expected.relayed) relayedTo.set(bee, relayedTo.get(bee)! + count);
        for (const frame of frames) kinds.set(frame.kind, (kinds.get(frame.kind) ?? 0) + 1);
      }),
    );
  }

  // Floods: the burst passes, then every frame is refused until the socket is closed for abuse.
  for (let i = 0; i < FLOODS; i++) {
    const join: FuzzFrame = { kind: 'join', data: JSON.stringify({ type: 'join', colony: COLONY, bee: freshId() }), binary: false };
    const flood = [join, ...Array.from({ length: FLOOD_FRAMES }, () => barrier)];
    const outcome = await fuzzSocket(server.port, flood, Infinity, true);
    const limited = outcome.answers.filter((answer) => typeof answer === 'object' && answer.error === 'ERR_RATE_LIMIT');
    const samples = outcome.answers.filter((answer) => answer === 'sample');
    expect(outcome.answers[0]).toBe('welcome');
    expect(limited).toHaveLength(limits.maxErrorsPerSocket);
    expect(samples.length).toBeGreaterThanOrEqual(limits.messageBurst - 1);
    expect(samples.length).toBeLessThan(FLOOD_FRAMES / 2);
    expect(outcome.close).toBe(1008);
    tried += flood.length;
    rejected += limited.length;
    closedByServer++;
  }

  // Raw TCP: random bytes where HTTP is expected, and upgrades with broken keys.
  const junk = fc.sample(fc.uint8Array({ minLength: 1, maxLength: 2048 }), { seed: SEED, numRuns: RAW_CONNECTIONS / 2 });
  const brokenUpgrades = fc
    .sample(fc.string({ maxLength: 40 }), { seed: SEED, numRuns: RAW_CONNECTIONS / 2 })
    .map((key) =>
      Buffer.from(`GET ${SIGNAL_PATH} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key.replace(/[\r\n]/g, '')}\r\nSec-WebSocket-Version: 13\r\n\r\n`),
    );
  for (const bytes of [...junk, ...brokenUpgrades]) await rawConnection(server.port, bytes);
  tried += RAW_CONNECTIONS;

  // Still up, still honest: healthy, holding nothing for the fuzzers, relaying for A and B.
  const health = await fetch(`http://127.0.0.1:${server.port}/health`);
  expect(health.status).toBe(200);
  expect(await health.json()).toMatchObject({ ok: true });
  await waitFor(() => {
    const stats = server.stats();
    return stats.connections === 2 && stats.bees === 2 && stats.colonies === 1;
  }, 'the server to forget every fuzz socket');
  const signalsFromFuzzers = (bee: TestBee) => bee.received.filter((f) => f.type === 'signal').length;
  await waitFor(() => signalsFromFuzzers(a) >= relayedTo.get(HONEST_A)! && signalsFromFuzzers(b) >= relayedTo.get(HONEST_B)!, 'relayed fuzz signals');
  expect(signalsFromFuzzers(a)).toBe(relayedTo.get(HONEST_A));
  expect(signalsFromFuzzers(b)).toBe(relayedTo.get(HONEST_B));
  for (const bee of [a, b]) expect(bee.received.filter((f) => f.type === 'error')).toEqual([]);
  a.send({ type: 'signal', to: HONEST_B, data: 'after the storm' });
  expect(await b.nextSignal(HONEST_A)).toMatchObject({ data: 'after the storm' });
  const c = await TestBee.join(server.port, COLONY, HONEST_C);
  expect(c.peers.sort()).toEqual([HONEST_A, HONEST_B]);
  c.bee.send({ type: 'signal', to: HONEST_A, data: 'newcomer' });
  expect(await a.nextSignal(HONEST_C)).toMatchObject({ data: 'newcomer' });

  const crashes = log.filter((line) => line.includes('internal error')).length;
  expect(crashes).toBe(0);
  expect(tried).toBeGreaterThan(3000);
  const rejectedByServer = Object.values(server.stats().rejected).reduce((sum, n) => sum + (n ?? 0), 0);
  expect(rejectedByServer).toBe(rejected);
  console.log(
    `[fuzz] signaling seed=${SEED}: ${tried} frames tried on ${SOCKETS + FLOODS} sockets and ${RAW_CONNECTIONS} raw connections, ` +
      `${rejected} rejected (server counts ${JSON.stringify(server.stats().rejected)}), ${relayedTo.get(HONEST_A)! + relayedTo.get(HONEST_B)!} relayed, ` +
      `${closedByServer} sockets closed by the server, crashes ${crashes}; kinds ${JSON.stringify(Object.fromEntries(kinds))}`,
  );
}, 120_000);
