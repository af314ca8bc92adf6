// Presence and relay over real sockets: bees join, learn a sample of their colony, exchange
// signals through the server and hear when a bee leaves.

import { describe, expect, it } from 'vitest';
import { SAMPLE_SIZE } from '../src/net/signal-protocol';
import { CLOSE_REPLACED } from './relay';
import { startServer } from './server';
import { beeId, joinFrame, TestBee, testIdentity, waitFor } from './test-bee';
import { serversPerTest } from './test-servers';

const hive = serversPerTest();

describe('joining a colony', () => {
  it('welcomes a bee with the other live bees of its colony, never itself', async () => {
    const { port, stunPort } = await hive();
    const first = await TestBee.join(port, 'demo', beeId(1));
    expect(first.peers).toEqual([]);
    await TestBee.join(port, 'elsewhere', beeId(9));
    const second = await TestBee.join(port, 'demo', beeId(2));
    expect(second.peers).toEqual([beeId(1)]);
    const third = await TestBee.join(port, 'demo', beeId(3));
    expect(third.peers.sort()).toEqual([beeId(1), beeId(2)].sort());
    const welcome = third.bee.received.find((f) => f.type === 'welcome');
    const ice = { iceServers: [{ urls: `stun:127.0.0.1:${stunPort}` }], iceTransportPolicy: 'all' };
    expect(welcome).toEqual({ type: 'welcome', bee: beeId(3), colony: 'demo', peers: third.peers, token: third.token, ice });
  });

  it('tells a bee about at most SAMPLE_SIZE distinct others', async () => {
    const { port } = await hive();
    const others = Array.from({ length: SAMPLE_SIZE + 3 }, (_, i) => beeId(i + 1));
    for (const id of others) await TestBee.join(port, 'demo', id);
    const { peers } = await TestBee.join(port, 'demo', beeId(100));
    expect(peers).toHaveLength(SAMPLE_SIZE);
    expect(new Set(peers).size).toBe(SAMPLE_SIZE);
    for (const peer of peers) expect(others).toContain(peer);
  });

  it('answers a joined bee that asks for a fresh sample, and refuses one that has not joined', async () => {
    const { port } = await hive();
    await TestBee.join(port, 'demo', beeId(1));
    const { bee } = await TestBee.join(port, 'demo', beeId(2));
    await TestBee.join(port, 'demo', beeId(3));
    bee.send({ type: 'sample' });
    const sample = (await bee.next((f) => f.type === 'sample')) as { peers: string[] };
    expect(sample.peers.sort()).toEqual([beeId(1), beeId(3)].sort());
    const stranger = await TestBee.open(port);
    stranger.send({ type: 'sample' });
    await stranger.nextError('ERR_NOT_JOINED');
  });

  it('lets the newest socket of a rejoining bee win and closes the old one without a departure', async () => {
    const server = await hive();
    const { port } = server;
    const neighbour = await TestBee.join(port, 'demo', beeId(1));
    const old = await TestBee.join(port, 'demo', beeId(2));
    const reloaded = await TestBee.join(port, 'demo', beeId(2));
    expect(reloaded.peers).toEqual([beeId(1)]);
    await old.bee.nextError('ERR_ID_TAKEN');
    expect((await old.bee.waitClosed()).code).toBe(CLOSE_REPLACED);
    await waitFor(() => server.stats().connections === 2, 'the old socket to be gone');
    expect(server.stats().bees).toBe(2);

    reloaded.bee.send({ type: 'signal', to: beeId(1), data: 'hello again' });
    expect(await neighbour.bee.nextSignal(beeId(2))).toMatchObject({ data: 'hello again' });
    // Everything the server sent the neighbour before that signal is in `received` by now.
    expect(neighbour.bee.received.filter((f) => f.type === 'left')).toEqual([]);
    neighbour.bee.send({ type: 'signal', to: beeId(2), data: 'welcome back' });
    expect(await reloaded.bee.nextSignal(beeId(1))).toMatchObject({ data: 'welcome back' });
  });

  it('refuses a second join on the same socket', async () => {
    const { port } = await hive();
    const { bee } = await TestBee.join(port, 'demo', beeId(1));
    bee.send(joinFrame('other', testIdentity(2), bee.nonce));
    expect(await bee.nextError('ERR_ALREADY_JOINED')).toMatchObject({ type: 'error' });
  });

  it('closes a socket that does not join in time', async () => {
    const { port } = await hive({ limits: { joinTimeoutMs: 50 } });
    const idle = await TestBee.open(port);
    await idle.nextError('ERR_NOT_JOINED');
    expect((await idle.waitClosed()).code).toBe(1008);
  });
});

