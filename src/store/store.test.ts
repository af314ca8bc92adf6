// One bee's records: what it writes comes back after a restart, caps keep storage bounded (oldest
// pruned), and storage errors — a full disk above all — are reported, never thrown at the bee.
import 'fake-indexeddb/auto';
import { IDBFactory, IDBObjectStore as FakeObjectStore, IDBTransaction as FakeTransaction } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createIdentity, serializeIdentity } from '../crypto/identity';
import { EventLog } from './log';
import { Inbox } from './inbox';
import { Outbox } from './outbox';
import { Outgoing } from '../tab/outgoing';
import { openHiveDb, type HiveDb } from './schema';
import { BeeStore, describeStorageError, type StoreCaps } from './store';

const BEE = 'b'.repeat(16);
const OTHER = 'c'.repeat(16);
const SMALL: StoreCaps = { inbox: 5, log: 3, outbox: 2, bans: 2 };

let db: HiveDb;
let errors: string[];
const report = (what: string, err: unknown) => errors.push(describeStorageError(what, err));
const store = (bee = BEE, caps = SMALL) => new BeeStore(db, bee, report, caps);
const message = (n: number) => ({ id: n.toString(16).padStart(16, '0'), from: OTHER, body: `m${n}`, at: n, route: [OTHER, BEE] });

beforeEach(async () => {
  globalThis.indexedDB = new IDBFactory();
  db = await openHiveDb('test');
  errors = [];
});

afterEach(() => {
  vi.restoreAllMocks();
  db.close();
});

const MEMBERSHIP = { hive: '9'.repeat(16), term: 3, epoch: 1, members: [BEE, OTHER].sort() };
const SEAL = { bee: OTHER, pub: 'cHVi', sig: 'c2ln' };

