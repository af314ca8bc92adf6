// Fuzzing the real signaling server over loopback WebSockets: random, malformed, oversized and
// valid-looking frames with bad ids and forged join proofs, floods over the rate limit and raw TCP
// junk. Every socket must get exactly the answers a model of the wire rules predicts (fuzz-frames.ts);
// afterwards the server is healthy, holds nothing for the fuzzers, and honest bees still join and
// relay. Any difference throws, naming the seed that replays it. Run by fuzz.test.ts (npm test)
// and, at 100,000 frames with the server's memory measured, by bench/signaling-fuzz.ts.

import net from 'node:net';
import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import WebSocket from 'ws';
import { SIGNAL_PATH } from '../src/net/signal-protocol';
import { expectedAnswers, frameArbitrary, signedJoin, type Answer, type FuzzFrame } from './fuzz-frames';
import { DEFAULT_LIMITS } from './limits';
import { beeId, seededIdentity, TestBee, waitFor, within } from './test-bee';

const MAX_FRAMES_PER_SOCKET = 40;
/** Sockets fuzzing at once. */
const PARALLEL = 8;
/** Sockets that flood far past the rate limit, and how many frames each sends at once. */
const FLOODS = 5;
const FLOOD_FRAMES = 300;
const RAW_CONNECTIONS = 40;
const SETTLE_MS = 10_000;

const COLONY = 'fuzz';
const HONEST_A = beeId(0xa);
const HONEST_B = beeId(0xb);
const HONEST_C = beeId(0xc);

interface Outcome {
  answers: Answer[];
  close: number | null;
}

/** What a fuzz run reports. */
export interface FuzzReport {
  seed: number;
  frames: number;
  sockets: number;
  rejected: number;
  relayed: number;
  closedByServer: number;
  kinds: Record<string, number>;
  serverRejected: Record<string, number>;
}

/** The server under fuzz (in this process, or a child): its port, its stats, and its log's count of internal errors. */
export interface FuzzTarget {
  port: number;
  stats(): Promise<{ connections: number; bees: number; colonies: number; rejected: Partial<Record<string, number>> }>;
  internalErrors(): Promise<number>;
}

function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(what);
}

const same = (actual: unknown, expected: unknown, where: string) =>
  check(isDeepStrictEqual(actual, expected), `${where}: got ${JSON.stringify(actual)}, the model says ${JSON.stringify(expected)}`);

/** Opens a /signal socket; resolves once its challenge arrived, with the nonce. */
function openSocket(port: number): Promise<{ socket: WebSocket; nonce: string }> {
  const socket = new WebSocket(`ws://127.0.0.1:${port}${SIGNAL_PATH}`);
  // The server may close a fuzzing socket mid-handshake or mid-frame; the close event says how.
  socket.on('error', () => {});
  return within(
    new Promise<{ socket: WebSocket; nonce: string }>((resolve, reject) => {
      socket.once('message', (data) => resolve({ socket, nonce: (JSON.parse(String(data)) as { nonce: string }).nonce }));
      socket.once('close', (code) => reject(new Error(`closed (${code}) before its challenge`)));
    }),
    'a fuzz socket to open',
  );
}

