// Several server instances on one real Redis serve one colony: bees on different instances are
// introduced, signal each other on /signal and /peerjs, hear each other leave, and an id bound on
// one instance moves to another only with a fresh proof. Losing Redis or an instance is survived.

import { spawn } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { DEAD_AFTER_MS } from './redis-backplane';
import { CLOSE_REPLACED } from './relay';
import { startServer, type HiveServer, type Limits } from './server';
import { beeId, joinFrame, TestBee, TestPeer, testIdentity, waitFor, within } from './test-bee';
import { freePort, TestRedis } from './test-redis';

let redis: TestRedis;
const servers: HiveServer[] = [];

beforeAll(async () => {
  redis = await TestRedis.start();
});
afterAll(() => redis.close());
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
  const client = new Redis(redis.url, { lazyConnect: true });
  await client.connect();
  await client.flushall();
  client.disconnect();
});

async function instance(limits?: Partial<Limits>): Promise<HiveServer> {
  const server = await startServer({ port: 0, host: '127.0.0.1', limits, redisUrl: redis.url });
  servers.push(server);
  return server;
}

const ALICE = beeId(1);
const BOB = beeId(2);
const CAROL = beeId(3);
const OFFER = { sdp: 'v=0 offer', type: 'data', connectionId: 'dc_1' };

describe('one colony on two instances', () => {
  it('introduces bees joined on different instances and carries their signals both ways', async () => {
    const a = await instance();
    const b = await instance();
    const alice = await TestBee.join(a.port, 'demo', ALICE);
    const bob = await TestBee.join(b.port, 'demo', BOB);
    expect(bob.peers).toEqual([ALICE]);
    bob.bee.send({ type: 'signal', to: ALICE, data: { offer: 1 } });
    expect(await alice.bee.nextSignal(BOB)).toEqual({ type: 'signal', from: BOB, data: { offer: 1 } });
    alice.bee.send({ type: 'signal', to: BOB, data: { answer: 1 } });
    expect(await bob.bee.nextSignal(ALICE)).toEqual({ type: 'signal', from: ALICE, data: { answer: 1 } });
    alice.bee.send({ type: 'sample' });
    expect(await alice.bee.next((f) => f.type === 'sample')).toEqual({ type: 'sample', peers: [BOB] });
  });

  it('announces a departure once to every bee of the colony, on every instance', async () => {
    const a = await instance();
    const b = await instance();
    const alice = await TestBee.join(a.port, 'demo', ALICE);
    const bob = await TestBee.join(b.port, 'demo', BOB);
    const carol = await TestBee.join(a.port, 'demo', CAROL);
    carol.bee.close();
    expect(await bob.bee.next((f) => f.type === 'left')).toEqual({ type: 'left', bee: CAROL });
    expect(await alice.bee.next((f) => f.type === 'left')).toEqual({ type: 'left', bee: CAROL });
    // Bob's departure reaches Alice after Carol's: had Carol's come twice, it would be next.
    bob.bee.close();
    expect(await alice.bee.next((f) => f.type === 'left')).toEqual({ type: 'left', bee: BOB });
  });

  it('refuses a bee once the colony is full across instances', async () => {
    const a = await instance({ maxBeesPerColony: 2 });
    const b = await instance({ maxBeesPerColony: 2 });
    await TestBee.join(a.port, 'demo', ALICE);
    await TestBee.join(b.port, 'demo', BOB);
    const carol = await TestBee.open(b.port);
    carol.send(joinFrame('demo', testIdentity(3), carol.nonce));
    await carol.nextError('ERR_COLONY_FULL');
    const bob = await TestBee.open(b.port);
    bob.send({ type: 'sample' });
    await bob.nextError('ERR_NOT_JOINED');
  });
});

describe('answers in order', () => {
  it('answers frames sent behind a join after its welcome, though the join waits on Redis', async () => {
    const a = await instance();
    const alice = await TestBee.open(a.port);
    alice.send(joinFrame('demo', testIdentity(1), alice.nonce));
    alice.send('not json');
    alice.send({ type: 'signal', to: BOB, data: 1 });
    await alice.nextError('ERR_UNKNOWN_BEE');
    expect(alice.received.map((f) => f.code ?? f.type)).toEqual(['challenge', 'welcome', 'ERR_MALFORMED', 'ERR_UNKNOWN_BEE']);
  });
});

