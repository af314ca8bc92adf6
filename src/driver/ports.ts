// What a driver carries the protocol's effects out through. The tab, the memory colony and the
// simulator's world each plug their own in: real links and IndexedDB, in-memory links and a
// disk kept in memory, or a virtual network and a synchronous disk. Everything else, the order
// of effects and the rule that writes come before the frames after them, is the driver's.

import type { Ban } from '../hive/eviction';
import type { Delivered, Effect, Upgrade } from '../hive/events';
import type { Frame } from '../hive/frames';
import type { Written } from './effect-queue';

export type { Written } from './effect-queue';
export type PersistEffect = Extract<Effect, { type: 'persist' }>;
export type RoleChanged = Extract<Effect, { type: 'roleChanged' }>;
export type Settled = Extract<Effect, { type: 'settled' }>;

/** The links to other bees, and the signaling server. */
export interface Wire {
  link(peer: string): void;
  unlink(peer: string): void;
  send(peer: string, frame: Frame): void;
  /** Asks the signaling server for a fresh sample of live bees (answered with a `welcome` event). */
  sample(): void;
  /** A WebRTC signal for this bee came through the mesh (only a tab makes real connections). */
  signal?(from: string, data: unknown): void;
}

/**
 * What outlives the page. A write answers true once it is kept, false (or a rejected promise)
 * when it failed; the frames after it leave only once it is kept.
 */
export interface Store {
  /** Term, vote, membership and seal: one vote per term, across reloads. */
  persist(standing: PersistEffect): Written;
  /** The inbox: a message is kept before its acknowledgement leaves. */
  deliver(message: Delivered): Written;
  /** The colony config this bee adopted, and every version it keeps (oldest first, `upgrade` last). */
  adopt(upgrade: Upgrade, chain: readonly Upgrade[]): Written;
  /**
   * A ban, kept so that a reload does not let the banned bee back in. No frame waits for it: the
   * eviction notice after it casts nothing, and the other bees keep the same ban.
   */
  ban(ban: Ban): void;
}

/** The time the protocol is stepped at, in ms. */
export interface Clock {
  now(): number;
}

/** What the page shows and the callers wait for. */
export interface Observers {
  roleChanged?(effect: RoleChanged): void;
  /** The outcome of a `send`, `broadcast` or `abdicate` event. */
  settled?(effect: Settled): void;
  /** This bee's queen evicted it. */
  evicted?(ban: Ban): void;
}

export interface Ports {
  wire: Wire;
  store: Store;
  clock: Clock;
  observe?: Observers;
}
