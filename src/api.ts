// The automation contract (DESIGN.md; docs/api.md): what `window.hive` offers tests and tools.
// Change it only on purpose. Failures reject with a HiveError and its code (src/errors.ts).

import type { Delivered, Snapshot } from './hive/protocol';
import type { RogueKind } from './hive/rogue';
import type { SecurityCounters } from './link/secure-links';
import type { CandidateCounts } from './net/ice-watch';
import type { TransportKind } from './net/transport';
import type { LogEntry } from './store/log';
import type { OutboxEntry } from './store/outbox';
import type { StoreStats } from './store/store';

/** The vote as last written to storage: one per term, and it outlives the page. */
export interface VoteState {
  term: number;
  votedFor: string | null;
}

/** The protocol's view of this bee, plus what only the page knows. */
export interface HiveSnapshot extends Snapshot {
  colony: string;
  /** The colony config version this bee runs (0: none adopted); `upgrade` has its content and route. */
  version: number;
  /** Colony configs refused before adoption: unsigned, forged, or for another colony. */
  forgedUpgrades: number;
  transport: Exclude<TransportKind, 'memory'>;
  signaling: boolean;
  /** Peer connections this bee created in its page's lifetime (Chrome allows ~500). */
  connections: number;
  /** Local ICE candidates this bee gathered, by type: 'relay' only under a TURN-only policy. */
  candidates: CandidateCounts;
  /** Link signals this bee sent through the mesh because the signaling server was out of reach. */
  meshSignals: number;
  vote: VoteState | null;
  /** Messages sent and not yet acknowledged. */
  outbox: number;
  storage: StoreStats & { available: boolean };
  /** Whether the colony has a passphrase (links prove the key; bodies are sealed). */
  sealed: boolean;
  /**
   * Links authenticated and refused; envelopes signed, verified and dropped (and what it cost);
   * delivered messages whose body did not open under the colony key.
   */
  security: SecurityCounters & { unreadable: number };
  /** The name a student gave this bee, kept in IndexedDB and shown on this device only; null if none. */
  displayName: string | null;
}

export type InboxEntry = Delivered;

export interface ExportedLog {
  bee: string;
  colony: string;
  exportedAt: number;
  vote: VoteState | null;
  entries: LogEntry[];
}

/** The automation contract (DESIGN.md, docs/api.md): what tests and tools may rely on. */
export interface HiveApi {
  ready: Promise<void>;
  id: string;
  /** This bee's Ed25519 public key (base64url); `id` is the hex of the first 16 bytes of its SHA-256. */
  publicKey: string;
  snapshot(): HiveSnapshot;
  send(to: string, body: unknown): Promise<void>;
  broadcast(body: unknown): Promise<void>;
  /** Delivered messages, newest last; they survive reloads. */
  inbox(): InboxEntry[];
  /** Sent messages not yet acknowledged, and those that failed, oldest first. */
  outbox(): OutboxEntry[];
  /** A queen hands her throne to her best worker; resolves once a successor reigns. */
  abdicate(): Promise<void>;
  /** Downloads this bee's event log as JSON, and returns it. */
  exportLog(): ExportedLog;
  /**
   * Writes `frame` as is on the authenticated link to `peer`, unsigned and unchecked: for tests
   * that inject forged frames and for the goRogue demo. False when there is no such link.
   */
  sendRaw(peer: string, frame: string): boolean;
  /**
   * Publishes the next colony config version, signed by this bee; resolves its version. Only the
   * colony's founder may (`snapshot().founder`; a colony without one is founded by its first
   * seed): any other bee rejects with ERR_NOT_FOUNDER.
   */
  seedUpgrade(): Promise<number>;
  /**
   * This bee turns rogue (for the classroom to watch the queen catch it): it floods, writes
   * malformed frames, replays and forges envelopes and claims a throne, or only the misdeeds
   * named. A queen abdicates first, so that an honest queen is there to catch her.
   */
  goRogue(kinds?: readonly RogueKind[]): void;
}

/** A message this bee sends on towards `next`: its route so far ends with this bee. */
export interface Relayed {
  id: string;
  route: string[];
  next: string;
}