describe('a bee store', () => {
  it('gives back after a restart what the bee wrote: vote and membership, roster, inbox, outbox, log', async () => {
    const first = store();
    await first.load();
    expect(await first.saveVote({ term: 3, votedFor: OTHER, membership: MEMBERSHIP, seal: SEAL })).toBe(true);
    await first.saveRoster(OTHER, [OTHER], 7);
    await first.addInbox(message(1));
    await first.putOutbox({ id: '2'.repeat(16), to: OTHER, body: 'hi', kind: 'send', status: 'pending', attempts: 1, createdAt: 9 });
    await first.appendLog({ at: 1, kind: 'vote', text: 'voted', data: { term: 3 } });

    const again = await store().load();
    expect(again.vote).toEqual({ bee: BEE, term: 3, votedFor: OTHER, membership: MEMBERSHIP, seal: SEAL });
    expect(again.roster).toEqual({ bee: BEE, queen: OTHER, peers: [OTHER], at: 7 });
    expect(again.inbox.map((m) => m.body)).toEqual(['m1']);
    expect(again.outbox.map((m) => [m.body, m.attempts])).toEqual([['hi', 1]]);
    expect(again.log.map((e) => e.text)).toEqual(['voted']);
    expect(await store(OTHER).load()).toMatchObject({ vote: null, inbox: [], outbox: [], log: [] });
    expect(errors).toEqual([]);
  });

  it('keeps the newest messages and log entries up to the caps, pruning the oldest', async () => {
    const s = store();
    await s.load();
    for (let n = 1; n <= 12; n++) {
      await s.addInbox(message(n));
      await s.appendLog({ at: n, kind: 'join', text: `e${n}` });
    }
    // Another bee's records are neither counted nor pruned.
    const other = store(OTHER);
    await other.load();
    await other.addInbox(message(99));

    const loaded = await store().load();
    expect(loaded.inbox.map((m) => m.body)).toEqual(['m8', 'm9', 'm10', 'm11', 'm12']);
    expect(loaded.log.map((e) => e.text)).toEqual(['e10', 'e11', 'e12']);
    expect((await store(OTHER).load()).inbox.map((m) => m.body)).toEqual(['m99']);
  });

  it('keeps bans across a restart, the newest up to the cap', async () => {
    const first = store();
    await first.load();
    const ban = (n: number) => ({ bee: n.toString(16).padStart(32, '0'), by: OTHER, offence: 'flood' as const, detail: `flood ${n}`, at: n });
    for (const n of [1, 2, 3]) expect(await first.saveBan(ban(n))).toBe(true);
    expect((await store().load()).bans).toEqual([ban(2), ban(3)]);
    expect((await store(OTHER).load()).bans).toEqual([]);
  });

  it('commits writes that arrive together in shared transactions (group commit), in order', async () => {
    const s = store(BEE, { ...SMALL, inbox: 100 });
    await s.load();
    const results = await Promise.all(Array.from({ length: 50 }, (_, n) => s.addInbox(message(n))));
    expect(results.every(Boolean)).toBe(true);
    expect(s.stats.writes).toBe(50);
    expect(s.stats.transactions).toBeLessThan(5);
    expect((await store().load()).inbox.map((m) => m.body)).toEqual(Array.from({ length: 50 }, (_, n) => `m${n}`));
  });

  it('writes each batch in a transaction over the stores it writes to alone, so an outbox and an inbox commit side by side', async () => {
    const s = store();
    await s.load();
    const scopes: string[][] = [];
    const transaction = db.transaction.bind(db);
    vi.spyOn(db, 'transaction').mockImplementation(((...args: Parameters<typeof transaction>) => {
      scopes.push([args[0]].flat().map(String).sort());
      return transaction(...args);
    }) as typeof db.transaction);
    await s.putOutbox({ id: '2'.repeat(16), to: OTHER, body: 'hi', kind: 'send', status: 'pending', attempts: 1, createdAt: 9 });
    await s.addInbox(message(1));
    await Promise.all([s.appendLog({ at: 1, kind: 'vote', text: 'voted' }), s.saveRoster(OTHER, [OTHER], 7), s.saveRoster(OTHER, [], 8)]);
    expect(scopes.slice(0, 3)).toEqual([['outbox'], ['inbox'], ['log']]);
    expect(scopes[3]).toEqual(['rosters']);
  });

  it('commits a batch with nothing left to ask at once, and one that prunes only after its deletes', async () => {
    const s = store(BEE, { ...SMALL, inbox: 2 });
    await s.load();
    const commit = vi.spyOn(FakeTransaction.prototype, 'commit');
    await s.addInbox(message(1));
    await s.addInbox(message(2));
    expect(commit).toHaveBeenCalledTimes(2);
    await s.addInbox(message(3));
    expect(commit).toHaveBeenCalledTimes(2);
    expect((await store().load()).inbox.map((m) => m.body)).toEqual(['m2', 'm3']);
  });

  it('keeps pruning right after a restart, from the counts it loaded', async () => {
    const s = store();
    await s.load();
    for (let n = 1; n <= 5; n++) await s.addInbox(message(n));
    const restarted = store();
    await restarted.load();
    await restarted.addInbox(message(6));
    expect((await store().load()).inbox.map((m) => m.body)).toEqual(['m2', 'm3', 'm4', 'm5', 'm6']);
  });

  it('reports a full disk and carries on: the failed write is skipped, later writes work', async () => {
    const s = store();
    await s.load();
    const quota = vi.spyOn(FakeObjectStore.prototype, 'add').mockImplementationOnce(() => {
      throw new DOMException('the quota has been exceeded', 'QuotaExceededError');
    });
    expect(await s.addInbox(message(1))).toBe(false);
    expect(errors).toEqual(['storage (inbox): QuotaExceededError: the quota has been exceeded (storage full: this bee keeps running in memory)']);
    expect(s.stats.errors).toBe(1);
    quota.mockRestore();
    expect(await s.addInbox(message(2))).toBe(true);
    expect((await store().load()).inbox.map((m) => m.body)).toEqual(['m2']);
  });

  it('reports a vote that cannot be written rather than pretending it is stored', async () => {
    const s = store();
    vi.spyOn(FakeObjectStore.prototype, 'put').mockImplementation(() => {
      throw new DOMException('the quota has been exceeded', 'QuotaExceededError');
    });
    expect(await s.saveVote({ term: 4, votedFor: OTHER, membership: null, seal: null })).toBe(false);
    expect(errors).toHaveLength(1);
  });

  it('runs without a database: reads find nothing, writes report nothing and resolve false', async () => {
    const none = new BeeStore(null, BEE, report);
    expect(none.available).toBe(false);
    expect(await none.load()).toMatchObject({ vote: null, inbox: [] });
    expect(await none.saveVote({ term: 1, votedFor: null, membership: null, seal: null })).toBe(false);
    expect(errors).toEqual([]);
  });

  it('forgets a bee entirely, leaving other bees alone', async () => {
    await db.put('identities', { id: BEE, createdAt: 1, keys: serializeIdentity(createIdentity()) });
    await db.put('identities', { id: OTHER, createdAt: 1, keys: serializeIdentity(createIdentity()) });
    const s = store();
    await s.load();
    await s.saveVote({ term: 2, votedFor: BEE, membership: null, seal: null });
    await s.addInbox(message(1));
    await s.appendLog({ at: 1, kind: 'start', text: 'hatched' });
    await db.put('bans', { bee: BEE, banned: OTHER, at: 1, by: OTHER, offence: 'flood', reason: 'test' });
    await store(OTHER).addInbox(message(2));

    expect(await s.forget()).toBe(true);
    expect(await db.get('identities', BEE)).toBeUndefined();
    expect(await store().load()).toMatchObject({ vote: null, roster: null, inbox: [], outbox: [], log: [] });
    expect(await db.getAllFromIndex('bans', 'by-bee', BEE)).toEqual([]);
    expect(await db.get('identities', OTHER)).toBeDefined();
    expect((await store(OTHER).load()).inbox).toHaveLength(1);
  });

  it('keeps the name a student gave the bee with its identity across a restart, and drops it on request', async () => {
    const keys = serializeIdentity(createIdentity());
    await db.put('identities', { id: BEE, createdAt: 1, keys });
    expect((await store().load()).displayName).toBeNull();
    expect(await store().saveDisplayName('Maya')).toBe(true);
    expect((await store().load()).displayName).toBe('Maya');
    expect(await db.get('identities', BEE)).toEqual({ id: BEE, createdAt: 1, keys, displayName: 'Maya' });
    expect(await store().saveDisplayName(null)).toBe(true);
    expect((await store().load()).displayName).toBeNull();
    expect(await db.get('identities', BEE)).toEqual({ id: BEE, createdAt: 1, keys });
  });

  it('names no bee it has no identity for', async () => {
    expect(await store().saveDisplayName('Maya')).toBe(false);
    expect(await db.get('identities', BEE)).toBeUndefined();
    expect(errors).toEqual([]);
  });
});

