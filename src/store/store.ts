// One bee's records in the shared database, with the caps that keep it bounded. Storage is a
// convenience the bee must survive without: every operation catches its own errors (a full disk's
// QuotaExceededError, a database closed under it by a newer tab) and reports them to `onError`,
// and the bee keeps running on what it holds in memory.

import type { IDBPObjectStore, IDBPTransaction } from 'idb';
import { OFFENCES, type Offence } from '../hive/frames';
import type { Ban } from '../hive/eviction';
import type { Persisted } from '../hive/events';
import type { AdoptedConfig, HiveDb, HiveSchema, InboxRecord, LogRecord, OutboxRecord, RosterRecord, UpgradeRecord, VoteRecord } from './schema';

export interface StoreCaps {
  /** Delivered messages kept per bee; the oldest go first. */
  inbox: number;
  /** Event log entries kept per bee; the oldest go first. */
  log: number;
  /** Unsettled and failed messages per bee; a new message beyond it is refused. */
  outbox: number;
  /** Bees banned; the oldest ban goes first. */
  bans: number;
}

export const DEFAULT_CAPS: StoreCaps = { inbox: 1000, log: 2000, outbox: 200, bans: 256 };

/** `what` names the operation that failed, e.g. "inbox", "vote". */
export type StorageErrorListener = (what: string, err: unknown) => void;

/** What a bee finds of its earlier lives when it starts. */
export interface Loaded {
  vote: VoteRecord | null;
  upgrade: UpgradeRecord | null;
  roster: RosterRecord | null;
  /** Oldest first, as are the outbox and log. */
  inbox: InboxRecord[];
  outbox: OutboxRecord[];
  log: LogRecord[];
  bans: Ban[];
  /** The name a student gave this bee, if any. */
  displayName: string | null;
}

export interface StoreStats {
  /** Records written (a vote, a message, a log entry…). */
  writes: number;
  transactions: number;
  /** Wall time spent in write transactions, from start to commit. */
  writeMs: number;
  errors: number;
}

const NOTHING: Loaded = { vote: null, upgrade: null, roster: null, inbox: [], outbox: [], log: [], bans: [], displayName: null };

const isOffence = (value: string): value is Offence => (OFFENCES as readonly string[]).includes(value);

/** Stores written in batches. */
const BATCHED = ['upgrades', 'rosters', 'inbox', 'outbox', 'log'] as const;
type Batched = (typeof BATCHED)[number];
type BatchTx = IDBPTransaction<HiveSchema, Batched[], 'readwrite'>;
/**
 * The store each kind of batched write goes to. A batch's transaction covers only the stores its
 * writes go to: transactions over different stores run side by side (a sender's outbox and a
 * receiver's inbox, in tabs that share the database), and IndexedDB orders those that overlap.
 */
const STORE_OF = { upgrade: 'upgrades', roster: 'rosters', inbox: 'inbox', log: 'log', outbox: 'outbox' } as const satisfies Record<string, Batched>;
/** A kind of write, or `idle`: a no-op that covers every store, so it commits after all before it. */
type What = keyof typeof STORE_OF | 'idle';
/** Records per batch transaction: bounds how long one commit holds frames back. */
const MAX_BATCH = 500;

type Capped = 'inbox' | 'log';
/** Any store with a 'by-bee' index, seen without its record type. */
type ByBeeStore = IDBPObjectStore<unknown, ArrayLike<string>, string, 'readwrite'>;

/**
 * Deletes up to `limit` of `bee`'s records, oldest (lowest key) first: one request finds them,
 * and the deletes go out together rather than one round trip each.
 */
async function deleteOldest(store: ByBeeStore, bee: string, limit?: number): Promise<void> {
  const keys = await store.index('by-bee').getAllKeys(bee, limit);
  await Promise.all(keys.map((key) => store.delete(key)));
}

/** Records added to the capped stores in one batch, pruned once at its end. */
type Added = Record<Capped, number>;

