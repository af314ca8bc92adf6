// The memory colony's store port: what a tab keeps in IndexedDB, kept in memory.

import type { PersistEffect, Store } from '../driver/ports';
import type { Ban } from '../hive/eviction';
import type { Delivered, Persisted, Restored, Upgrade } from '../hive/events';

/**
 * What a tab keeps in IndexedDB, kept in memory: its standing (term, vote, membership, seal), its
 * inbox, its bans and its colony config. It outlives the page: a reload restores the bee from it.
 * Writes answer in a microtask, as IndexedDB answers later, so the driver holds frames behind
 * them here as it does in a tab.
 */
export class Kept implements Store {
  standing: Persisted = { term: 0, votedFor: null, membership: null, seal: null };
  readonly inbox: Delivered[] = [];
  readonly bans: Ban[] = [];
  upgrades: readonly Upgrade[] = [];

  persist({ type: _persist, ...standing }: PersistEffect): Promise<boolean> {
    this.standing = standing;
    return Promise.resolve(true);
  }

  deliver(message: Delivered): Promise<boolean> {
    this.inbox.push(message);
    return Promise.resolve(true);
  }

  adopt(_upgrade: Upgrade, chain: readonly Upgrade[]): Promise<boolean> {
    this.upgrades = chain;
    return Promise.resolve(true);
  }

  ban(ban: Ban): void {
    this.bans.push(ban);
  }

  /** What a reloaded page hands its new protocol. */
  restored(): Restored {
    return { ...this.standing, deliveredIds: this.inbox.map((message) => message.id), bans: [...this.bans], upgrades: this.upgrades };
  }
}
