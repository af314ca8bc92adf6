// Frames bees exchange over their links, and the one parser at the edge. Anything that does not
// parse is dropped and counted by the caller; nothing malformed reaches the protocol.

import { isBeeId } from '../net/signal-protocol';

/** Longest route a frame may carry; also the flood TTL ceiling. */
export const MAX_HOPS = 16;
/** Largest roster digest in one heartbeat (keeps a heartbeat well under 16 KiB). */
export const MAX_DIGEST_ENTRIES = 200;
/** Serialized body limit, so a data frame with its route fits in one data-channel message. */
export const MAX_BODY_BYTES = 8 * 1024;

const MESSAGE_ID = /^[0-9a-f]{16,32}$/;

/** A bee's liveness as gossip carries it: [bee id, that bee's own clock at its last heartbeat]. */
export type DigestEntry = [bee: string, beat: number];

export type Frame =
  /** Heartbeat to a neighbour, carrying part of the sender's roster. */
  | { t: 'hb'; digest: DigestEntry[] }
  /** Application data: `to` null is a broadcast. `attempt` distinguishes retransmissions. */
  | { t: 'msg'; id: string; attempt: number; from: string; to: string | null; body: unknown; ttl: number; route: string[] }
  /** End-to-end acknowledgement of message `of`, travelling from its receiver back to its sender. */
  | { t: 'ack'; id: string; of: string; from: string; to: string; ttl: number; route: string[] }
  /** The sender is leaving on purpose (tab closing). */
  | { t: 'bye' };

const isMessageId = (v: unknown): v is string => typeof v === 'string' && MESSAGE_ID.test(v);
const isHops = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= MAX_HOPS;
const isRoute = (v: unknown): v is string[] => Array.isArray(v) && v.length <= MAX_HOPS + 1 && v.every(isBeeId);
const isBeat = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

function isDigest(v: unknown): v is DigestEntry[] {
  return (
    Array.isArray(v) &&
    v.length <= MAX_DIGEST_ENTRIES &&
    v.every((e) => Array.isArray(e) && e.length === 2 && isBeeId(e[0]) && isBeat(e[1]))
  );
}

export function parseFrame(raw: string): Frame | null {
  let f: Record<string, unknown>;
  try {
    const value: unknown = JSON.parse(raw);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
    f = value as Record<string, unknown>;
  } catch {
    return null;
  }
  switch (f.t) {
    case 'hb':
      return isDigest(f.digest) ? { t: 'hb', digest: f.digest } : null;
    case 'msg':
      return isMessageId(f.id) &&
        Number.isInteger(f.attempt) && (f.attempt as number) >= 0 && (f.attempt as number) < 1000 &&
        isBeeId(f.from) &&
        (f.to === null || isBeeId(f.to)) &&
        f.body !== undefined &&
        isHops(f.ttl) &&
        isRoute(f.route)
        ? { t: 'msg', id: f.id, attempt: f.attempt as number, from: f.from, to: f.to, body: f.body, ttl: f.ttl, route: f.route }
        : null;
    case 'ack':
      return isMessageId(f.id) && isMessageId(f.of) && isBeeId(f.from) && isBeeId(f.to) && isHops(f.ttl) && isRoute(f.route)
        ? { t: 'ack', id: f.id, of: f.of, from: f.from, to: f.to, ttl: f.ttl, route: f.route }
        : null;
    case 'bye':
      return { t: 'bye' };
    default:
      return null;
  }
}

export const encodeFrame = (frame: Frame): string => JSON.stringify(frame);
