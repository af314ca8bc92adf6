// One bee's records in the shared database, with the caps that keep it bounded. Storage is a
// convenience the bee must survive without: every operation catches its own errors (a full disk's
// QuotaExceededError, a database closed under it by a newer tab) and reports them to `onError`,
// and the bee keeps running on what it holds in memory.

import type { IDBPObjectStore } from 'idb';
import type { HiveDb, InboxRecord, LogRecord, OutboxRecord, RosterRecord, VoteRecord } from './schema';

export interface StoreCaps {
  /** Delivered messages kept per bee; the oldest go first. */
  inbox: number;
  /** Event log entries kept per bee; the oldest go first. */
  log: number;
  /** Unsettled and failed messages per bee; a new message beyond it is refused. */
  outbox: number;
}

export const DEFAULT_CAPS: StoreCaps = { inbox: 1000, log: 2000, outbox: 200 };

/** `what` names the operation that failed, e.g. "inbox", "vote". */
export type StorageErrorListener = (what: string, err: unknown) => void;

/** What a bee finds of its earlier lives when it starts. */
export interface Loaded {
  vote: VoteRecord | null;
  roster: RosterRecord | null;
  /** Oldest first, as are the outbox and log. */
  inbox: InboxRecord[];
  outbox: OutboxRecord[];
  log: LogRecord[];
}

export interface StoreStats {
  writes: number;
  /** Wall time spent in write transactions, from start to commit. */
  writeMs: number;
  errors: number;
}

const NOTHING: Loaded = { vote: null, roster: null, inbox: [], outbox: [], log: [] };

type Capped = 'inbox' | 'log';
/** Any store with a 'by-bee' index, seen without its record type. */
type ByBeeStore = IDBPObjectStore<unknown, ArrayLike<string>, string, 'readwrite'>;

/** Deletes up to `limit` of `bee`'s records, oldest (lowest key) first. */
async function deleteOldest(store: ByBeeStore, bee: string, limit = Infinity): Promise<void> {
  let cursor = limit > 0 ? await store.index('by-bee').openKeyCursor(bee) : null;
  for (let deleted = 0; cursor && deleted < limit; deleted++) {
    await store.delete(cursor.primaryKey);
    cursor = await cursor.continue();
  }
}

export class BeeStore {
  readonly stats: StoreStats = { writes: 0, writeMs: 0, errors: 0 };
  private readonly counts: Record<Capped, number> = { inbox: 0, log: 0 };

  /** `db` null means storage is unavailable: reads find nothing and writes are skipped. */
  constructor(
    private db: HiveDb | null,
    readonly bee: string,
    private readonly onError: StorageErrorListener,
    readonly caps: StoreCaps = DEFAULT_CAPS,
  ) {}

  get available(): boolean {
    return this.db !== null;
  }

  /** Stop using the database (a newer tab is upgrading it); the bee goes on in memory. */
  detach(): void {
    this.db?.close();
    this.db = null;
  }

  /** Everything of this bee, in one read; also learns the counts the caps are kept by. */
  async load(): Promise<Loaded> {
    const loaded = await this.attempt('load', async (db) => {
      const tx = db.transaction(['votes', 'rosters', 'inbox', 'outbox', 'log']);
      const [vote, roster, inbox, outbox, log] = await Promise.all([
        tx.objectStore('votes').get(this.bee),
        tx.objectStore('rosters').get(this.bee),
        tx.objectStore('inbox').index('by-bee').getAll(this.bee),
        tx.objectStore('outbox').index('by-bee').getAll(this.bee),
        tx.objectStore('log').index('by-bee').getAll(this.bee),
        tx.done,
      ]);
      return { vote: vote ?? null, roster: roster ?? null, inbox, outbox, log };
    });
    this.counts.inbox = loaded?.inbox.length ?? 0;
    this.counts.log = loaded?.log.length ?? 0;
    return loaded ?? NOTHING;
  }

