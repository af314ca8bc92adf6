// The Colony over a stand-in bee: big and binary bodies leave as chunks that are each a normal
// send, a bounded number at a time, with progress; chunks coming in become one message; changes
// in the bee's standing and roster become bee-join, bee-leave, queen and role events.
import { describe, expect, it } from 'vitest';
import type { HiveSnapshot, InboxEntry } from '../api';
import type { Bee } from '../bee';
import { HiveError } from '../errors';
import { CHUNK_BYTES, split } from './chunks';
import { Colony, type ColonyEvents, type TransferProgress } from './colony';

const SELF = 'a'.repeat(32);
const PEER = 'b'.repeat(32);

/** A bee that records what it is asked to send and settles each send when told. */
function standIn() {
  let snap = { id: SELF, role: 'egg', term: 0, queen: null, roster: [] as string[] } as unknown as HiveSnapshot;
  const listeners = { message: new Set<(m: InboxEntry) => void>(), change: new Set<() => void>(), problem: new Set<(t: string) => void>() };
  const sent: Array<{ to: string | null; body: unknown; settle: () => void; fail: (err: Error) => void }> = [];
  let rosterRevision = 0;
  let snapshots = 0;
  const post = (to: string | null, body: unknown) => new Promise<void>((resolve, reject) => sent.push({ to, body, settle: resolve, fail: reject }));
  const bee = {
    id: SELF,
    ready: Promise.resolve(),
    snapshot: () => (snapshots++, snap),
    standing: () => ({ role: snap.role, term: snap.term, queen: snap.queen, hive: null, reign: 0, rosterRevision }),
    send: (to: string, body: unknown) => post(to, body),
    broadcast: (body: unknown) => post(null, body),
    onMessage: (l: (m: InboxEntry) => void) => (listeners.message.add(l), () => listeners.message.delete(l)),
    onProblem: (l: (t: string) => void) => (listeners.problem.add(l), () => listeners.problem.delete(l)),
    subscribe: (l: () => void) => (listeners.change.add(l), () => listeners.change.delete(l)),
    leave: () => undefined,
  };
  return {
    colony: new Colony(bee as unknown as Bee),
    sent,
    deliver: (body: unknown, from = PEER) => listeners.message.forEach((l) => l({ id: 'm', from, body, at: 1, route: [from] })),
    snapshots: () => snapshots,
    change: (next: Partial<HiveSnapshot>) => {
      if (next.roster) rosterRevision++;
      snap = { ...snap, ...next };
      listeners.change.forEach((l) => l());
    },
  };
}

/** Lets the colony's pending promise callbacks run. */
const settleMicrotasks = () => new Promise((resolve) => setTimeout(resolve, 0));

function heard<K extends keyof ColonyEvents>(colony: Colony, type: K): Array<ColonyEvents[K]> {
  const seen: Array<ColonyEvents[K]> = [];
  colony.on(type, (detail) => seen.push(detail));
  return seen;
}

