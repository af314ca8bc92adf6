// The inbox as the page sees it: what this bee has delivered, newest last, kept in memory for
// synchronous reads (`window.hive.inbox()`) and written through to storage.

import type { Delivered } from '../hive/protocol';
import type { InboxRecord } from './schema';
import type { BeeStore } from './store';

export class Inbox {
  private readonly entries: Delivered[];
  private readonly ids: Set<string>;

  constructor(
    private readonly store: BeeStore,
    loaded: readonly InboxRecord[],
  ) {
    this.entries = loaded.map(({ id, from, body, at, route }) => ({ id, from, body, at, route }));
    this.ids = new Set(this.entries.map((entry) => entry.id));
  }

  /**
   * Adds a message unless its id is already here (the protocol forgets delivered ids after a
   * while; this remembers the last `caps.inbox`). Resolves once stored, or once storage failed.
   */
  add(message: Delivered): Promise<boolean> | undefined {
    if (this.ids.has(message.id)) return undefined;
    this.entries.push(message);
    this.ids.add(message.id);
    if (this.entries.length > this.store.caps.inbox) this.ids.delete(this.entries.shift()?.id ?? '');
    return this.store.addInbox(message);
  }

  /** Copies, oldest first. */
  list(): Delivered[] {
    return this.entries.map((entry) => ({ ...entry, route: [...entry.route] }));
  }

  deliveredIds(): string[] {
    return [...this.ids];
  }
}
