// The one contract every link technology meets. The bee driver speaks only this;
// adapters: simple-peer.ts (default), peerjs.ts, memory.ts (tests, simulator).

import type { CandidateCounts, IceSource } from './ice-watch';

export type TransportKind = 'simple-peer' | 'peerjs' | 'memory';

/**
 * What a transport tells the driver. `peer` is always the remote bee id. `rival` marks events of a
 * second link the far end offered while its link to us was open (it reloaded, or someone claims
 * its id): the rival must prove itself before it replaces the link (see Transport.promote).
 */
export type LinkEvent =
  | { type: 'open'; peer: string; rival?: true }
  | { type: 'frame'; peer: string; frame: string; rival?: true }
  | { type: 'closed'; peer: string; reason: string; rival?: true };

export interface Transport {
  readonly kind: TransportKind;
  /**
   * Peer connections this transport has created, both directions. Chrome allows about 500 per
   * page lifetime, so churn is budgeted and shown.
   */
  readonly connectionsCreated: number;
  /** Start a link to `peer`. No-op if a link to it is already open or opening. */
  link(peer: string): void;
  /**
   * Queue one frame (a string of at most MAX_FRAME_BYTES) for `peer`. Returns false when there is
   * no open link to it; frames queue behind a full data channel (bufferedAmount) instead of failing.
   */
  send(peer: string, frame: string, rival?: boolean): boolean;
  /** Close the link to `peer`, or its rival (both ends see `closed`). */
  unlink(peer: string, rival?: boolean): void;
  /**
   * Make the rival link to `peer` its link: the old link closes (`closed`, not a rival's) and the
   * rival's frames and sends are the link's from then on. Transports without rivals leave it out.
   */
  promote?(peer: string): void;
  /** Subscribe to link events; returns the unsubscribe function. */
  subscribe(listener: (event: LinkEvent) => void): () => void;
  /** Close every link and stop accepting new ones. */
  destroy(): void;
  /**
   * The DTLS fingerprints of the open link to `peer` (see dtls-fingerprints.ts), for the link
   * handshake to sign. Absent on transports without DTLS (in-memory).
   */
  fingerprints?(peer: string, rival?: boolean): LinkFingerprints | null;
  /** Local ICE candidates gathered so far, by type; absent on transports without ICE (in-memory). */
  readonly candidates?: CandidateCounts;
}

/** DTLS certificate fingerprints of one link, as this end's SDP and the far end's state them. */
export interface LinkFingerprints {
  local: string;
  remote: string;
}

/** How signals (SDP offers/answers, ICE candidates) travel between two bees before they are linked. */
export interface Signaler {
  sendSignal(to: string, data: unknown): void;
  /** Subscribe to incoming signals; returns the unsubscribe function. */
  onSignal(listener: (from: string, data: unknown) => void): () => void;
}

/** 16 KiB is the data-channel message size every browser handles. */
export const MAX_FRAME_BYTES = 16 * 1024;
/** Pause writing above this many buffered bytes; resume below LOW_WATER_BYTES. */
export const HIGH_WATER_BYTES = 1024 * 1024;
export const LOW_WATER_BYTES = 256 * 1024;

export interface TransportOptions {
  /** This bee's id. */
  self: string;
  /** ICE servers and policy for each new peer connection; none when absent. */
  ice?: IceSource;
  /** Why a link could not be built or never connected, in words for the page (ice-watch.ts). */
  problem?: (text: string) => void;
  /**
   * Whether to answer a link `peer` offers while no link with it exists; false declines the offer
   * before a peer connection is built, and the dialler hears `closed` (reason 'refused') at once.
   * Absent: every offer is answered. PeerJS builds its connection before it tells us of an offer,
   * so only simple-peer asks.
   */
  accepts?: (peer: string) => boolean;
}

/** A tiny listener set shared by the adapters. */
export class Listeners<E> {
  private readonly set = new Set<(event: E) => void>();

  add(listener: (event: E) => void): () => void {
    this.set.add(listener);
    return () => this.set.delete(listener);
  }

  emit(event: E): void {
    for (const listener of this.set) listener(event);
  }

  clear(): void {
    this.set.clear();
  }
}
