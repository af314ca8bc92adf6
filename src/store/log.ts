// This bee's event log: elections and roles, joins and leaves, messages queued, sent and failed,
// storage errors. Kept in memory (so it can be exported when storage is broken) and written
// through; both keep the newest `caps.log` entries. An acknowledged message is noted in memory
// only: a line written per message would add a third of the writes of a stream (and push older
// lines out), while the message itself is gone from the outbox and kept in the receiver's inbox.

import type { LogKind, LogRecord } from './schema';
import type { BeeStore } from './store';

export type LogEntry = Omit<LogRecord, 'seq' | 'bee'>;

/** Kinds this life keeps in memory and never writes. */
const MEMORY_ONLY: ReadonlySet<LogKind> = new Set(['sent']);

export class EventLog {
  private readonly entries: LogEntry[];

  constructor(
    private readonly store: BeeStore,
    loaded: readonly LogRecord[],
  ) {
    this.entries = loaded.map(({ at, kind, text, data }) => (data === undefined ? { at, kind, text } : { at, kind, text, data }));
  }

  /** `persist: false` for entries about the log's own storage failing, which would loop. */
  append(at: number, kind: LogKind, text: string, data?: Record<string, unknown>, persist = true): void {
    const entry: LogEntry = data === undefined ? { at, kind, text } : { at, kind, text, data };
    this.entries.push(entry);
    if (this.entries.length > this.store.caps.log) this.entries.shift();
    if (persist && !MEMORY_ONLY.has(kind)) void this.store.appendLog(entry);
  }

  /** Copies, oldest first. */
  list(): LogEntry[] {
    return this.entries.map((entry) => structuredClone(entry));
  }
}
