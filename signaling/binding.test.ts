// A bee id belongs to the socket that proved its key. Each test is an attack that worked before
// joins were proven: an outsider joining under a live bee's id (to fake its departure, take its
// signals or speak in its name) changes nothing for that bee and announces no departure.

import { afterEach, describe, expect, it } from 'vitest';
import { createIdentity } from '../src/crypto/identity';
import { proveJoin } from '../src/net/join-proof';
import { CLOSE_POLICY } from './relay';
import { startServer, type HiveServer } from './server';
import { beeId, joinFrame, TestBee, testIdentity, waitFor } from './test-bee';

const servers: HiveServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

const QUEEN = testIdentity(1);
const WORKER = testIdentity(2);

/** A colony with a queen and a worker; the worker is the one who would hear a fake departure. */
async function colony() {
  const server = await startServer({ port: 0, host: '127.0.0.1' });
  servers.push(server);
  const queen = (await TestBee.join(server.port, 'demo', QUEEN.id)).bee;
  const worker = (await TestBee.join(server.port, 'demo', WORKER.id)).bee;
  return { server, queen, worker };
}

/** Queen and worker still signal each other, and neither heard of a departure or an error. */
async function expectUntouched(queen: TestBee, worker: TestBee): Promise<void> {
  queen.send({ type: 'signal', to: WORKER.id, data: 'still yours' });
  expect(await worker.nextSignal(QUEEN.id)).toMatchObject({ data: 'still yours' });
  worker.send({ type: 'signal', to: QUEEN.id, data: 'still here' });
  expect(await queen.nextSignal(WORKER.id)).toMatchObject({ data: 'still here' });
  // Everything the server sent before those signals has arrived by now.
  for (const bee of [queen, worker]) expect(bee.received.filter((f) => f.type === 'left' || f.type === 'error')).toEqual([]);
  expect(queen.socket.readyState).toBe(queen.socket.OPEN);
}

/** What an attacker can send for the queen's id: every way of not having her key. */
const forgedJoins = (nonce: string) => {
  const outsider = createIdentity();
  const { key: queenKey } = proveJoin(QUEEN, 'demo', nonce);
  return [
    { name: 'no proof at all', frame: { type: 'join', colony: 'demo', bee: QUEEN.id }, code: 'ERR_MALFORMED' },
    { name: "its own key under the queen's id", frame: { ...joinFrame('demo', outsider, nonce), bee: QUEEN.id }, code: 'ERR_BAD_PROOF' },
    { name: "the queen's public key with its own signature", frame: { ...joinFrame('demo', outsider, nonce), bee: QUEEN.id, key: queenKey }, code: 'ERR_BAD_PROOF' },
  ];
};

describe('a join under a live bee id without its key', () => {
  it.each([0, 1, 2])('is refused and closed, and the live bee is neither replaced nor reported gone (forgery %i)', async (which) => {
    const { server, queen, worker } = await colony();
    const spoof = await TestBee.open(server.port);
    const { frame, code } = forgedJoins(spoof.nonce)[which]!;
    spoof.send(frame);
    await spoof.nextError(code);
    if (code === 'ERR_BAD_PROOF') expect((await spoof.waitClosed()).code).toBe(CLOSE_POLICY);
    spoof.close(); // and its close announces nothing either
    await waitFor(() => server.stats().connections === 2, 'the spoofing socket to be gone');
    expect(server.stats().bees).toBe(2);
    await expectUntouched(queen, worker);
  });

  it('is refused when it carries a real proof of the queen made for another socket’s nonce', async () => {
    const { server, queen, worker } = await colony();
    const elsewhere = await TestBee.open(server.port);
    const spoof = await TestBee.open(server.port);
    spoof.send(joinFrame('demo', QUEEN, elsewhere.nonce));
    await spoof.nextError('ERR_BAD_PROOF');
    await expectUntouched(queen, worker);
  });

  it('is refused when the proof was made for another colony', async () => {
    const { server, queen, worker } = await colony();
    const spoof = await TestBee.open(server.port);
    spoof.send({ ...joinFrame('elsewhere', QUEEN, spoof.nonce), colony: 'demo' });
    await spoof.nextError('ERR_BAD_PROOF');
    await expectUntouched(queen, worker);
  });
});

describe('signals belong to the bound socket', () => {
  it('stamps every relayed signal with the sender’s proven id, whatever the frame claims', async () => {
    const { server, worker } = await colony();
    const mallory = (await TestBee.join(server.port, 'demo', beeId(0xbad))).bee;
    mallory.send({ type: 'signal', to: WORKER.id, from: QUEEN.id, data: { link: 'new', init: true } });
    const signal = await worker.next((f) => f.type === 'signal');
    expect(signal).toEqual({ type: 'signal', from: beeId(0xbad), data: { link: 'new', init: true } });
  });

  it('delivers signals for a bee only to its own socket, never to one that failed to prove it', async () => {
    const { server, queen, worker } = await colony();
    const spoof = await TestBee.open(server.port);
    spoof.send({ ...joinFrame('demo', createIdentity(), spoof.nonce), bee: QUEEN.id });
    await spoof.nextError('ERR_BAD_PROOF');
    worker.send({ type: 'signal', to: QUEEN.id, data: 'for the queen only' });
    expect(await queen.nextSignal(WORKER.id)).toMatchObject({ data: 'for the queen only' });
    expect(spoof.received.filter((f) => f.type === 'signal')).toEqual([]);
  });

  it('lets a reloading bee take its id back with a fresh proof: the old socket closes and no departure is announced', async () => {
    const { server, queen, worker } = await colony();
    const reloaded = (await TestBee.join(server.port, 'demo', QUEEN.id)).bee;
    await queen.nextError('ERR_ID_TAKEN');
    queen.close();
    await waitFor(() => server.stats().connections === 2, 'the old socket to be gone');
    worker.send({ type: 'signal', to: QUEEN.id, data: 'to the reloaded tab' });
    expect(await reloaded.nextSignal(WORKER.id)).toMatchObject({ data: 'to the reloaded tab' });
    expect(worker.received.filter((f) => f.type === 'left')).toEqual([]);
  });
});
