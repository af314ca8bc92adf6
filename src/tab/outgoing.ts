// The tab's messages on their way out, and the page's promises for what the protocol settles. A
// message is written to the outbox first, under an id the tab makes, and handed to the protocol
// only while the bee has a link and the pacer lets it (a queen takes a bee that floods for a
// rogue); a reload hands pending entries over again under the same id.

import type { Settled } from '../driver/ports';
import { HiveError, type ErrorCode } from '../errors';
import type { HiveEvent } from '../hive/events';
import { dataPayloadBytes, Pacer } from '../hive/pacer';
import { sealBody } from '../link/sealed-body';
import type { Outbox, OutboxEntry } from '../store/outbox';
import type { OutboxKind } from '../store/schema';
import type { Note } from './tab-store';

/** Lives of the bee, or link-less spells, a message may use before it fails for good. */
const MAX_SUBMISSIONS = 20;


interface Waiter {
  resolve: () => void;
  reject: (err: HiveError) => void;
}

export interface OutgoingContext {
  colonyKey: Uint8Array | null;
  step: (event: HiveEvent) => void;
  hasLink: () => boolean;
  now: () => number;
  note: Note;
  changed: () => void;
  newId: () => string;
}

export class Outgoing {
  /** What each ref the protocol will settle is for. */
  private readonly requests = new Map<number, (settled: Settled) => void>();
  /** Message ids handed to the protocol in this life, so none is handed over twice at once. */
  private readonly inFlight = new Set<string>();
  /** The page's promises, by message id (or `ref N` for other requests). */
  private readonly promised = new Map<string, Waiter>();
  /** Keeps this bee's own messages far below what a queen takes for a flood. */
  private readonly pacer = new Pacer();
  private nextRef = 1;
  /** Why nothing more settles in this life (evicted, or left), once that is so. */
  private closed: { code: ErrorCode; message: string } | null = null;

  constructor(
    readonly outbox: Outbox,
    private readonly context: OutgoingContext,
  ) {}

  /**
   * Puts the message in the outbox (its write starts) and hands it to the protocol once there is a
   * link, without waiting for the write: the receiver's inbox write is what an acknowledgement
   * stands for, and a page that reloads mid-write never heard back either way.
   */
  async post(kind: OutboxKind, to: string | null, body: unknown): Promise<void> {
    if (this.closed) throw this.closedError();
    const { newId, now, changed, hasLink, note } = this.context;
    const id = newId();
    const settled = new Promise<void>((resolve, reject) => this.promised.set(id, { resolve, reject }));
    const entry = this.outbox.add(id, kind, to, body, now());
    if (typeof entry === 'string') {
      this.promised.delete(id);
      throw new HiveError('ERR_OUTBOX_FULL', entry);
    }
    changed();
    if (hasLink()) this.flush();
    else note('queued', `no link: ${entry.kind} ${entry.id} waits in the outbox`, { msg: entry.id, to });
    return settled;
  }

  /** Hands messages that are waiting (after a reload, for a link, or for the pacer) to the protocol. */
  flush(): void {
    if (this.closed || !this.context.hasLink()) return;
    for (const entry of this.outbox.pending()) {
      if (this.inFlight.has(entry.id)) continue;
      // Sealed as it enters the protocol: the outbox keeps the plain body, and each life seals anew.
      const { colonyKey } = this.context;
      const body = colonyKey ? sealBody(colonyKey, entry.body) : entry.body;
      if (!this.pacer.take(this.context.now(), this.inFlight.size, dataPayloadBytes(body, entry.id))) return;
      this.submit(entry, body);
    }
  }

  /** Steps the event made for a fresh ref; resolves when the protocol settles it, or rejects with `failure`. */
  ask(event: (ref: number) => HiveEvent, failure: ErrorCode): Promise<void> {
    if (this.closed) return Promise.reject(this.closedError());
    const key = `ref ${this.nextRef}`;
    const done = new Promise<void>((resolve, reject) => this.promised.set(key, { resolve, reject }));
    const ref = this.request((settled) => {
      const waiter = this.promised.get(key);
      this.promised.delete(key);
      if (settled.ok) waiter?.resolve();
      else waiter?.reject(new HiveError(failure, settled.reason));
    });
    this.context.step(event(ref));
    return done;
  }

  settled(effect: Settled): void {
    const handler = this.requests.get(effect.ref);
    this.requests.delete(effect.ref);
    handler?.(effect);
  }

  /**
   * Nothing more settles in this life: every promise rejects with `code`, and so does every later
   * call. After a `leave` the pending entries stay in the outbox, and the next life of this bee
   * sends them.
   */
  close(code: ErrorCode, message: string): void {
    this.closed = { code, message };
    for (const waiter of this.promised.values()) waiter.reject(this.closedError());
    this.promised.clear();
  }

  private closedError(): HiveError {
    const { code, message } = this.closed as { code: ErrorCode; message: string };
    return new HiveError(code, message);
  }

  private request(onSettled: (settled: Settled) => void): number {
    const ref = this.nextRef++;
    this.requests.set(ref, onSettled);
    return ref;
  }

  private submit(entry: OutboxEntry, body: unknown): void {
    this.inFlight.add(entry.id);
    this.outbox.submitted(entry);
    const ref = this.request((settled) => this.onSettled(entry, settled));
    const { step } = this.context;
    step(entry.to === null ? { type: 'broadcast', ref, body, msg: entry.id } : { type: 'send', ref, to: entry.to, body, msg: entry.id });
  }

  private onSettled(entry: OutboxEntry, settled: Settled): void {
    this.inFlight.delete(entry.id);
    if (this.closed?.code === 'ERR_LEFT') return; // stays pending for the next life of this bee
    const { note, hasLink } = this.context;
    const waiter = this.promised.get(entry.id);
    if (settled.ok) {
      this.outbox.delivered(entry.id);
      note('sent', `${entry.kind} ${entry.id} ${entry.to === null ? 'handed to the colony' : `acknowledged by ${entry.to}`}`, { msg: entry.id });
      waiter?.resolve();
    } else if (!hasLink() && entry.attempts < MAX_SUBMISSIONS) {
      // It never had a way out: it waits for the next link rather than failing.
      note('queued', `${entry.kind} ${entry.id} found no link: waits in the outbox`, { msg: entry.id });
      return;
    } else {
      this.outbox.failed(entry.id, settled.reason);
      note('failed', `${entry.kind} ${entry.id} not delivered: ${settled.reason}`, { msg: entry.id, to: entry.to });
      waiter?.reject(new HiveError('ERR_NOT_DELIVERED', settled.reason));
    }
    this.promised.delete(entry.id);
  }
}