describe('relaying signals', () => {
  it('relays a signal to the named bee and back, tagged with the sender', async () => {
    const { port } = await hive();
    const a = await TestBee.join(port, 'demo', beeId(1));
    const b = await TestBee.join(port, 'demo', beeId(2));
    const offer = { sdp: 'v=0 offer', kind: 'offer' };
    a.bee.send({ type: 'signal', to: beeId(2), data: offer });
    expect(await b.bee.nextSignal(beeId(1))).toEqual({ type: 'signal', from: beeId(1), data: offer });
    b.bee.send({ type: 'signal', to: beeId(1), data: { kind: 'answer' } });
    expect(await a.bee.nextSignal(beeId(2))).toEqual({ type: 'signal', from: beeId(2), data: { kind: 'answer' } });
  });

  it('answers ERR_UNKNOWN_BEE for a bee that is not in the colony', async () => {
    const { port } = await hive();
    const a = await TestBee.join(port, 'demo', beeId(1));
    await TestBee.join(port, 'other', beeId(2));
    a.bee.send({ type: 'signal', to: beeId(2), data: 'across colonies' });
    expect(await a.bee.nextError('ERR_UNKNOWN_BEE')).toMatchObject({ type: 'error' });
  });

  it('answers ERR_NOT_JOINED to a signal before join', async () => {
    const { port } = await hive();
    const stranger = await TestBee.open(port);
    stranger.send({ type: 'signal', to: beeId(1), data: 'hi' });
    await stranger.nextError('ERR_NOT_JOINED');
  });

  it('tells the rest of the colony when a bee leaves, and forgets an empty colony', async () => {
    const server = await hive();
    const a = await TestBee.join(server.port, 'demo', beeId(1));
    const b = await TestBee.join(server.port, 'demo', beeId(2));
    const c = await TestBee.join(server.port, 'demo', beeId(3));
    a.bee.close();
    expect(await b.bee.next((f) => f.type === 'left')).toEqual({ type: 'left', bee: beeId(1) });
    expect(await c.bee.next((f) => f.type === 'left')).toEqual({ type: 'left', bee: beeId(1) });
    expect(server.stats()).toMatchObject({ colonies: 1, bees: 2 });
    b.bee.close();
    c.bee.close();
    await waitFor(() => server.stats().connections === 0, 'all sockets to close');
    expect(server.stats()).toMatchObject({ colonies: 0, bees: 0 });
  });
});

describe('liveness', () => {
  it('terminates a socket that stops answering pings and keeps the ones that answer', async () => {
    // Long enough that a busy test machine still answers every ping in time.
    const server = await hive({ limits: { pingIntervalMs: 100 } });
    const healthy = await TestBee.join(server.port, 'demo', beeId(1));
    const silent = (await TestBee.join(server.port, 'demo', beeId(2), { autoPong: false })).bee;
    await silent.waitClosed();
    expect(await healthy.bee.next((f) => f.type === 'left')).toEqual({ type: 'left', bee: beeId(2) });
    expect(healthy.bee.socket.readyState).toBe(healthy.bee.socket.OPEN);
    expect(server.stats().bees).toBe(1);
  });
});

describe('closing', () => {
  it('closes every bee socket and can be called twice', async () => {
    const server = await startServer({ port: 0, host: '127.0.0.1' });
    const { bee } = await TestBee.join(server.port, 'demo', beeId(1));
    await Promise.all([server.close(), server.close()]);
    await bee.waitClosed();
  });
});
