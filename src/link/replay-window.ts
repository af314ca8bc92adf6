// Which sequence numbers each origin has already used: a signed envelope is accepted once per
// (origin, seq). Envelopes of one origin may arrive out of order (floods take several paths), so
// each origin keeps a window of recent numbers rather than just the highest one; everything at or
// below the window's floor counts as used.

import { remember } from '../hive/bounded';

/** Sequence numbers remembered per origin; older ones fall below the floor. */
export const WINDOW_SEQS = 1024;
/** Origins remembered; the least recently heard is forgotten first. */
export const WINDOW_ORIGINS = 10_000;
/**
 * A second copy of a signed message under another envelope id, this soon after the first, is
 * dropped as a duplicate rather than called a replay: a rogue that replays a flood at once races
 * the flood itself, and the honest relay that loses the race must not be blamed for it. Honest
 * copies all arrive within moments; a replay of anything older is called one.
 */
export const REPLAY_GRACE_MS = 5000;

export type Seen = 'new' | 'duplicate' | 'replayed';

interface Window {
  /** Every seq at or below this is taken as used. */
  floor: number;
  /** Recent seqs, in arrival order, with the envelope id each came under, when, and the TTL signed with it. */
  seqs: Map<number, { id: string; at: number; ttl: number }>;
}

export class ReplayWindows {
  private readonly origins = new Map<string, Window>();

  constructor(
    private readonly seqsPerOrigin = WINDOW_SEQS,
    private readonly maxOrigins = WINDOW_ORIGINS,
  ) {}

  /**
   * Whether `origin` used `seq` before: under the same envelope id it is another copy of one
   * transmission (a flood arriving twice), under another id it is a replay.
   */
  check(origin: string, seq: number, envelopeId: string, now: number): Seen {
    const window = this.origins.get(origin);
    if (!window) return 'new';
    const seen = window.seqs.get(seq);
    if (seen !== undefined) return seen.id === envelopeId || now - seen.at <= REPLAY_GRACE_MS ? 'duplicate' : 'replayed';
    return seq <= window.floor ? 'replayed' : 'new';
  }

  /** The TTL `origin` signed `seq` with, while the window holds it. */
  signedTtl(origin: string, seq: number): number | undefined {
    return this.origins.get(origin)?.seqs.get(seq)?.ttl;
  }

  /** Marks `seq` used by `origin` (after its signature, over `ttl`, checked out). */
  record(origin: string, seq: number, envelopeId: string, now: number, ttl = 0): void {
    const window = this.origins.get(origin) ?? { floor: -1, seqs: new Map() };
    remember(this.origins, origin, window, this.maxOrigins);
    window.seqs.set(seq, { id: envelopeId, at: now, ttl });
    if (window.seqs.size > this.seqsPerOrigin) {
      const oldest = window.seqs.keys().next().value as number;
      window.seqs.delete(oldest);
      window.floor = Math.max(window.floor, oldest);
    }
  }
}