/** Sends `frames` at once and collects what comes back until the model's last answer (or close). */
async function fuzzSocket(port: number, frames: readonly FuzzFrame[], answersDue: number, closeDue: boolean): Promise<Outcome> {
  const { socket, nonce } = await openSocket(port);
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
  for (const frame of frames) socket.send(frame.sign ? frame.sign(nonce) : frame.data, { binary: frame.binary });
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

/**
 * Fuzzes the server at `server` (started with the default limits, but the per-address connection
 * rate and the per-address colony share lifted: one address plays every client) with `sockets`
 * random sockets (about 20 frames each) and the floods and raw connections besides.
 */
export async function fuzzSignaling(server: FuzzTarget, seed: number, sockets: number): Promise<FuzzReport> {
  const a = (await TestBee.join(server.port, COLONY, HONEST_A)).bee;
  const b = (await TestBee.join(server.port, COLONY, HONEST_B)).bee;
  const limits = DEFAULT_LIMITS;

  let nextId = 0;
  const freshIdentity = () => seededIdentity(1e9 + nextId++);
  const barrier: FuzzFrame = { kind: 'sample', data: JSON.stringify({ type: 'sample' }), binary: false };
  const runs = fc.sample(fc.array(frameArbitrary([HONEST_A, HONEST_B], COLONY, freshIdentity, limits), { minLength: 1, maxLength: MAX_FRAMES_PER_SOCKET }), {
    seed,
    numRuns: sockets,
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
        const where = `socket ${start + offset} (FUZZ_SEED=${seed}): ${frames.map((f) => f.kind).join(', ')}`;
        same(outcome.answers, due, where);
        same(outcome.close, expected.close, where);
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
    const flood = [signedJoin(COLONY, freshIdentity), ...Array.from({ length: FLOOD_FRAMES }, () => barrier)];
    const outcome = await fuzzSocket(server.port, flood, Infinity, true);
    const limited = outcome.answers.filter((answer) => typeof answer === 'object' && answer.error === 'ERR_RATE_LIMIT');
    const samples = outcome.answers.filter((answer) => answer === 'sample');
    const where = `flood ${i} (FUZZ_SEED=${seed})`;
    same(outcome.answers[0], 'welcome', where);
    same(limited.length, limits.maxErrorsPerSocket, where);
    check(samples.length >= limits.messageBurst - 1 && samples.length < FLOOD_FRAMES / 2, `${where}: ${samples.length} samples answered`);
    same(outcome.close, 1008, where);
    tried += flood.length;
    rejected += limited.length;
    closedByServer++;
  }

  // Raw TCP: random bytes where HTTP is expected, and upgrades with broken keys.
  const junk = fc.sample(fc.uint8Array({ minLength: 1, maxLength: 2048 }), { seed, numRuns: RAW_CONNECTIONS / 2 });
  const brokenUpgrades = fc
    .sample(fc.string({ maxLength: 40 }), { seed, numRuns: RAW_CONNECTIONS / 2 })
    .map((key) =>
      Buffer.from(`GET ${SIGNAL_PATH} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key.replace(/[\r\n]/g, '')}\r\nSec-WebSocket-Version: 13\r\n\r\n`),
    );
  for (const bytes of [...junk, ...brokenUpgrades]) await rawConnection(server.port, bytes);
  tried += RAW_CONNECTIONS;

  // Still up, still honest: healthy, holding nothing for the fuzzers, relaying for A and B.
  const health = await fetch(`http://127.0.0.1:${server.port}/health`);
  same(health.status, 200, '/health after the fuzz');
  same(((await health.json()) as { ok: boolean }).ok, true, '/health after the fuzz');
  await waitFor(async () => {
    const stats = await server.stats();
    return stats.connections === 2 && stats.bees === 2 && stats.colonies === 1;
  }, 'the server to forget every fuzz socket');
  const signalsFromFuzzers = (bee: TestBee) => bee.received.filter((f) => f.type === 'signal').length;
  await waitFor(() => signalsFromFuzzers(a) >= relayedTo.get(HONEST_A)! && signalsFromFuzzers(b) >= relayedTo.get(HONEST_B)!, 'relayed fuzz signals');
  same(signalsFromFuzzers(a), relayedTo.get(HONEST_A), 'signals relayed to A');
  same(signalsFromFuzzers(b), relayedTo.get(HONEST_B), 'signals relayed to B');
  for (const bee of [a, b]) same(bee.received.filter((f) => f.type === 'error'), [], 'errors sent to honest bees');
  a.send({ type: 'signal', to: HONEST_B, data: 'after the storm' });
  await b.nextSignal(HONEST_A);
  const c = await TestBee.join(server.port, COLONY, HONEST_C);
  same(c.peers.sort(), [HONEST_A, HONEST_B].sort(), 'a newcomer’s welcome');
  c.bee.send({ type: 'signal', to: HONEST_A, data: 'newcomer' });
  await a.nextSignal(HONEST_C);
  for (const bee of [a, b, c.bee]) bee.close();

  same(await server.internalErrors(), 0, 'internal errors logged');
  const serverRejected = (await server.stats()).rejected as Record<string, number>;
  same(Object.values(serverRejected).reduce((sum, n) => sum + n, 0), rejected, `frames the server counts as rejected (${JSON.stringify(serverRejected)})`);
  return {
    seed,
    frames: tried,
    sockets: sockets + FLOODS,
    rejected,
    relayed: relayedTo.get(HONEST_A)! + relayedTo.get(HONEST_B)!,
    closedByServer,
    kinds: Object.fromEntries(kinds),
    serverRejected,
  };
}

/** A one-line summary of a run, printed as `[fuzz] signaling …`. */
export const describeFuzz = (report: FuzzReport): string =>
  `[fuzz] signaling seed=${report.seed}: ${report.frames} frames tried on ${report.sockets} sockets and ${RAW_CONNECTIONS} raw connections, ` +
  `${report.rejected} rejected (server counts ${JSON.stringify(report.serverRejected)}), ${report.relayed} relayed, ` +
  `${report.closedByServer} sockets closed by the server; kinds ${JSON.stringify(report.kinds)}`;