describe('the id binding across instances', () => {
  it('moves a bee to the instance where it proved its id again, closing the old socket without a departure', async () => {
    const a = await instance();
    const b = await instance();
    const watcher = await TestBee.join(a.port, 'demo', BOB);
    const before = await TestBee.join(a.port, 'demo', ALICE);
    const after = await TestBee.join(b.port, 'demo', ALICE);
    await before.bee.nextError('ERR_ID_TAKEN');
    expect((await before.bee.waitClosed()).code).toBe(CLOSE_REPLACED);
    watcher.bee.send({ type: 'signal', to: ALICE, data: 'here?' });
    expect(await after.bee.nextSignal(BOB)).toMatchObject({ data: 'here?' });
    expect(watcher.bee.received.filter((f) => f.type === 'left')).toEqual([]);
  });

  it('does not let a socket on another instance take a bound id with a proof made for another socket', async () => {
    const a = await instance();
    const b = await instance();
    const alice = await TestBee.join(a.port, 'demo', ALICE);
    const thief = await TestBee.open(b.port);
    thief.send(joinFrame('demo', testIdentity(1), alice.bee.nonce));
    await thief.nextError('ERR_BAD_PROOF');
    const bob = await TestBee.join(b.port, 'demo', BOB);
    bob.bee.send({ type: 'signal', to: ALICE, data: 'still yours' });
    expect(await alice.bee.nextSignal(BOB)).toMatchObject({ data: 'still yours' });
  });
});

describe('PeerJS across instances', () => {
  it('admits a PeerJS socket on one instance with the token of a join on another, and relays between them', async () => {
    const a = await instance();
    const b = await instance();
    const alice = await TestBee.join(a.port, 'demo', ALICE);
    const alicePeer = await TestPeer.open(b.port, ALICE, alice.token);
    await alicePeer.next('OPEN');
    const bob = await TestPeer.forBee(a.port, 'demo', BOB);
    bob.peer.send({ type: 'OFFER', dst: ALICE, payload: OFFER });
    expect(await alicePeer.next('OFFER')).toEqual({ type: 'OFFER', src: BOB, dst: ALICE, payload: OFFER });
    alicePeer.send({ type: 'ANSWER', dst: BOB, payload: OFFER });
    expect(await bob.peer.next('ANSWER')).toEqual({ type: 'ANSWER', src: ALICE, dst: BOB, payload: OFFER });
    bob.peer.send({ type: 'OFFER', dst: CAROL, payload: OFFER });
    expect(await bob.peer.next('EXPIRE')).toEqual({ type: 'EXPIRE', src: CAROL, dst: BOB });
  });

  it('refuses a token on every instance once its join was replaced', async () => {
    const a = await instance();
    const b = await instance();
    const old = await TestBee.join(a.port, 'demo', ALICE);
    await TestBee.join(a.port, 'demo', ALICE);
    const peer = await TestPeer.open(b.port, ALICE, old.token);
    expect(await peer.next('ERROR')).toEqual({ type: 'ERROR', payload: { msg: 'Invalid token provided' } });
  });
});

