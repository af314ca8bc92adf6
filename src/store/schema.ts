// The IndexedDB layout every bee of an origin shares, and the migrations between its versions.
// All tabs of a browser share one database, so every record names the bee it belongs to. Opening
// an older database runs each migration after its version in order, inside the upgrade
// transaction: either all of them apply or the database stays as it was.

import type { Persisted } from '../hive/events';
import { openDB, type DBSchema, type IDBPDatabase, type IDBPTransaction } from 'idb';
import { createIdentity, serializeIdentity, type StoredIdentity } from '../crypto/identity';

export const DB_NAME = 'hivemesh';
export const DB_VERSION = 4;

/**
 * Who a bee is: its Ed25519 key pair, and the id that hashes from the public key. The secret key
 * is kept as bytes (base64url): a classroom's plain-http origin has no WebCrypto, so there is no
 * non-extractable CryptoKey to keep instead (docs/storage.md).
 */
export interface KeyedIdentityRecord {
  id: string;
  createdAt: number;
  keys: StoredIdentity;
  /** The name a student gave this bee (shown only on this device: docs/ui.md). */
  displayName?: string;
}

/** A version 2 bee (random id, no keys) whose records now belong to the keyed bee `movedTo`. */
export interface MovedIdentityRecord {
  id: string;
  createdAt: number;
  movedTo: string;
}

export type IdentityRecord = KeyedIdentityRecord | MovedIdentityRecord;

/**
 * The protocol state safety depends on: one vote per bee per term, and the membership of its
 * hive it stored (it votes under nothing older), across reloads. Records written before
 * memberships existed have none: such a bee comes back outside any hive.
 */
export interface VoteRecord extends Partial<Pick<Persisted, 'membership' | 'seal'>> {
  bee: string;
  term: number;
  votedFor: string | null;
}

/** The bees this bee last knew alive: whom to link to first after a restart. */
export interface RosterRecord {
  bee: string;
  queen: string | null;
  peers: string[];
  at: number;
}

/** A delivered message; `seq` (arrival order) is assigned by the database. */
export interface InboxRecord {
  seq?: number;
  bee: string;
  id: string;
  from: string;
  body: unknown;
  at: number;
  route: string[];
}

export type OutboxKind = 'send' | 'broadcast';
/** Settled messages leave the outbox; a failed one stays, visibly, until the bee is forgotten. */
export type OutboxStatus = 'pending' | 'failed';

/** A message the user sent that is not yet acknowledged. */
export interface OutboxRecord {
  seq?: number;
  bee: string;
  id: string;
  to: string | null;
  body: unknown;
  kind: OutboxKind;
  status: OutboxStatus;
  /** How many times a life of this bee handed it to the protocol (each retransmits on its own). */
  attempts: number;
  createdAt: number;
  reason?: string;
}

export type LogKind = 'start' | 'role' | 'vote' | 'hive' | 'join' | 'leave' | 'queued' | 'sent' | 'failed' | 'storage' | 'forget' | 'security' | 'upgrade';

export interface LogRecord {
  seq?: number;
  bee: string;
  at: number;
  kind: LogKind;
  text: string;
  data?: Record<string, unknown>;
}

/** A colony config (upgrade) as a bee adopted it: its version, the signed config and its route. */
export interface AdoptedConfig {
  version: number;
  config: Record<string, unknown>;
  route: string[];
}

/**
 * The colony config this bee runs (it keeps running it after a reload) and, in `chain`, every
 * version it adopted, oldest first, to hand to bees that missed some. Records written before
 * there was a chain have none: the bee starts from the one it runs.
 */
export interface UpgradeRecord extends AdoptedConfig {
  bee: string;
  chain?: AdoptedConfig[];
}

/** Bees this bee refuses (the security issue fills it). */
export interface BanRecord {
  bee: string;
  banned: string;
  at: number;
  /** The queen whose word it is, and what the banned bee did (an Offence), and the details. */
  by: string;
  offence: string;
  reason: string;
}

export interface HiveSchema extends DBSchema {
  identities: { key: string; value: IdentityRecord };
  votes: { key: string; value: VoteRecord };
  rosters: { key: string; value: RosterRecord };
  upgrades: { key: string; value: UpgradeRecord };
  inbox: { key: number; value: InboxRecord; indexes: { 'by-bee': string; 'by-message': [string, string] } };
  outbox: { key: number; value: OutboxRecord; indexes: { 'by-bee': string; 'by-message': [string, string] } };
  log: { key: number; value: LogRecord; indexes: { 'by-bee': string } };
  bans: { key: [string, string]; value: BanRecord; indexes: { 'by-bee': string } };
}

export type HiveDb = IDBPDatabase<HiveSchema>;
/** Migrations see the database as it was, not as HiveSchema says it will be. */
type AnyDb = IDBPDatabase<unknown>;
type UpgradeTx = IDBPTransaction<unknown, ArrayLike<string>, 'versionchange'>;

/** Version 1 kept messages keyed by [bee, id], with neither arrival order nor delivery status. */
type V1Inbox = Omit<InboxRecord, 'seq'>;
interface V1Outbox {
  bee: string;
  id: string;
  to: string | null;
  body: unknown;
  createdAt: number;
}

