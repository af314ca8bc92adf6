// Bad input gets a clear error or a close, is counted, and costs only the socket that sent it:
// two honest bees of the same colony keep relaying signals throughout.

import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CLOSE_POLICY, CLOSE_TRY_LATER } from './relay';
import { DEFAULT_LIMITS, startServer, type HiveServer, type Limits } from './server';
import { beeId, joinFrame, TestBee, testIdentity, waitFor, within } from './test-bee';

/** A raw TCP connection that sends nothing; resolves with it once connected. */
function silentConnection(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => resolve(socket));
    socket.on('error', reject);
    socket.resume();
  });
}

const closedSoon = (socket: net.Socket, what: string) =>
  within(new Promise<void>((resolve) => (socket.closed ? resolve() : socket.once('close', () => resolve()))), what, 5000);

const servers: HiveServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

const ROGUE = beeId(0xbad);
const HONEST_A = beeId(1);
const HONEST_B = beeId(2);

/** A server with two honest bees and a rogue one, all in colony "demo". */
async function colonyWithRogue(limits?: Partial<Limits>) {
  const server = await startServer({ port: 0, host: '127.0.0.1', limits });
  servers.push(server);
  const a = (await TestBee.join(server.port, 'demo', HONEST_A)).bee;
  const b = (await TestBee.join(server.port, 'demo', HONEST_B)).bee;
  const rogue = (await TestBee.join(server.port, 'demo', ROGUE)).bee;
  return { server, a, b, rogue };
}

/** The honest pair still relays both ways, and nothing the rogue sent ever reached them. */
async function expectHonestBeesUnharmed(a: TestBee, b: TestBee): Promise<void> {
  a.send({ type: 'signal', to: HONEST_B, data: 'still here?' });
  expect(await b.nextSignal(HONEST_A)).toMatchObject({ data: 'still here?' });
  b.send({ type: 'signal', to: HONEST_A, data: 'still here.' });
  expect(await a.nextSignal(HONEST_B)).toMatchObject({ data: 'still here.' });
  for (const bee of [a, b]) {
    expect(bee.received.filter((f) => f.type === 'signal' && f.from === ROGUE)).toEqual([]);
    expect(bee.received.filter((f) => f.type === 'error')).toEqual([]);
  }
}