  /** Resolves true once the vote is on disk; the protocol's next frames may carry it. */
  saveVote(term: number, votedFor: string | null): Promise<boolean> {
    return this.write('vote', async (db) => {
      // Strict: flushed to disk before it counts as written, so an OS crash cannot undo a vote.
      const tx = db.transaction('votes', 'readwrite', { durability: 'strict' });
      await Promise.all([tx.store.put({ bee: this.bee, term, votedFor }), tx.done]);
    });
  }

  saveRoster(queen: string | null, peers: string[], at: number): Promise<boolean> {
    return this.write('roster', (db) => db.put('rosters', { bee: this.bee, queen, peers, at }));
  }

  addInbox(record: Omit<InboxRecord, 'seq' | 'bee'>): Promise<boolean> {
    return this.addCapped('inbox', { ...record, bee: this.bee });
  }

  appendLog(record: Omit<LogRecord, 'seq' | 'bee'>): Promise<boolean> {
    return this.addCapped('log', { ...record, bee: this.bee });
  }

  /** Adds or replaces (same `seq`) an outbox entry; resolves its `seq`, or undefined if not stored. */
  async putOutbox(record: Omit<OutboxRecord, 'bee'>): Promise<number | undefined> {
    let seq: number | undefined;
    const ok = await this.write('outbox', async (db) => {
      seq = await db.put('outbox', { ...record, bee: this.bee });
    });
    return ok ? seq : undefined;
  }

  deleteOutbox(seq: number): Promise<boolean> {
    return this.write('outbox', (db) => db.delete('outbox', seq));
  }

  /** Deletes every record of this bee, its identity included. */
  forget(): Promise<boolean> {
    return this.write('forget', async (db) => {
      const tx = db.transaction(['identities', 'votes', 'rosters', 'inbox', 'outbox', 'log', 'bans'], 'readwrite');
      const byBee = [tx.objectStore('inbox'), tx.objectStore('outbox'), tx.objectStore('log'), tx.objectStore('bans')];
      await Promise.all([
        tx.objectStore('identities').delete(this.bee),
        tx.objectStore('votes').delete(this.bee),
        tx.objectStore('rosters').delete(this.bee),
        ...byBee.map((store) => deleteOldest(store as unknown as ByBeeStore, this.bee)),
        tx.done,
      ]);
      this.counts.inbox = 0;
      this.counts.log = 0;
    });
  }

  /** Adds a record and, in the same transaction, prunes this bee's oldest beyond the cap. */
  private addCapped<S extends Capped>(name: S, record: S extends 'inbox' ? InboxRecord : LogRecord): Promise<boolean> {
    return this.write(name, async (db) => {
      const tx = db.transaction(name, 'readwrite');
      const store = tx.objectStore(name);
      const addAndPrune = async () => {
        await store.add(record as InboxRecord & LogRecord);
        await deleteOldest(store as unknown as ByBeeStore, this.bee, this.counts[name] + 1 - this.caps[name]);
      };
      // Awaited together, so a failed request's aborted transaction is never an unhandled rejection.
      await Promise.all([addAndPrune(), tx.done]);
      this.counts[name] = Math.min(this.counts[name] + 1, this.caps[name]);
    });
  }

  private async write(what: string, run: (db: HiveDb) => Promise<unknown>): Promise<boolean> {
    const started = performance.now();
    const done = await this.attempt(what, async (db) => {
      await run(db);
      return true;
    });
    if (done) {
      this.stats.writes++;
      this.stats.writeMs += performance.now() - started;
    }
    return done ?? false;
  }

  private async attempt<T>(what: string, run: (db: HiveDb) => Promise<T>): Promise<T | undefined> {
    if (this.db === null) return undefined;
    try {
      return await run(this.db);
    } catch (err) {
      this.stats.errors++;
      this.onError(what, err);
      return undefined;
    }
  }
}

/** A storage error as one line for the UI and the event log. */
export function describeStorageError(what: string, err: unknown): string {
  const name = err instanceof Error || err instanceof DOMException ? err.name : 'Error';
  const message = err instanceof Error || err instanceof DOMException ? err.message : String(err);
  const hint = name === 'QuotaExceededError' ? ' (storage full: this bee keeps running in memory)' : '';
  return `storage (${what}): ${name}: ${message}${hint}`;
}
