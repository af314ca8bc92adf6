// Which bee a tab is: a reload keeps it, a new tab hatches one, a duplicated tab (a copy of the
// original's sessionStorage) hatches its own once the original answers for the bee. Node's
// BroadcastChannel links instances in one process as it links tabs in a browser.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createIdentity, idOf, parseIdentity, serializeIdentity } from '../crypto/identity';
import { TabIdentity } from './identity';
import { openHiveDb, type HiveDb } from './schema';

let db: HiveDb;
let nonces = 0;
const open: TabIdentity[] = [];
const newNonce = () => (++nonces).toString(16).padStart(16, '0');

/** A tab's sessionStorage. */
function session(initial: Record<string, string> = {}): Storage {
  const items = new Map(Object.entries(initial));
  return {
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
    removeItem: (key: string) => void items.delete(key),
    clear: () => items.clear(),
    key: (index: number) => [...items.keys()][index] ?? null,
    get length() {
      return items.size;
    },
  };
}
const copy = (storage: Storage) => session(Object.fromEntries(Array.from({ length: storage.length }, (_, i) => [storage.key(i)!, storage.getItem(storage.key(i)!)!])));

function tab(storage: Storage, reset?: (bee: string) => Promise<unknown>) {
  const identity = new TabIdentity(newNonce);
  open.push(identity);
  return identity.claim({ db, session: storage, hatch: createIdentity, now: 1, ...(reset ? { reset } : {}) });
}

beforeEach(async () => {
  globalThis.indexedDB = new IDBFactory();
  db = await openHiveDb('identity');
});

afterEach(() => {
  for (const identity of open.splice(0)) identity.close();
  db.close();
});

describe('tab identity', () => {
  it('a new tab hatches a new bee with a key pair, whose id is the hash of its public key, and records it', async () => {
    const { identity: first, restored } = await tab(session());
    expect(restored).toBe(false);
    expect(first.id).toMatch(/^[0-9a-f]{32}$/);
    expect(first.id).toBe(idOf(first.publicKey));
    const record = await db.get('identities', first.id);
    expect(record && 'keys' in record && parseIdentity(record.keys)).toEqual(first);
    const second = await tab(session());
    expect(second.identity.id).not.toBe(first.id);
  });

  it('a reloaded tab keeps its bee and its keys (nobody else answers for it)', async () => {
    const storage = session();
    const first = await tab(storage);
    open.pop()?.close(); // the old page is gone
    expect(await tab(storage)).toEqual({ identity: first.identity, restored: true });
  });

  it('a tab whose stored keys are damaged hatches a new bee rather than run on them', async () => {
    const storage = session();
    const { identity } = await tab(storage);
    open.pop()?.close();
    const other = createIdentity();
    // Another bee's keys filed under this id: sound keys, but they do not hash to it.
    await db.put('identities', { id: identity.id, createdAt: 1, keys: serializeIdentity(other) });
    const again = await tab(storage);
    expect(again.identity.id).not.toBe(identity.id);
    expect(again.identity.id).not.toBe(other.id);
    expect(again.note).toMatch(/unreadable keys/);
  });

  it('a tab without storage cannot keep its bee: it hatches a new one each load', async () => {
    const storage = session();
    const { identity } = await tab(storage);
    open.pop()?.close();
    const claimer = new TabIdentity(newNonce);
    open.push(claimer);
    const again = await claimer.claim({ db: null, session: storage, hatch: createIdentity, now: 2 });
    expect(again.identity.id).not.toBe(identity.id);
    expect(again.note).toMatch(/no storage/);
  });

  it('a duplicated tab hatches its own bee while the original runs', async () => {
    const original = session();
    const first = (await tab(original)).identity;
    const duplicate = await tab(copy(original));
    expect(duplicate.identity.id).not.toBe(first.id);
    expect(duplicate.restored).toBe(false);
    expect(duplicate.note).toMatch(/runs in another tab/);
  });

  it('two duplicates starting at once do not both take the bee', async () => {
    const original = session();
    const first = (await tab(original)).identity;
    open.pop()?.close();
    const [a, b] = await Promise.all([tab(copy(original)), tab(copy(original))]);
    expect([a.identity.id, b.identity.id].filter((id) => id === first.id)).toHaveLength(1);
  });

  it('a tab whose bee was forgotten hatches a new one', async () => {
    const storage = session();
    const first = (await tab(storage)).identity;
    open.pop()?.close();
    await db.delete('identities', first.id);
    const again = await tab(storage);
    expect(again.identity.id).not.toBe(first.id);
    expect(again.note).toMatch(/forgotten/);
  });

  it('?reset forgets the tab\'s bee and hatches a new one; a reload then keeps the new one', async () => {
    const storage = session();
    const first = (await tab(storage)).identity;
    open.pop()?.close();
    const forgotten: string[] = [];
    const fresh = (await tab(storage, async (bee) => forgotten.push(bee))).identity;
    expect(forgotten).toEqual([first.id]);
    expect(fresh.id).not.toBe(first.id);
    open.pop()?.close();
    expect((await tab(storage)).identity).toEqual(fresh);
  });
});