describe('bad frames', () => {
  it.each([
    { name: 'malformed JSON', frame: '{"type":"signal",', code: 'ERR_MALFORMED' },
    { name: 'a JSON array', frame: '[1,2,3]', code: 'ERR_MALFORMED' },
    { name: 'an unknown type', frame: JSON.stringify({ type: 'swarm' }), code: 'ERR_MALFORMED' },
    { name: 'a bad bee id', frame: JSON.stringify({ type: 'signal', to: 'NOT-A-BEE', data: 1 }), code: 'ERR_MALFORMED' },
    { name: 'a signal without data', frame: JSON.stringify({ type: 'signal', to: HONEST_A }), code: 'ERR_MALFORMED' },
    {
      // JSON.parse takes it; re-serialising it for the relay would overflow the stack.
      name: 'a signal nested 5,000 deep',
      frame: `{"type":"signal","to":"${HONEST_A}","data":${'['.repeat(5000)}${']'.repeat(5000)}}`,
      code: 'ERR_MALFORMED',
    },
    {
      name: 'a binary frame',
      frame: Buffer.from(JSON.stringify({ type: 'signal', to: HONEST_A, data: 1 })),
      code: 'ERR_MALFORMED',
    },
    {
      name: 'an oversized frame',
      frame: JSON.stringify({ type: 'signal', to: HONEST_A, data: 'x'.repeat(DEFAULT_LIMITS.maxFrameBytes) }),
      code: 'ERR_TOO_LARGE',
    },
  ])('answers $name with $code and keeps the socket', async ({ frame, code }) => {
    const { server, a, b, rogue } = await colonyWithRogue();
    rogue.send(frame);
    expect(await rogue.nextError(code)).toMatchObject({ type: 'error', code });
    expect(rogue.socket.readyState).toBe(rogue.socket.OPEN);
    expect(server.stats().rejected).toEqual({ [code]: 1 });
    await expectHonestBeesUnharmed(a, b);
  });

  it('refuses a giant frame before buffering it, by closing the socket (1009)', async () => {
    const { server, a, b, rogue } = await colonyWithRogue();
    rogue.send('x'.repeat(DEFAULT_LIMITS.maxPayloadBytes + 1));
    expect((await rogue.waitClosed()).code).toBe(1009);
    expect(await a.next((f) => f.type === 'left')).toEqual({ type: 'left', bee: ROGUE });
    expect(server.stats().rejected).toEqual({ ERR_TOO_LARGE: 1 });
    await expectHonestBeesUnharmed(a, b);
  });

  it('closes a socket that keeps sending bad frames (1008)', async () => {
    const { server, a, b, rogue } = await colonyWithRogue({ maxErrorsPerSocket: 5 });
    for (let i = 0; i < 5; i++) rogue.send('nonsense');
    expect((await rogue.waitClosed()).code).toBe(CLOSE_POLICY);
    expect(rogue.received.filter((f) => f.type === 'error')).toHaveLength(5);
    expect(server.stats().rejected.ERR_MALFORMED).toBe(5);
    await expectHonestBeesUnharmed(a, b);
  });

  it('acts on nothing a socket sent after it was closed for abuse', async () => {
    const { server, a, b, rogue } = await colonyWithRogue({ maxErrorsPerSocket: 3 });
    for (let i = 0; i < 3; i++) rogue.send('nonsense');
    for (let i = 0; i < 5; i++) rogue.send({ type: 'signal', to: HONEST_A, data: `late ${i}` });
    expect((await rogue.waitClosed()).code).toBe(CLOSE_POLICY);
    expect(server.stats().rejected).toEqual({ ERR_MALFORMED: 3 });
    await expectHonestBeesUnharmed(a, b);
  });

  it('does not count signals to a bee that just left as abuse', async () => {
    const { a, b, rogue } = await colonyWithRogue({ maxErrorsPerSocket: 2 });
    for (let i = 0; i < 3; i++) rogue.send({ type: 'signal', to: beeId(0xdead), data: i });
    for (let i = 0; i < 3; i++) await rogue.nextError('ERR_UNKNOWN_BEE');
    expect(rogue.socket.readyState).toBe(rogue.socket.OPEN);
    await expectHonestBeesUnharmed(a, b);
  });
});