/** The stores whose records name their bee in a `bee` field (and have a 'by-bee' index). */
const BY_BEE_STORES = ['inbox', 'outbox', 'log', 'bans'] as const;

/**
 * Version 2 ids were random: no key hashes to them, so they cannot be kept. Each such bee gets a
 * key pair and the id of its public key, and takes its records along: messages, outbox, log,
 * roster and bans. Its vote stays behind (the new id has voted in no term). The old identity
 * record remains as a forwarding note, so the tab that pointed at it finds the new bee.
 */
async function giveKeysToV2Bees(tx: UpgradeTx): Promise<void> {
  const identities = tx.objectStore('identities');
  const old = (await identities.getAll()) as Array<{ id: string; createdAt: number }>;
  for (const { id, createdAt } of old) {
    const identity = createIdentity();
    await identities.put({ id: identity.id, createdAt, keys: serializeIdentity(identity) } satisfies KeyedIdentityRecord);
    await identities.put({ id, createdAt, movedTo: identity.id } satisfies MovedIdentityRecord);
    const roster = (await tx.objectStore('rosters').get(id)) as RosterRecord | undefined;
    if (roster) {
      await tx.objectStore('rosters').delete(id);
      await tx.objectStore('rosters').put({ ...roster, bee: identity.id });
    }
    await tx.objectStore('votes').delete(id);
    for (const name of BY_BEE_STORES) {
      const store = tx.objectStore(name);
      const records = (await store.index('by-bee').getAll(id)) as Array<{ bee: string }>;
      // Bans are keyed by [bee, banned]: the old key goes; the others are keyed by seq and stay.
      if (name === 'bans') await Promise.all((await store.index('by-bee').getAllKeys(id)).map((key) => store.delete(key)));
      await Promise.all(records.map((record) => store.put({ ...record, bee: identity.id })));
    }
  }
}

const MIGRATIONS: ReadonlyArray<(db: AnyDb, tx: UpgradeTx) => Promise<void>> = [
  // 0 → 1: identities, votes and messages.
  async (db) => {
    db.createObjectStore('identities', { keyPath: 'id' });
    db.createObjectStore('votes', { keyPath: 'bee' });
    db.createObjectStore('inbox', { keyPath: ['bee', 'id'] });
    db.createObjectStore('outbox', { keyPath: ['bee', 'id'] });
  },
  // 1 → 2: messages in arrival order (so caps prune the oldest), outbox status and attempts, and
  // the roster, event log and bans.
  async (db, tx) => {
    const inbox = ((await tx.objectStore('inbox').getAll()) as V1Inbox[]).sort((a, b) => a.at - b.at);
    const outbox = ((await tx.objectStore('outbox').getAll()) as V1Outbox[]).sort((a, b) => a.createdAt - b.createdAt);
    db.deleteObjectStore('inbox');
    db.deleteObjectStore('outbox');
    for (const name of ['inbox', 'outbox'] as const) {
      const store = db.createObjectStore(name, { keyPath: 'seq', autoIncrement: true });
      store.createIndex('by-bee', 'bee');
      store.createIndex('by-message', ['bee', 'id'], { unique: true });
    }
    db.createObjectStore('rosters', { keyPath: 'bee' });
    db.createObjectStore('log', { keyPath: 'seq', autoIncrement: true }).createIndex('by-bee', 'bee');
    db.createObjectStore('bans', { keyPath: ['bee', 'banned'] }).createIndex('by-bee', 'bee');
    await Promise.all([
      ...inbox.map((record) => tx.objectStore('inbox').add(record)),
      ...outbox.map((record) => {
        const upgraded: OutboxRecord = { ...record, kind: record.to === null ? 'broadcast' : 'send', status: 'pending', attempts: 0 };
        return tx.objectStore('outbox').add(upgraded);
      }),
    ]);
  },
  // 2 → 3: signing keys; bee id = hash of the public key.
  async (_db, tx) => giveKeysToV2Bees(tx),
  // 3 → 4: the colony config each bee adopted.
  async (db) => {
    db.createObjectStore('upgrades', { keyPath: 'bee' });
  },
];

/**
 * Opens (creating or upgrading) the database at `version`; tests pass an older one to build a
 * database as an earlier release left it. `onBlocking` fires when a newer tab wants to upgrade:
 * this connection must close, or that tab waits.
 */
export async function openHiveDb(name = DB_NAME, version = DB_VERSION, onBlocking: () => void = () => {}): Promise<HiveDb> {
  let failed: unknown;
  const db = await openDB<HiveSchema>(name, version, {
    upgrade(database, oldVersion, newVersion, tx) {
      const raw = database as unknown as AnyDb;
      const rawTx = tx as unknown as UpgradeTx;
      void (async () => {
        for (let v = oldVersion; v < (newVersion ?? version); v++) {
          const migrate = MIGRATIONS[v];
          if (!migrate) throw new Error(`no migration from version ${v} to ${v + 1}`);
          await migrate(raw, rawTx);
        }
      })().catch((err: unknown) => {
        failed = err;
        rawTx.abort();
      });
    },
    blocking: onBlocking,
  }).catch((err: unknown) => {
    throw failed ?? err;
  });
  return db;
}
