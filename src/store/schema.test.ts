// Migrations: a database an earlier release left behind opens in the current layout with its
// data carried over, not dropped.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it } from 'vitest';
import { createIdentity, idOf, parseIdentity } from '../crypto/identity';
import { TabIdentity } from './identity';
import { DB_VERSION, openHiveDb } from './schema';
import { BeeStore } from './store';

const BEE = 'b'.repeat(16);
const OTHER = 'c'.repeat(16);

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
});

describe('the schema', () => {
  it('creates every store of the current version in a fresh database', async () => {
    const db = await openHiveDb('fresh');
    expect(db.version).toBe(DB_VERSION);
    expect([...db.objectStoreNames].sort()).toEqual(['bans', 'identities', 'inbox', 'log', 'outbox', 'rosters', 'upgrades', 'votes']);
    db.close();
  });

  it('migrates a version 1 database to version 2, keeping and ordering its data', async () => {
    const v1 = await openHiveDb('old', 1);
    expect([...v1.objectStoreNames].sort()).toEqual(['identities', 'inbox', 'outbox', 'votes']);
    // Written as version 1 wrote them: messages keyed by [bee, id], no seq, no outbox status.
    const tx = v1.transaction(['identities', 'votes', 'inbox', 'outbox'] as never[], 'readwrite');
    const put = (store: string, value: unknown) => (tx.objectStore(store as never) as unknown as IDBObjectStore).put(value);
    put('identities', { id: BEE, createdAt: 1 });
    put('votes', { bee: BEE, term: 7, votedFor: OTHER });
    // Stored out of arrival order: key order ('z…' after 'a…') is not delivery order.
    put('inbox', { bee: BEE, id: 'f'.repeat(16), from: OTHER, body: 'second', at: 20, route: [OTHER, BEE] });
    put('inbox', { bee: BEE, id: '0'.repeat(16), from: OTHER, body: 'first', at: 10, route: [OTHER, BEE] });
    put('inbox', { bee: OTHER, id: '1'.repeat(16), from: BEE, body: 'theirs', at: 15, route: [BEE, OTHER] });
    put('outbox', { bee: BEE, id: '2'.repeat(16), to: OTHER, body: 'hello', createdAt: 5 });
    put('outbox', { bee: BEE, id: '3'.repeat(16), to: null, body: 'all', createdAt: 6 });
    await tx.done;
    v1.close();

    const v2 = await openHiveDb('old', 2);
    expect(v2.version).toBe(2);
    expect(await v2.get('identities', BEE)).toEqual({ id: BEE, createdAt: 1 });
    // Read raw, as version 2 left it (version 3 moves keyless bees to new ids).
    expect(await v2.get('votes', BEE)).toEqual({ bee: BEE, term: 7, votedFor: OTHER });
    const inbox = await v2.getAllFromIndex('inbox', 'by-bee', BEE);
    expect(inbox.map((m) => m.body)).toEqual(['first', 'second']);
    expect(inbox.every((m) => typeof m.seq === 'number')).toBe(true);
    const outbox = await v2.getAllFromIndex('outbox', 'by-bee', BEE);
    expect(outbox.map(({ id, to, kind, status, attempts }) => ({ id, to, kind, status, attempts }))).toEqual([
      { id: '2'.repeat(16), to: OTHER, kind: 'send', status: 'pending', attempts: 0 },
      { id: '3'.repeat(16), to: null, kind: 'broadcast', status: 'pending', attempts: 0 },
    ]);
    expect(await v2.getAllFromIndex('log', 'by-bee', BEE)).toEqual([]);
    expect((await v2.getAllFromIndex('inbox', 'by-bee', OTHER)).map((m) => m.body)).toEqual(['theirs']);
    // The message-id index is unique: a second copy of a delivered message cannot be stored.
    await expect(v2.add('inbox', { bee: BEE, id: '0'.repeat(16), from: OTHER, body: 'again', at: 30, route: [] })).rejects.toThrow();
    v2.close();
  });

  it('migrates a version 2 database to version 3: each keyless bee gets a key pair and a key-hashed id, and takes its records along', async () => {
    const v2 = await openHiveDb('old', 2);
    await v2.put('identities', { id: BEE, createdAt: 3 } as never);
    await v2.put('identities', { id: OTHER, createdAt: 4 } as never);
    await v2.put('votes', { bee: BEE, term: 7, votedFor: OTHER });
    await v2.put('rosters', { bee: BEE, queen: OTHER, peers: [OTHER], at: 9 });
    await v2.add('inbox', { bee: BEE, id: '0'.repeat(16), from: OTHER, body: 'kept', at: 10, route: [OTHER, BEE] });
    await v2.add('inbox', { bee: OTHER, id: '1'.repeat(16), from: BEE, body: 'theirs', at: 11, route: [BEE, OTHER] });
    await v2.add('outbox', { bee: BEE, id: '2'.repeat(16), to: OTHER, body: 'pending', kind: 'send', status: 'pending', attempts: 1, createdAt: 5 });
    await v2.add('log', { bee: BEE, at: 6, kind: 'start', text: 'hatched' });
    await v2.put('bans', { bee: BEE, banned: OTHER, at: 7, by: OTHER, offence: 'flood', reason: 'test' });
    v2.close();

    // Opened at today's version: migrations 2 → 3 and on run in one upgrade.
    const v3 = await openHiveDb('old');
    expect(v3.version).toBe(DB_VERSION);
    const moved = await v3.get('identities', BEE);
    if (!moved || !('movedTo' in moved)) throw new Error('the version 2 record should forward to the new bee');
    const keyed = await v3.get('identities', moved.movedTo);
    if (!keyed || !('keys' in keyed)) throw new Error('the new bee should have keys');
    const identity = parseIdentity(keyed.keys);
    expect(identity?.id).toBe(moved.movedTo);
    expect(identity && idOf(identity.publicKey)).toBe(moved.movedTo);
    expect(keyed.createdAt).toBe(3);

    const loaded = await new BeeStore(v3, moved.movedTo, (what, err) => expect.fail(`${what}: ${String(err)}`)).load();
    expect(loaded.inbox.map((m) => m.body)).toEqual(['kept']);
    expect(loaded.outbox.map((m) => [m.body, m.status, m.attempts])).toEqual([['pending', 'pending', 1]]);
    expect(loaded.log.map((m) => m.text)).toEqual(['hatched']);
    expect(loaded.roster).toMatchObject({ queen: OTHER, peers: [OTHER] });
    // A vote belongs to the id that cast it; the new id has voted in no term.
    expect(loaded.vote).toBeNull();
    expect(await v3.getAllFromIndex('bans', 'by-bee', moved.movedTo)).toMatchObject([{ banned: OTHER }]);
    expect(await v3.getAllFromIndex('bans', 'by-bee', BEE)).toEqual([]);
    const gone = await new BeeStore(v3, BEE, () => {}).load();
    expect([gone.inbox, gone.outbox, gone.log, gone.vote, gone.roster]).toEqual([[], [], [], null, null]);

    // The other bee moved too, with its own key and its own message.
    const otherMoved = await v3.get('identities', OTHER);
    if (!otherMoved || !('movedTo' in otherMoved)) throw new Error('every version 2 bee should move');
    expect(otherMoved.movedTo).not.toBe(moved.movedTo);
    expect((await new BeeStore(v3, otherMoved.movedTo, () => {}).load()).inbox.map((m) => m.body)).toEqual(['theirs']);

    // The tab that ran the version 2 bee reloads into the new one.
    const session = new Map([['hivemesh.bee', BEE]]);
    const tab = new TabIdentity(() => 'nonce');
    const claimed = await tab.claim({
      db: v3,
      session: { getItem: (k) => session.get(k) ?? null, setItem: (k, v) => void session.set(k, v), removeItem: (k) => void session.delete(k) },
      hatch: createIdentity,
      now: 8,
    });
    tab.close();
    expect(claimed).toEqual({ identity, restored: true });
    expect(session.get('hivemesh.bee')).toBe(moved.movedTo);
    v3.close();
  });

  it('migrates a version 3 database to version 4, keeping its bees and adding adopted upgrades', async () => {
    const v3 = await openHiveDb('three', 3);
    await v3.put('votes', { bee: BEE, term: 2, votedFor: OTHER });
    v3.close();
    const v4 = await openHiveDb('three');
    expect(v4.version).toBe(4);
    expect(await v4.get('votes', BEE)).toEqual({ bee: BEE, term: 2, votedFor: OTHER });
    await v4.put('upgrades', { bee: BEE, version: 3, config: { colour: '#1d4ed8' }, route: [OTHER, BEE] });
    expect((await v4.get('upgrades', BEE))?.version).toBe(3);
    v4.close();
  });
});