describe('limits', () => {
  it('drops frames over the rate limit with ERR_RATE_LIMIT', async () => {
    // A refill so slow that only the burst passes during the test: the join and 3 signals.
    const { a, b, rogue } = await colonyWithRogue({ messagesPerS: 0.001, messageBurst: 4 });
    for (let i = 0; i < 5; i++) rogue.send({ type: 'signal', to: HONEST_A, data: i });
    await rogue.nextError('ERR_RATE_LIMIT');
    await rogue.nextError('ERR_RATE_LIMIT');
    // The rogue's frames were all handled before its second error was sent, so a signal from b
    // that a reads next comes after everything the rogue could have got through.
    b.send({ type: 'signal', to: HONEST_A, data: 'barrier' });
    await a.nextSignal(HONEST_B);
    const relayed = a.received.filter((f) => f.type === 'signal' && f.from === ROGUE);
    expect(relayed.map((f) => f.data)).toEqual([0, 1, 2]);
  });

  it('refuses a bee over the colony cap but not one in another colony', async () => {
    const server = await startServer({ port: 0, host: '127.0.0.1', limits: { maxBeesPerColony: 2 } });
    servers.push(server);
    await TestBee.join(server.port, 'demo', beeId(1));
    await TestBee.join(server.port, 'demo', beeId(2));
    const late = await TestBee.open(server.port);
    late.send(joinFrame('demo', testIdentity(3), late.nonce));
    await late.nextError('ERR_COLONY_FULL');
    expect((await late.waitClosed()).code).toBe(CLOSE_TRY_LATER);
    const elsewhere = await TestBee.join(server.port, 'other', beeId(3));
    expect(elsewhere.peers).toEqual([]);
    expect(server.stats()).toMatchObject({ colonies: 2, bees: 3, rejected: { ERR_COLONY_FULL: 1 } });
  });

  it('refuses a bee over the server-wide cap', async () => {
    const server = await startServer({ port: 0, host: '127.0.0.1', limits: { maxBees: 2 } });
    servers.push(server);
    await TestBee.join(server.port, 'one', beeId(1));
    await TestBee.join(server.port, 'two', beeId(2));
    const late = await TestBee.open(server.port);
    late.send(joinFrame('three', testIdentity(3), late.nonce));
    await late.nextError('ERR_SERVER_FULL');
    expect((await late.waitClosed()).code).toBe(CLOSE_TRY_LATER);
  });

  it('refuses sockets over the connection cap at the handshake (503)', async () => {
    const server = await startServer({ port: 0, host: '127.0.0.1', limits: { maxConnections: 1 } });
    servers.push(server);
    const first = await TestBee.join(server.port, 'demo', beeId(1));
    await expect(TestBee.open(server.port)).rejects.toThrow(/503/);
    expect(server.stats().rejected).toEqual({ ERR_SERVER_FULL: 1 });
    first.bee.send(joinFrame('demo', testIdentity(1), first.bee.nonce));
    await first.bee.nextError('ERR_ALREADY_JOINED');
  });

  it('refuses /signal upgrades from one address beyond its connection rate (429)', async () => {
    const server = await startServer({ port: 0, host: '127.0.0.1', limits: { connectionsPerS: 0.001, connectionBurst: 3 } });
    servers.push(server);
    const first = await TestBee.join(server.port, 'demo', beeId(1));
    await TestBee.open(server.port);
    await TestBee.open(server.port);
    await expect(TestBee.open(server.port)).rejects.toThrow(/429/);
    expect(server.stats().rejected).toEqual({ ERR_RATE_LIMIT: 1 });
    first.bee.send({ type: 'sample' });
    await first.bee.next((f) => f.type === 'sample');
  });

  it('closes a connection that sends no request in time, but not a joined bee', async () => {
    const server = await startServer({ port: 0, host: '127.0.0.1', limits: { httpTimeoutMs: 300 } });
    servers.push(server);
    const a = (await TestBee.join(server.port, 'demo', HONEST_A)).bee;
    const b = (await TestBee.join(server.port, 'demo', HONEST_B)).bee;
    await closedSoon(await silentConnection(server.port), 'the silent connection to be closed');
    // The bees joined before the silent connection opened: they have been up longer than it.
    await expectHonestBeesUnharmed(a, b);
  });

  it('refuses TCP connections beyond maxSockets, and takes new ones once some close', async () => {
    const server = await startServer({ port: 0, host: '127.0.0.1', limits: { maxSockets: 2 } });
    servers.push(server);
    const held = [await silentConnection(server.port), await silentConnection(server.port)];
    await closedSoon(await silentConnection(server.port), 'the connection over the cap to be closed');
    for (const socket of held) socket.destroy();
    await waitFor(() => server.stats().sockets === 0, 'the server to see the held sockets close');    const health = await fetch(`http://127.0.0.1:${server.port}/health`);
    expect(health.status).toBe(200);
  });

  it('terminates a bee that does not read what is relayed to it', async () => {
    const { server, a, rogue } = await colonyWithRogue({ maxBufferedBytes: 64 * 1024, messagesPerS: 1e6, messageBurst: 1e6 });
    // The kernel buffers a few MiB of loopback traffic before the server's own buffer grows.
    a.socket.pause();
    const data = 'x'.repeat(DEFAULT_LIMITS.maxFrameBytes - 200);
    for (let i = 0; i < 2000 && server.stats().bees === 3; i++) {
      rogue.send({ type: 'signal', to: HONEST_A, data });
      if (i % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    expect(await rogue.next((f) => f.type === 'left')).toEqual({ type: 'left', bee: HONEST_A });
    expect(server.stats().bees).toBe(2);
  });
});