describe('losing Redis or an instance', () => {
  it('keeps serving its own bees without Redis, says so on /health, and re-syncs when Redis returns', async () => {
    const a = await instance();
    const b = await instance();
    const alice = await TestBee.join(a.port, 'demo', ALICE);
    const bob = await TestBee.join(b.port, 'demo', BOB);
    await waitFor(() => a.stats().backplane.instances === 2, 'instance a to count both instances');
    await redis.stop();
    await waitFor(() => a.stats().backplane.redis === 'down', 'instance a to notice');
    const health = (await (await fetch(`http://127.0.0.1:${a.port}/health`)).json()) as { backplane: unknown };
    expect(health.backplane).toMatchObject({ redis: 'down' });
    const carol = await TestBee.join(a.port, 'demo', CAROL);
    expect(carol.peers).toEqual([ALICE]);
    carol.bee.send({ type: 'signal', to: ALICE, data: 'same instance' });
    expect(await alice.bee.nextSignal(CAROL)).toMatchObject({ data: 'same instance' });
    carol.bee.send({ type: 'signal', to: BOB, data: 'other instance' });
    await carol.bee.nextError('ERR_UNKNOWN_BEE');

    // Redis comes back empty (nothing is saved): each instance binds its bees again.
    await redis.restart();
    await within(
      (async () => {
        for (;;) {
          bob.bee.send({ type: 'sample' });
          const { peers } = (await bob.bee.next((f) => f.type === 'sample')) as { peers: string[] };
          if (peers.length === 2) return;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      })(),
      'bob to see alice and carol again',
      10_000,
    );
    bob.bee.send({ type: 'signal', to: CAROL, data: 'after' });
    expect(await carol.bee.nextSignal(BOB)).toMatchObject({ data: 'after' });
    expect(a.stats().backplane).toMatchObject({ redis: 'up' });
  });

  it('announces, once Redis is back with its data, the departure of a bee that left while it was away', async () => {
    const a = await instance();
    const b = await instance();
    await TestBee.join(a.port, 'demo', ALICE);
    const carol = await TestBee.join(a.port, 'demo', CAROL);
    const bob = await TestBee.join(b.port, 'demo', BOB);
    await redis.stop(true);
    await waitFor(() => a.stats().backplane.redis === 'down', 'instance a to notice');
    carol.bee.close();
    await waitFor(() => a.stats().bees === 1, 'carol to be gone from instance a');
    await redis.restart();
    const departures = () => bob.bee.received.filter((f) => f.type === 'left');
    await within(
      (async () => {
        while (departures().length === 0) await new Promise((r) => setTimeout(r, 20));
      })(),
      'the departure',
      10_000,
    );
    expect(departures()).toEqual([{ type: 'left', bee: CAROL }]);
    bob.bee.send({ type: 'sample' });
    expect(await bob.bee.next((f) => f.type === 'sample')).toEqual({ type: 'sample', peers: [ALICE] });
  });

  it('calls no instance dead for the time Redis itself was away', async () => {
    const a = await instance();
    const b = await instance();
    const alice = await TestBee.join(a.port, 'demo', ALICE);
    const bob = await TestBee.join(b.port, 'demo', BOB);
    await redis.stop(true);
    await waitFor(() => a.stats().backplane.redis === 'down' && b.stats().backplane.redis === 'down', 'both to notice');
    // What is tested is a duration: the outage outlasts the silence that makes an instance dead.
    await new Promise((resolve) => setTimeout(resolve, DEAD_AFTER_MS + 1000));
    await redis.restart();
    // Listening before the instances are back (they retry every 2 s by now): a departure announced
    // on their return is heard here even if their own subscriptions are not back yet.
    const watcher = new Redis(redis.url);
    const announced: string[] = [];
    watcher.on('message', (_channel: string, note: string) => announced.push(note));
    await watcher.subscribe('hivemesh:colony:demo');
    await within(
      (async () => {
        while (a.stats().backplane.instances !== 2 || b.stats().backplane.instances !== 2) await new Promise((r) => setTimeout(r, 20));
      })(),
      'both instances to beat again',
      10_000,
    );
    // A departure published on return would reach each bee before these signals (Redis keeps order).
    bob.bee.send({ type: 'signal', to: ALICE, data: 'still here' });
    await alice.bee.nextSignal(BOB);
    alice.bee.send({ type: 'signal', to: BOB, data: 'me too' });
    await bob.bee.nextSignal(ALICE);
    expect([...alice.bee.received, ...bob.bee.received].filter((f) => f.type === 'left')).toEqual([]);
    expect(announced).toEqual([]);
    watcher.disconnect();
  }, 30_000);

  it('announces the bees of a killed instance gone within seconds, and its bees can join another', async () => {
    const survivor = await instance();
    const port = await freePort();
    const doomed = spawn(process.execPath, ['--import', 'tsx', 'signaling/main.ts'], {
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', REDIS_URL: redis.url },
      stdio: 'ignore',
    });
    try {
      await within(
        (async () => {
          while (!(await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.ok, () => false))) await new Promise((r) => setTimeout(r, 50));
        })(),
        'the second instance to start',
        20_000,
      );
      const bob = await TestBee.join(survivor.port, 'demo', BOB);
      const alice = await TestBee.join(port, 'demo', ALICE);
      expect(alice.peers).toEqual([BOB]);
      doomed.kill('SIGKILL');
      const departures = () => bob.bee.received.filter((f) => f.type === 'left');
      await within(
        (async () => {
          while (departures().length === 0) await new Promise((r) => setTimeout(r, 20));
        })(),
        'the departure',
        DEAD_AFTER_MS * 3,
      );
      expect(departures()).toEqual([{ type: 'left', bee: ALICE }]);
      const again = await TestBee.join(survivor.port, 'demo', ALICE);
      expect(again.peers).toEqual([BOB]);
    } finally {
      doomed.kill('SIGKILL');
    }
  }, 40_000);
});
