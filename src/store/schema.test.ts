// Migrations: a database an earlier release left behind opens in the current layout with its
// data carried over, not dropped.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it } from 'vitest';
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
    expect([...db.objectStoreNames].sort()).toEqual(['bans', 'identities', 'inbox', 'log', 'outbox', 'rosters', 'votes']);
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

    const v2 = await openHiveDb('old');
    expect(v2.version).toBe(2);
    expect(await v2.get('identities', BEE)).toEqual({ id: BEE, createdAt: 1 });
    const loaded = await new BeeStore(v2, BEE, (what, err) => expect.fail(`${what}: ${String(err)}`)).load();
    expect(loaded.vote).toEqual({ bee: BEE, term: 7, votedFor: OTHER });
    expect(loaded.inbox.map((m) => m.body)).toEqual(['first', 'second']);
    expect(loaded.inbox.every((m) => typeof m.seq === 'number')).toBe(true);
    expect(loaded.outbox.map(({ id, to, kind, status, attempts }) => ({ id, to, kind, status, attempts }))).toEqual([
      { id: '2'.repeat(16), to: OTHER, kind: 'send', status: 'pending', attempts: 0 },
      { id: '3'.repeat(16), to: null, kind: 'broadcast', status: 'pending', attempts: 0 },
    ]);
    expect(loaded.log).toEqual([]);
    const theirs = await new BeeStore(v2, OTHER, () => {}).load();
    expect(theirs.inbox.map((m) => m.body)).toEqual(['theirs']);
    // The message-id index is unique: a second copy of a delivered message cannot be stored.
    await expect(v2.add('inbox', { bee: BEE, id: '0'.repeat(16), from: OTHER, body: 'again', at: 30, route: [] })).rejects.toThrow();
    v2.close();
  });
});
