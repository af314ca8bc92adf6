// Messages the user sent that are not yet acknowledged. An entry's first write starts as the page
// hands the message over, and the message goes out alongside it, not after it: a reload before
// that write commits loses the message either way (the page never heard back), and after it the
// next life of the bee hands pending entries to the protocol again under the same message id,
// while receivers drop the copies they already have. Delivered entries leave; failed ones stay,
// marked, so nothing disappears silently.

import type { OutboxKind, OutboxRecord } from './schema';
import type { BeeStore } from './store';

export type OutboxEntry = Omit<OutboxRecord, 'bee'>;

export class Outbox {
  /** By message id, oldest first (Map keeps insertion order). */
  private readonly entries = new Map<string, OutboxEntry>();
  /** Entries added in this life, whose first submission their first write already counted. */
  private readonly counted = new Set<string>();
  /** Each entry's last write under way: its writes go one after another (a later one needs its seq). */
  private readonly writing = new Map<string, Promise<void>>();

  constructor(
    private readonly store: BeeStore,
    loaded: readonly OutboxRecord[],
  ) {
    for (const { bee: _bee, ...entry } of loaded) this.entries.set(entry.id, entry);
  }

  /**
   * Starts storing a new message and returns its entry, or an error text when the outbox is full
   * of pending messages. The oldest failed entries make room first.
   */
  add(id: string, kind: OutboxKind, to: string | null, body: unknown, now: number): OutboxEntry | string {
    while (this.entries.size >= this.store.caps.outbox) {
      const failed = [...this.entries.values()].find((entry) => entry.status === 'failed');
      if (!failed) return `the outbox already holds ${this.entries.size} unacknowledged messages`;
      this.remove(failed);
    }
    // This life is its first: counted in the one write that must come before sending, so that
    // handing it over costs no second write on the way out.
    const entry: OutboxEntry = { id, to, body, kind, status: 'pending', attempts: 1, createdAt: now };
    this.entries.set(id, entry);
    this.counted.add(id);
    this.save(entry);
    return entry;
  }

  /** Resolves once every write of this outbox started so far is done. */
  async idle(): Promise<void> {
    while (this.writing.size > 0) await Promise.all(this.writing.values());
  }

  get(id: string): OutboxEntry | undefined {
    return this.entries.get(id);
  }

  pending(): OutboxEntry[] {
    return [...this.entries.values()].filter((entry) => entry.status === 'pending');
  }

  /** Copies, oldest first. */
  list(): OutboxEntry[] {
    return [...this.entries.values()].map((entry) => structuredClone(entry));
  }

  /** The entry is being handed to the protocol (once per life of the bee, or after being offline). */
  submitted(entry: OutboxEntry): void {
    if (this.counted.delete(entry.id)) return;
    entry.attempts++;
    this.save(entry);
  }

  delivered(id: string): void {
    const entry = this.entries.get(id);
    if (entry) this.remove(entry);
  }

  failed(id: string, reason: string): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    entry.status = 'failed';
    entry.reason = reason;
    this.save(entry);
  }

  private save(entry: OutboxEntry): void {
    this.write(entry, async () => {
      const seq = await this.store.putOutbox(entry);
      if (seq !== undefined) entry.seq = seq;
    });
  }

  private remove(entry: OutboxEntry): void {
    this.entries.delete(entry.id);
    this.counted.delete(entry.id);
    // Its first write may still be under way: the delete needs the seq that write gets.
    this.write(entry, async () => {
      if (entry.seq !== undefined) await this.store.deleteOutbox(entry.seq);
    });
  }

  /** Starts `write` once the entry's earlier writes are done (at once when there are none). */
  private write(entry: OutboxEntry, write: () => Promise<void>): void {
    const before = this.writing.get(entry.id);
    const next = before ? before.then(write) : write();
    this.writing.set(entry.id, next);
    void next.finally(() => this.writing.get(entry.id) === next && this.writing.delete(entry.id));
  }
}