interface Queued {
  what: What;
  /** Issues its requests at once (without awaiting one before the next) and settles with them. */
  run: (tx: BatchTx, added: Added) => Promise<unknown>;
  done: (result: { value: unknown } | undefined) => void;
}

export class BeeStore {
  readonly stats: StoreStats = { writes: 0, transactions: 0, writeMs: 0, errors: 0 };
  private readonly counts: Record<Capped, number> = { inbox: 0, log: 0 };
  /** A failed batch may have left the counts wrong: recount before the next prune. */
  private countsStale = false;
  private readonly queued: Queued[] = [];
  /** A batch transaction is under way. */
  private committing = false;

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
      const tx = db.transaction(['identities', 'votes', 'upgrades', 'rosters', 'inbox', 'outbox', 'log', 'bans']);
      const reads = Promise.all([
        tx.objectStore('identities').get(this.bee),
        tx.objectStore('votes').get(this.bee),
        tx.objectStore('upgrades').get(this.bee),
        tx.objectStore('rosters').get(this.bee),
        tx.objectStore('inbox').index('by-bee').getAll(this.bee),
        tx.objectStore('outbox').index('by-bee').getAll(this.bee),
        tx.objectStore('log').index('by-bee').getAll(this.bee),
        tx.objectStore('bans').index('by-bee').getAll(this.bee),
      ]);
      // Every read is asked: end the transaction now rather than when this page gets to hear the
      // answers, so a tab starting on a busy machine does not hold back the other tabs' writes.
      tx.commit();
      const [[identity, vote, upgrade, roster, inbox, outbox, log, bans]] = await Promise.all([reads, tx.done]);
      const kept = bans
        .filter((ban) => isOffence(ban.offence))
        .sort((a, b) => a.at - b.at)
        .map((ban) => ({ bee: ban.banned, by: ban.by, offence: ban.offence as Offence, detail: ban.reason, at: ban.at }));
      const displayName = identity && 'keys' in identity ? (identity.displayName ?? null) : null;
      return { vote: vote ?? null, upgrade: upgrade ?? null, roster: roster ?? null, inbox, outbox, log, bans: kept, displayName };
    });
    this.counts.inbox = loaded?.inbox.length ?? 0;
    this.counts.log = loaded?.log.length ?? 0;
    return loaded ?? NOTHING;
  }

  /** Resolves true once the vote is on disk; the protocol's next frames may carry it. */
  async saveVote({ term, votedFor, membership, seal }: Persisted): Promise<boolean> {
    const started = performance.now();
    const done = await this.attempt('vote', async (db) => {
      // Strict: flushed to disk before it counts as written, so an OS crash cannot undo a vote.
      const tx = db.transaction('votes', 'readwrite', { durability: 'strict' });
      const put = tx.store.put({ bee: this.bee, term, votedFor, membership, seal });
      // Committed without waiting for this page to hear the put's answer: every tab of the origin
      // writes its votes to this store, and a page slow to run that answer (30 tabs on 2 cores, a
      // paused debugger, a frozen tab) held every other bee's vote back, and so its election
      // (30 tabs: votes took 4-10 s at the median; 0.1-0.7 s committed at once).
      tx.commit();
      await Promise.all([put, tx.done]);
      return true;
    });
    if (done) this.counted(1, started);
    return done ?? false;
  }

  /** Keeps the chain of colony configs this bee adopted (oldest first; it runs the last). */
  async saveUpgrade(chain: readonly AdoptedConfig[]): Promise<boolean> {
    const { version, config, route } = chain.at(-1)!;
    const record = { bee: this.bee, version, config, route, chain: chain.map((c) => ({ version: c.version, config: c.config, route: c.route })) };
    return (await this.enqueue('upgrade', (tx) => tx.objectStore('upgrades').put(record))) !== undefined;
  }

  /** Keeps a ban (bans outlive the page: a reloaded rogue stays out); the oldest beyond the cap go. */
  async saveBan(ban: Ban): Promise<boolean> {
    const started = performance.now();
    const done = await this.attempt('ban', async (db) => {
      const tx = db.transaction('bans', 'readwrite');
      const record = { bee: this.bee, banned: ban.bee, at: ban.at, by: ban.by, offence: ban.offence, reason: ban.detail };
      await tx.store.put(record);
      const all = await tx.store.index('by-bee').getAll(this.bee);
      const excess = all.sort((a, b) => a.at - b.at).slice(0, Math.max(0, all.length - this.caps.bans));
      await Promise.all([...excess.map((old) => tx.store.delete([this.bee, old.banned])), tx.done]);
      return true;
    });
    if (done) this.counted(1, started);
    return done ?? false;
  }

  /** Keeps the name a student gave this bee with its identity (null: none); forgetting the bee drops it. */
  async saveDisplayName(name: string | null): Promise<boolean> {
    const started = performance.now();
    const done = await this.attempt('name', async (db) => {
      const tx = db.transaction('identities', 'readwrite');
      const identity = await tx.store.get(this.bee);
      if (!identity || !('keys' in identity)) return false;
      const { displayName: _old, ...rest } = identity;
      await Promise.all([tx.store.put(name === null ? rest : { ...rest, displayName: name }), tx.done]);
      return true;
    });
    if (done) this.counted(1, started);
    return done ?? false;
  }

  async saveRoster(queen: string | null, peers: string[], at: number): Promise<boolean> {
    return (await this.enqueue('roster', (tx) => tx.objectStore('rosters').put({ bee: this.bee, queen, peers, at }))) !== undefined;
  }

  async addInbox(record: Omit<InboxRecord, 'seq' | 'bee'>): Promise<boolean> {
    return (await this.enqueue('inbox', (tx, added) => (added.inbox++, tx.objectStore('inbox').add({ ...record, bee: this.bee })))) !== undefined;
  }

  async appendLog(record: Omit<LogRecord, 'seq' | 'bee'>): Promise<boolean> {
    return (await this.enqueue('log', (tx, added) => (added.log++, tx.objectStore('log').add({ ...record, bee: this.bee })))) !== undefined;
  }

  /** Adds or replaces (same `seq`) an outbox entry; resolves its `seq`, or undefined if not stored. */
  async putOutbox(record: Omit<OutboxRecord, 'bee'>): Promise<number | undefined> {
    const result = await this.enqueue('outbox', (tx) => tx.objectStore('outbox').put({ ...record, bee: this.bee }));
    return result?.value as number | undefined;
  }

  async deleteOutbox(seq: number): Promise<boolean> {
    return (await this.enqueue('outbox', (tx) => tx.objectStore('outbox').delete(seq))) !== undefined;
  }

  /** Resolves once every write queued so far has committed (or failed). */
  async idle(): Promise<void> {
    if (this.committing) await this.enqueue('idle', async () => undefined);
  }

  /** Deletes every record of this bee, its identity included. */
  async forget(): Promise<boolean> {
    const done = await this.attempt('forget', async (db) => {
      const tx = db.transaction(['identities', 'votes', 'upgrades', 'rosters', 'inbox', 'outbox', 'log', 'bans'], 'readwrite');
      const byBee = [tx.objectStore('inbox'), tx.objectStore('outbox'), tx.objectStore('log'), tx.objectStore('bans')];
      await Promise.all([
        tx.objectStore('identities').delete(this.bee),
        tx.objectStore('votes').delete(this.bee),
        tx.objectStore('upgrades').delete(this.bee),
        tx.objectStore('rosters').delete(this.bee),
        ...byBee.map((store) => deleteOldest(store as unknown as ByBeeStore, this.bee)),
        tx.done,
      ]);
      this.counts.inbox = 0;
      this.counts.log = 0;
      return true;
    });
    return done ?? false;
  }

  /**
   * Queues a write for the next batch. Writes that arrive while a batch commits share the next
   * transaction (group commit), so a stream of deliveries costs one commit per batch, not per
   * message. One batch at a time: measured in the relay benchmark, three open at once made twice
   * the transactions, each with its own cost on a busy machine, for no more messages a second.
   * Resolves `{value}` once committed, undefined if the batch failed.
   */
  private enqueue(what: What, run: Queued['run']): Promise<{ value: unknown } | undefined> {
    if (this.db === null) return Promise.resolve(undefined);
    return new Promise((done) => {
      this.queued.push({ what, run, done });
      this.pump();
    });
  }

  /** Starts the next batch unless one is under way. */
  private pump(): void {
    if (!this.committing && this.queued.length > 0) void this.commit(this.queued.splice(0, MAX_BATCH));
  }

  private async commit(batch: Queued[]): Promise<void> {
    this.committing = true;
    const what = [...new Set(batch.map((op) => op.what))].join('+');
    const started = performance.now();
    const values = await this.attempt(what, async (db) => {
      // Relaxed: committed once the browser has it (a crashed tab keeps it); only votes are
      // worth a flush to disk each.
      const tx = db.transaction(this.scopeOf(batch), 'readwrite', { durability: 'relaxed' });
      const run = async () => {
        if (this.countsStale) await this.recount(tx);
        const added: Added = { inbox: 0, log: 0 };
        // Requests of one transaction run in the order they were issued: a prune sees the adds.
        const results = Promise.all(batch.map((op) => op.run(tx, added)));
        const prunes = (['inbox', 'log'] as const).filter((name) => this.excess(name, added[name]) > 0);
        // Nothing more to ask: the browser commits as soon as the requests are done, without
        // waiting for this page's busy event loop to hear each answer first.
        if (prunes.length === 0) tx.commit();
        // Awaited together, so a failed write is never a rejection nobody handles yet.
        const [values] = await Promise.all([results, ...(['inbox', 'log'] as const).map((name) => this.prune(tx, name, added[name]))]);
        return values;
      };
      // A request that throws aborts the whole batch: none of it is kept, all of it is reported.
      const guarded = run().catch((err: unknown) => {
        if (!tx.error) tx.abort();
        throw err;
      });
      // Awaited together, so a failed request's aborted transaction is never an unhandled rejection.
      const [results] = await Promise.all([guarded, tx.done]);
      return results;
    });
    this.committing = false;
    // A batch that failed may leave the counts wrong: the next one recounts.
    const writes = batch.filter((op) => op.what !== 'idle').length;
    if (!values) this.countsStale = true;
    else if (writes > 0) this.counted(writes, started);
    batch.forEach((op, i) => op.done(values ? { value: values[i] } : undefined));
    this.pump();
  }

  /** The stores a batch writes to; a recount reads the capped ones. */
  private scopeOf(batch: readonly Queued[]): Batched[] {
    if (batch.some((op) => op.what === 'idle')) return [...BATCHED];
    const scope = new Set<Batched>(batch.map((op) => STORE_OF[op.what as keyof typeof STORE_OF]));
    if (this.countsStale) for (const name of ['inbox', 'log'] as const) scope.add(name);
    return [...scope];
  }

  /** After `added` new records, drops this bee's oldest beyond the cap. */
  private excess(name: Capped, added: number): number {
    return this.counts[name] + added - this.caps[name];
  }

  private async prune(tx: BatchTx, name: Capped, added: number): Promise<void> {
    const excess = this.excess(name, added);
    if (excess > 0) await deleteOldest(tx.objectStore(name) as unknown as ByBeeStore, this.bee, excess);
    this.counts[name] = Math.min(this.counts[name] + added, this.caps[name]);
  }

  private async recount(tx: BatchTx): Promise<void> {
    for (const name of ['inbox', 'log'] as const) {
      this.counts[name] = await (tx.objectStore(name) as unknown as ByBeeStore).index('by-bee').count(this.bee);
    }
    this.countsStale = false;
  }

  private counted(records: number, started: number): void {
    this.stats.writes += records;
    this.stats.transactions++;
    this.stats.writeMs += performance.now() - started;
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
