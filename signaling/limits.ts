// Every input the signaling server accepts is bounded (Tiger Style: a limit on everything).
// Units are the last word of each name.

import { MAX_SIGNAL_FRAME_BYTES } from '../src/net/signal-protocol';

export interface Limits {
  /** Text frames up to this size are parsed; bigger ones get ERR_TOO_LARGE. */
  maxFrameBytes: number;
  /** Frames over this are refused by ws before they are buffered whole (close 1009). */
  maxPayloadBytes: number;
  /** Token bucket per socket: sustained frames per second… */
  messagesPerS: number;
  /** …and how many may arrive at once. */
  messageBurst: number;
  maxBeesPerColony: number;
  /** Bees of one colony from one client address (ERR_ADDRESS_FULL beyond): no address fills a colony. */
  maxBeesPerColonyPerAddress: number;
  /** Joined bees across all colonies. */
  maxBees: number;
  /** Open /signal and /peerjs sockets, joined or not; upgrades beyond it get 503. */
  maxConnections: number;
  /** New /signal and /peerjs sockets per client address: sustained per second, and at once (429 beyond). */
  connectionsPerS: number;
  connectionBurst: number;
  /** TCP connections of any kind (pages, /signal, /peerjs); the OS closes ones beyond it at once. */
  maxSockets: number;
  /** A connection must send its request (headers included) within this, or it is closed. */
  httpTimeoutMs: number;
  /** A /signal socket that has not joined by then is closed. */
  joinTimeoutMs: number;
  /** Ping period; a socket that did not answer the previous ping is terminated. */
  pingIntervalMs: number;
  /** Rejected frames a socket may send before it is closed (1008). */
  maxErrorsPerSocket: number;
  /** A socket (/signal or /peerjs) that buffers more than this is not reading: it is terminated. */
  maxBufferedBytes: number;
}

export const DEFAULT_LIMITS: Readonly<Limits> = {
  maxFrameBytes: MAX_SIGNAL_FRAME_BYTES,
  maxPayloadBytes: 4 * MAX_SIGNAL_FRAME_BYTES,
  messagesPerS: 40,
  messageBurst: 80,
  maxBeesPerColony: 500,
  // A classroom behind one NAT is 30–60 tabs; a school's worth still fits.
  maxBeesPerColonyPerAddress: 150,
  maxBees: 5000,
  // Every bee's /signal socket and, with ?transport=peerjs, its PeerJS one; plus room for tabs that
  // are reloading or have not joined yet.
  maxConnections: 11_000,
  // A classroom behind one address (or a test) opens tens of tabs at once; churn beyond that is
  // abuse: every bee that leaves is announced to its whole colony.
  connectionsPerS: 20,
  connectionBurst: 120,
  // /signal and PeerJS sockets of every bee, plus page loads.
  maxSockets: 12_000,
  httpTimeoutMs: 10_000,
  joinTimeoutMs: 10_000,
  pingIntervalMs: 15_000,
  maxErrorsPerSocket: 20,
  maxBufferedBytes: 1024 * 1024,
};
