// The PeerJS endpoint admits a bee only with the token of its proven join, relays only within its
// colony and in its name, and has the limits /signal has. Each test is an attack that worked
// against the `peer` package's server.

import { describe, expect, it } from 'vitest';
import { CLOSE_POLICY, CLOSE_REPLACED } from './relay';
import { beeId, TestBee, TestPeer, waitFor } from './test-bee';
import { serversPerTest } from './test-servers';

const hive = serversPerTest();

const ALICE = beeId(1);
const BOB = beeId(2);
const OFFER = { sdp: 'v=0 offer', type: 'data', connectionId: 'dc_1' };

/** The socket got ERROR and was closed before it was ever OPEN. */
async function expectRefused(peer: TestPeer): Promise<void> {
  expect(await peer.next('ERROR')).toEqual({ type: 'ERROR', payload: { msg: 'Invalid token provided' } });
  expect(await peer.waitClosed()).toBe(CLOSE_POLICY);
  expect(peer.frames.filter((f) => f.type === 'OPEN')).toEqual([]);
}

describe('admission', () => {
  it('opens a bee’s PeerJS socket with its token and relays an offer stamped with the sender', async () => {
    const server = await hive();
    const alice = await TestPeer.forBee(server.port, 'demo', ALICE);
    const bob = await TestPeer.forBee(server.port, 'demo', BOB);
    alice.peer.send({ type: 'OFFER', dst: BOB, src: beeId(3), payload: OFFER });
    expect(await bob.peer.next('OFFER')).toEqual({ type: 'OFFER', src: ALICE, dst: BOB, payload: OFFER });
    expect(server.stats()).toMatchObject({ peerjs: 2, connections: 2, bees: 2 });
  });

  it.each([
    { name: 'a made-up token', token: () => 'x'.repeat(22) },
    { name: 'no token', token: () => '' },
  ])('refuses a socket with $name', async ({ token }) => {
    const server = await hive();
    await expectRefused(await TestPeer.open(server.port, ALICE, token()));
    expect(server.stats().rejected).toEqual({ ERR_BAD_PROOF: 1 });
  });

  it('refuses another bee’s token, and a wrong key', async () => {
    const server = await hive();
    const bob = await TestBee.join(server.port, 'demo', BOB);
    await expectRefused(await TestPeer.open(server.port, ALICE, bob.token));
    await expectRefused(await TestPeer.open(server.port, BOB, bob.token, 'not-peerjs'));
  });

  it('refuses a token once the join that brought it has closed', async () => {
    const server = await hive();
    const alice = await TestBee.join(server.port, 'demo', ALICE);
    alice.bee.close();
    await waitFor(() => server.stats().connections === 0, 'the join to close');
    await expectRefused(await TestPeer.open(server.port, ALICE, alice.token));
  });

  it('does not let an outsider register a bee’s id first: the bee opens its socket as usual', async () => {
    const server = await hive();
    const squatter = await TestPeer.open(server.port, ALICE, 'token-of-my-choice');
    await expectRefused(squatter);
    const alice = await TestPeer.forBee(server.port, 'demo', ALICE);
    expect(alice.peer.frames.filter((f) => f.type === 'ID-TAKEN' || f.type === 'ERROR')).toEqual([]);
  });

  it('lets a reloaded bee’s new socket replace its old one', async () => {
    const server = await hive();
    const old = await TestPeer.forBee(server.port, 'demo', ALICE);
    const bob = await TestPeer.forBee(server.port, 'demo', BOB);
    const reloaded = await TestPeer.forBee(server.port, 'demo', ALICE);
    expect(await old.peer.waitClosed()).toBe(CLOSE_REPLACED);
    bob.peer.send({ type: 'OFFER', dst: ALICE, payload: OFFER });
    expect(await reloaded.peer.next('OFFER')).toMatchObject({ src: BOB });
  });
});

describe('colonies', () => {
  it('does not relay an offer to a bee of another colony: the sender hears EXPIRE, the bee nothing', async () => {
    const server = await hive();
    const outsider = await TestPeer.forBee(server.port, 'elsewhere', beeId(0xbad));
    const alice = await TestPeer.forBee(server.port, 'demo', ALICE);
    const bob = await TestPeer.forBee(server.port, 'demo', BOB);
    outsider.peer.send({ type: 'OFFER', dst: ALICE, payload: OFFER });
    expect(await outsider.peer.next('EXPIRE')).toEqual({ type: 'EXPIRE', src: ALICE, dst: beeId(0xbad) });
    bob.peer.send({ type: 'CANDIDATE', dst: ALICE, payload: { candidate: 'barrier' } });
    await alice.peer.next('CANDIDATE');
    expect(alice.peer.frames.filter((f) => f.type === 'OFFER')).toEqual([]);
  });
});

describe('limits', () => {
  it('terminates a PeerJS client that does not read what is relayed to it, at its buffer cap', async () => {
    const server = await hive({ limits: { maxBufferedBytes: 64 * 1024, messagesPerS: 1e6, messageBurst: 1e6 } });
    const sink = await TestPeer.forBee(server.port, 'demo', ALICE);
    const feeder = await TestPeer.forBee(server.port, 'demo', BOB);
    sink.peer.socket.pause();
    const payload = { sdp: 'x'.repeat(15_000) };
    for (let i = 0; i < 2000 && server.stats().peerjs === 2; i++) {
      feeder.peer.send({ type: 'OFFER', dst: ALICE, payload });
      if (i % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await waitFor(() => server.stats().peerjs === 1, 'the PeerJS socket that does not read to be cut off');
    expect(feeder.peer.socket.readyState).toBe(feeder.peer.socket.OPEN);
  });

  it('drops a PeerJS socket that floods the server', async () => {
    const server = await hive({ limits: { messagesPerS: 0.001, messageBurst: 3 } });
    const flooder = await TestPeer.forBee(server.port, 'demo', ALICE);
    for (let i = 0; i < 4; i++) flooder.peer.send({ type: 'HEARTBEAT' });
    await flooder.peer.waitClosed();
    expect(server.stats().rejected).toEqual({ ERR_RATE_LIMIT: 1 });
  });

  it('counts junk and closes a socket that keeps sending it, relaying none of it', async () => {
    const server = await hive({ limits: { maxErrorsPerSocket: 4 } });
    const junk = await TestPeer.forBee(server.port, 'demo', ALICE);
    const bob = await TestPeer.forBee(server.port, 'demo', BOB);
    for (const frame of ['{not json', 'null', JSON.stringify({ type: 'OPEN', dst: BOB }), JSON.stringify({ type: 'OFFER', dst: 'NOT A BEE' })]) junk.peer.send(frame);
    expect(await junk.peer.waitClosed()).toBe(CLOSE_POLICY);
    expect(server.stats().rejected).toEqual({ ERR_MALFORMED: 4 });
    expect(bob.peer.frames.filter((f) => f.type !== 'OPEN')).toEqual([]);
  });
});