describe('Colony', () => {
  it('a small JSON body is one send, as it was given', async () => {
    const { colony, sent } = standIn();
    const done = colony.send(PEER, { hello: 1 });
    await settleMicrotasks();
    expect(sent.map(({ to, body }) => ({ to, body }))).toEqual([{ to: PEER, body: { hello: 1 } }]);
    sent[0]?.settle();
    await expect(done).resolves.toBeUndefined();
  });

  it('a binary body leaves as chunks, at most 32 unacknowledged at once, and resolves with progress up to its size', async () => {
    const { colony, sent } = standIn();
    const bytes = new Uint8Array(40 * CHUNK_BYTES + 1);
    const progress: TransferProgress[] = [];
    const done = colony.send(PEER, bytes.buffer, { onProgress: (p) => progress.push(p) });
    await settleMicrotasks();
    expect(sent.length).toBe(32);
    for (let settled = 0; settled < sent.length; settled++) {
      sent[settled]?.settle();
      await settleMicrotasks();
      expect(sent.length - settled - 1).toBeLessThanOrEqual(32);
    }
    await done;
    expect(sent.length).toBe(41);
    expect(progress.at(-1)).toMatchObject({ direction: 'out', peer: PEER, done: bytes.length, total: bytes.length });
  });

  it('a JSON body too big for one envelope travels as chunks and arrives as the same JSON', async () => {
    const sender = standIn();
    const body = { text: 'x'.repeat(30_000) };
    void sender.colony.broadcast(body);
    await settleMicrotasks();
    expect(sender.sent.length).toBeGreaterThan(1);
    const receiver = standIn();
    const messages = heard(receiver.colony, 'message');
    for (const { body: chunk } of sender.sent) receiver.deliver(chunk);
    expect(messages).toEqual([expect.objectContaining({ from: PEER, body })]);
  });

  it('chunks coming in give progress and, with the last, one binary message', () => {
    const { colony, deliver } = standIn();
    const messages = heard(colony, 'message');
    const progress = heard(colony, 'progress');
    const bytes = Uint8Array.from({ length: 2 * CHUNK_BYTES + 3 }, (_, i) => i % 251);
    for (const chunk of split('t1', 'bytes', bytes)) deliver(chunk);
    expect(progress.map((p) => p.done)).toEqual([CHUNK_BYTES, 2 * CHUNK_BYTES, bytes.length]);
    expect(messages).toEqual([{ id: 't1', from: PEER, body: bytes, at: 1, route: [PEER] }]);
  });

  it('once a chunk fails, the rest stay unsent and the send rejects with its error', async () => {
    const { colony, sent } = standIn();
    const done = colony.send(PEER, new Uint8Array(40 * CHUNK_BYTES));
    await settleMicrotasks();
    sent[0]?.fail(new HiveError('ERR_NOT_DELIVERED', 'no acknowledgement'));
    for (const chunk of sent.slice(1)) chunk.settle();
    await expect(done).rejects.toMatchObject({ code: 'ERR_NOT_DELIVERED' });
    await settleMicrotasks();
    expect(sent.length).toBe(32);
  });

  it('a plain body carrying the chunk mark is refused before it is sent', async () => {
    const { colony, sent } = standIn();
    await expect(colony.send(PEER, { 'hivemesh:chunk': 'x' })).rejects.toMatchObject({ code: 'ERR_BODY_UNSIGNABLE' });
    expect(sent).toEqual([]);
  });

  it('a body that cannot be signed is refused with its code', async () => {
    const { colony } = standIn();
    await expect(colony.broadcast({ n: NaN })).rejects.toBeInstanceOf(HiveError);
  });

  it('changes in the snapshot become bee-join, bee-leave, queen and role events', () => {
    const { colony, change } = standIn();
    const joins = heard(colony, 'bee-join');
    const leaves = heard(colony, 'bee-leave');
    const queens = heard(colony, 'queen');
    const roles = heard(colony, 'role');
    change({ roster: [PEER] });
    change({ role: 'worker', queen: PEER, term: 2 });
    change({ roster: [] });
    expect(joins).toEqual([{ bee: PEER }]);
    expect(leaves).toEqual([{ bee: PEER }]);
    expect(queens).toEqual([{ queen: PEER, term: 2 }]);
    expect(roles).toEqual([{ role: 'worker', term: 2 }]);
  });

  it('reads no snapshot for a change that moved neither the roster nor the standing (every frame a bee receives is one)', () => {
    const { colony, change, snapshots } = standIn();
    const roles = heard(colony, 'role');
    const before = snapshots();
    for (let i = 0; i < 10; i++) change({});
    change({ role: 'worker', term: 1 });
    expect(snapshots()).toBe(before);
    expect(roles).toEqual([{ role: 'worker', term: 1 }]);
    change({ roster: [PEER] });
    expect(snapshots()).toBe(before + 1);
  });
});