describe('the inbox, outbox and log over a store', () => {
  it('the inbox delivers an id once, and remembers delivered ids across a restart', async () => {
    const s = store();
    const inbox = new Inbox(s, (await s.load()).inbox);
    expect(await inbox.add(message(1))).toBe(true);
    expect(inbox.add(message(1))).toBeUndefined();
    const restarted = new Inbox(store(), (await store().load()).inbox);
    expect(restarted.deliveredIds()).toEqual([message(1).id]);
    expect(restarted.add(message(1))).toBeUndefined();
    expect(restarted.list().map((m) => m.body)).toEqual(['m1']);
  });

  it('the outbox keeps pending messages across a restart, drops delivered ones, keeps failed ones visibly', async () => {
    const s = store(BEE, { ...SMALL, outbox: 3 });
    const outbox = new Outbox(s, []);
    const a = await outbox.add('a'.repeat(16), 'send', OTHER, 'to other', 1);
    const b = await outbox.add('b'.repeat(16), 'broadcast', null, 'to all', 2);
    await outbox.add('c'.repeat(16), 'send', OTHER, 'doomed', 3);
    if (typeof a === 'string' || typeof b === 'string') throw new Error(a.toString());
    outbox.submitted(a);
    outbox.delivered(b.id);
    outbox.failed('c'.repeat(16), 'no acknowledgement');
    await outbox.idle();
    const restarted = new Outbox(s, (await s.load()).outbox);
    expect(restarted.list().map(({ body, status, attempts }) => [body, status, attempts])).toEqual([
      ['to other', 'pending', 1],
      ['doomed', 'failed', 1],
    ]);
    expect(restarted.pending().map((e) => e.body)).toEqual(['to other']);
  });

  it('the outbox writes a new message once as it goes out, counting this life as its first; each later life adds one', async () => {
    const s = store();
    const outbox = new Outbox(s, []);
    const sent = await outbox.add('a'.repeat(16), 'send', OTHER, 'once', 1);
    if (typeof sent === 'string') throw new Error(sent);
    outbox.submitted(sent);
    await s.idle();
    expect(s.stats.writes).toBe(1);
    const restarted = new Outbox(s, (await s.load()).outbox);
    restarted.submitted(restarted.pending()[0]!);
    await s.idle();
    expect((await s.load()).outbox.map((m) => m.attempts)).toEqual([2]);
  });

  it('the outbox hands a message over while its write is under way, and deletes it on an ack that comes first', async () => {
    const s = store();
    const outbox = new Outbox(s, []);
    const handed: string[] = [];
    const steps = { colonyKey: null, hasLink: () => true, now: () => 1, note: () => undefined, changed: () => undefined, newId: () => 'a'.repeat(16) };
    const out = new Outgoing(outbox, { ...steps, step: (event) => (event.type === 'send' ? handed.push(event.msg!) : 0) });
    const acked = out.post('send', OTHER, 'quick');
    // Handed to the protocol in the same turn, before IndexedDB answered the write.
    expect(handed).toEqual(['a'.repeat(16)]);
    expect(outbox.get('a'.repeat(16))?.seq).toBeUndefined();
    out.settled({ type: 'settled', ref: 1, ok: true, route: [OTHER] });
    await acked;
    await outbox.idle();
    expect((await s.load()).outbox).toEqual([]);
  });

  it('the outbox makes room by dropping failed entries, and refuses when all are pending', async () => {
    const outbox = new Outbox(store(), []);
    await outbox.add('a'.repeat(16), 'send', OTHER, 'one', 1);
    await outbox.add('b'.repeat(16), 'send', OTHER, 'two', 2);
    outbox.failed('a'.repeat(16), 'gone');
    expect(typeof (await outbox.add('c'.repeat(16), 'send', OTHER, 'three', 3))).toBe('object');
    expect(await outbox.add('d'.repeat(16), 'send', OTHER, 'four', 4)).toMatch(/already holds 2 unacknowledged/);
    expect(outbox.list().map((e) => e.body)).toEqual(['two', 'three']);
  });

  it('the log keeps a line per acknowledged message in memory and writes the rest', async () => {
    const s = store(BEE, { ...SMALL, log: 10 });
    const log = new EventLog(s, []);
    log.append(1, 'queued', 'waits');
    log.append(2, 'sent', 'acknowledged');
    await s.idle();
    expect(log.list().map((e) => e.kind)).toEqual(['queued', 'sent']);
    expect((await s.load()).log.map((e) => e.kind)).toEqual(['queued']);
  });

  it('the log keeps its newest entries in memory even when storage fails', async () => {
    const log = new EventLog(new BeeStore(null, BEE, report, SMALL), []);
    for (let n = 1; n <= 4; n++) log.append(n, 'join', `e${n}`);
    expect(log.list().map((e) => e.text)).toEqual(['e2', 'e3', 'e4']);
  });
});
