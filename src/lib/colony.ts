// The library's colony: one bee (src/bee.ts) seen as an app wants it. Events instead of polling
// (`message`, `bee-join`, `bee-leave`, `queen`, `role`, `problem`, `progress`), and bodies of any
// size, JSON or binary: what does not fit one envelope is sent as chunks (chunks.ts), each a normal
// message, above the driver. `hive` is the bee itself, the `window.hive` automation contract.

import type { HiveSnapshot, InboxEntry } from '../api';
import type { Bee } from '../bee';
import { HiveError, bodyError } from '../errors';
import type { Role, StandingView } from '../hive/protocol';
import { randomHex } from '../tab/claim';
import { Assembler, CHUNK_BYTES, binaryBytes, isChunk, split, type Chunk, type ChunkKind } from './chunks';

/** Chunks of one transfer awaiting their acknowledgement at once: well inside the outbox (200). */
const CHUNKS_IN_FLIGHT = 32;

/** A message as the app receives it: `body` is JSON, or a Uint8Array for a binary body. */
export interface ColonyMessage {
  /** The message's id, or for a chunked body its transfer's id. */
  id: string;
  from: string;
  body: unknown;
  at: number;
  /** The bees the message (its last chunk, for a chunked body) passed. */
  route: string[];
}

/** How far a chunked body got: sent (acknowledged) or received, in bytes. */
export interface TransferProgress {
  direction: 'out' | 'in';
  transfer: string;
  /** The other end: the recipient (null for a broadcast) or the sender. */
  peer: string | null;
  done: number;
  total: number;
}

export interface ColonyEvents {
  message: ColonyMessage;
  progress: TransferProgress;
  'bee-join': { bee: string };
  'bee-leave': { bee: string };
  /** This bee's queen changed (null: none). */
  queen: { queen: string | null; term: number };
  role: { role: Role; term: number };
  /** Something went wrong that the app may want to show (signaling, storage, eviction…). */
  problem: { text: string };
}

export type ColonyEventName = keyof ColonyEvents;

export interface SendOptions {
  /** Called as the chunks of a big body are acknowledged (also sent as `progress` events). */
  onProgress?: (progress: TransferProgress) => void;
}

export class Colony extends EventTarget {
  /** Resolves once the signaling server answered (the bee may link from then on). */
  readonly ready: Promise<void>;
  readonly id: string;
  private readonly assembler = new Assembler();
  private readonly stops: Array<() => void>;
  /** What the last change showed: compared after every step of the bee, so never a whole snapshot. */
  private last: StandingView;
  private roster: readonly string[];

  constructor(private readonly bee: Bee) {
    super();
    this.id = bee.id;
    this.ready = bee.ready;
    this.last = bee.standing();
    this.roster = bee.snapshot().roster;
    this.stops = [bee.onMessage((message) => this.onMessage(message)), bee.onProblem((text) => this.emit('problem', { text })), bee.subscribe(() => this.onChange())];
  }

  /** The bee under this colony: the automation contract (`window.hive`, docs/api.md) and the UI's hooks. */
  get hive(): Bee {
    return this.bee;
  }

  snapshot(): HiveSnapshot {
    return this.bee.snapshot();
  }

  /** Resolves once `to` acknowledged the whole body (every chunk of a big one). */
  send(to: string, body: unknown, options: SendOptions = {}): Promise<void> {
    return this.post(to, body, options);
  }

  /** Resolves once the whole body is handed to the colony. */
  broadcast(body: unknown, options: SendOptions = {}): Promise<void> {
    return this.post(null, body, options);
  }

  /** Typed `addEventListener` for the `detail` of each event; returns the way to stop listening. */
  on<K extends ColonyEventName>(type: K, listener: (detail: ColonyEvents[K]) => void): () => void {
    const wrapped = (event: Event) => listener((event as CustomEvent<ColonyEvents[K]>).detail);
    this.addEventListener(type, wrapped);
    return () => this.removeEventListener(type, wrapped);
  }

  /** Leaves the colony (a queen hands over first); sends in flight reject with ERR_LEFT. */
  leave(): void {
    for (const stop of this.stops) stop();
    this.bee.leave();
  }

  private async post(to: string | null, body: unknown, options: SendOptions): Promise<void> {
    const bytes = binaryBytes(body);
    if (bytes) return this.postChunks(to, 'bytes', bytes, options);
    const bad = bodyError(body);
    if (bad?.code === 'ERR_BODY_TOO_BIG') return this.postChunks(to, 'json', new TextEncoder().encode(JSON.stringify(body)), options);
    if (bad) throw bad;
    // A plain body that looks like a chunk would be taken for one by every receiver.
    if (isChunk(body)) throw new HiveError('ERR_BODY_UNSIGNABLE', 'a message body may not carry the key "hivemesh:chunk"');
    return to === null ? this.bee.broadcast(body) : this.bee.send(to, body);
  }

  /** Sends the chunks, CHUNKS_IN_FLIGHT at a time; rejects with the first chunk that fails. */
  private async postChunks(to: string | null, kind: ChunkKind, bytes: Uint8Array, options: SendOptions): Promise<void> {
    const transfer = randomHex(8);
    const chunks = split(transfer, kind, bytes);
    let next = 0;
    let done = 0;
    let failed = false;
    const one = (chunk: Chunk) => (to === null ? this.bee.broadcast(chunk) : this.bee.send(to, chunk));
    const lane = async (): Promise<void> => {
      // Once a chunk failed the body cannot arrive whole: the rest stay unsent.
      while (next < chunks.length && !failed) {
        const chunk = chunks[next++] as Chunk;
        await one(chunk).catch((err: unknown) => {
          failed = true;
          throw err;
        });
        done += Math.min(CHUNK_BYTES, bytes.length - chunk.seq * CHUNK_BYTES);
        const progress: TransferProgress = { direction: 'out', transfer, peer: to, done, total: bytes.length };
        options.onProgress?.(progress);
        this.emit('progress', progress);
      }
    };
    await Promise.all(Array.from({ length: Math.min(CHUNKS_IN_FLIGHT, chunks.length) }, lane));
  }

  private onMessage(message: InboxEntry): void {
    if (!isChunk(message.body)) {
      this.emit('message', { ...message });
      return;
    }
    const taken = this.assembler.take(message.from, message.body);
    if (!taken) return;
    const { progress, assembled } = taken;
    this.emit('progress', { direction: 'in', peer: message.from, ...progress });
    if (!assembled) return;
    if ('error' in assembled) this.emit('problem', { text: `message ${assembled.transfer} from ${message.from}: ${assembled.error}` });
    else this.emit('message', { id: assembled.transfer, from: message.from, body: assembled.body, at: message.at, route: message.route });
  }

  private onChange(): void {
    const now = this.bee.standing();
    const before = this.last;
    this.last = now;
    if (now.rosterRevision !== before.rosterRevision) {
      const roster = this.bee.snapshot().roster;
      const was = new Set(this.roster);
      const is = new Set(roster);
      this.roster = roster;
      for (const bee of roster) if (!was.has(bee)) this.emit('bee-join', { bee });
      for (const bee of was) if (!is.has(bee)) this.emit('bee-leave', { bee });
    }
    if (now.queen !== before.queen) this.emit('queen', { queen: now.queen, term: now.term });
    if (now.role !== before.role) this.emit('role', { role: now.role, term: now.term });
  }

  private emit<K extends ColonyEventName>(type: K, detail: ColonyEvents[K]): void {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}
