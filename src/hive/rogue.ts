// What a compromised worker does (window.hive.goRogue(), for the classroom to watch the queen
// catch it). Each tick it picks from its misdeeds: floods signed envelopes far past any honest
// pace, writes malformed frames, replays floods it heard (with fresh envelope ids, same
// signatures), forges messages in other bees' names, claims a throne with ballots it forged,
// signs payloads over the size limit (sized so that the frame just fits, and a relay's one more
// route entry would tip it over) and rewrites what it relays: a raised ttl, route entries it made
// up. No I/O of its own: the driver hands it its links (to sign its frames and write bytes
// unchecked) and what arrived on them, and asks it how to write each envelope it relays. A quiet
// hive floods little, so a rogue that replays, forges or rewrites floods bait of its own (a straw
// poll, which binds nobody and reaches every bee) and keeps it as signed; the answers (addressed
// to it, seen by nobody else) are what it passes on rewritten.

import { MAX_HOPS, type Envelope, type Frame, type Payload } from './frames';
import { MAX_FRAME_BYTES } from '../net/transport';
import { founding } from './membership';
import type { Rng } from './rng';

export const ROGUE_KINDS = ['flood', 'malformed', 'replay', 'forge', 'usurp', 'oversize', 'rewrite'] as const;
export type RogueKind = (typeof ROGUE_KINDS)[number];

/** Body of every message a rogue forges or floods: tests look for it in honest inboxes. */
export const ROGUE_MARK = '[rogue bee]';

/** Per tick (250 ms): floods over any limit, a little of everything else on every link. */
const FLOOD_PER_TICK = 300;
const MALFORMED_PER_LINK = 4;
const REPLAYS_PER_LINK = 2;
const FORGERIES_PER_LINK = 2;
const OVERSIZED_PER_LINK = 1;
const REWRITES_PER_LINK = 2;
/** An oversized frame ends this far under MAX_FRAME_BYTES: one relay's route entry (35) tips it over. */
const OVERSIZED_SLACK = 10;
/** Wire envelopes kept for replays and forgeries. */
const CAPTURED = 64;

/** What the rogue knows of itself when it acts. */
export interface RogueView {
  id: string;
  /** The hive it belongs to, if any: the one it claims. */
  hive: string | null;
  term: number;
  peers: readonly string[];
  /** The queen it follows, if any: where its oversized envelopes are addressed. */
  queen: string | null;
}

/** A frame for the driver to sign and send (its own envelopes), or bytes to write as they are. */
type RogueAct = { peer: string; frame: Frame } | { peer: string; raw: string } | { peer: string; overLimits: Frame };

/** The driver's links as a rogue uses them: signing its own frames, and writing bytes unchecked. */
export interface RogueWire {
  encode(frame: Frame): string | null;
  /** Signs an own envelope however big (an honest guard refuses). */
  encodeOverLimits(frame: Frame): string | null;
  sendRaw(peer: string, raw: string): boolean;
}

const JUNK = ['{', 'null', '[]', '{"t":"env"}', '{"t":"hb","digest":"lots"}', '\u0000\u0001', '{"t":"env","p":{"k":"vote","term":-1}}'];

export class Rogue {
  private readonly captured: Array<Record<string, unknown>> = [];
  /** Envelopes addressed to one bee (its own included): nobody else saw them, so a rewrite is checked. */
  private readonly addressed: Array<Record<string, unknown>> = [];
  /** What it knew of itself at its last tick (rewrites happen between ticks). */
  private view: RogueView | null = null;

  constructor(
    private readonly rng: Rng,
    readonly kinds: readonly RogueKind[] = ROGUE_KINDS,
  ) {}

  /**
   * A frame that arrived on a link, or one of its own as signed: floods (to everyone) are kept
   * for replaying and forging.
   */
  capture(raw: string): void {
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      return;
    }
    const env = value as Partial<Envelope> & { auth?: unknown };
    if (env?.t !== 'env' || typeof env.auth !== 'object') return;
    // Only floods every bee has seen are replayed: an honest relay never passes their replays on.
    const kept = env.to === null ? this.captured : this.addressed;
    kept.push(value as Record<string, unknown>);
    if (kept.length > CAPTURED) kept.shift();
  }

  /**
   * How a rogue that rewrites writes an envelope its protocol relays (null: as the honest driver
   * would): ttl raised as far as the route allows, and one of its neighbours written into the
   * route, so that (on a bee that trusted routes) the next hop would skip it.
   */
  rewrite(peer: string, frame: Frame, wire: RogueWire): string | null {
    const view = this.view;
    if (!view || !this.kinds.includes('rewrite') || frame.t !== 'env' || frame.from === view.id) return null;
    const raw = wire.encode(frame);
    return raw && this.rewritten(view, JSON.parse(raw) as Record<string, unknown>, peer);
  }

  /** One tick of misdeeds on `wire`; its own floods, as signed, become material to replay and forge. */
  play(view: RogueView, wire: RogueWire): void {
    this.view = view;
    for (const act of this.acts(view)) {
      const raw = 'frame' in act ? wire.encode(act.frame) : 'overLimits' in act ? wire.encodeOverLimits(act.overLimits) : act.raw;
      if (raw === null) continue;
      if ('frame' in act) this.capture(raw);
      wire.sendRaw(act.peer, raw);
    }
  }

  /**
   * A throne it was never given: its neighbours' hive, with ballots in their names that it could
   * not have signed (their keys, garbage signatures).
   */
  private usurpation(view: RogueView): Payload {
    const membership = founding(view.hive ?? this.rng.hex(8), [view.id, ...view.peers]);
    const ballots = membership.members.map((bee) => ({ bee, pub: this.rng.hex(32), sig: this.rng.hex(64) }));
    return { k: 'queen', term: view.term + 1, membership, authority: { by: 'votes', ballots } };
  }

  /**
   * A message far over the payload limit, through `peer` to the queen (or nobody), sized so that
   * its frame just fits MAX_FRAME_BYTES as signed: a relay that took it could not pass it on.
   */
  private oversized(view: RogueView, peer: string): Envelope {
    const to = view.queen !== null && view.queen !== peer && view.queen !== view.id ? view.queen : this.rng.hex(16);
    const msg = this.rng.hex(8);
    const env: Envelope = { t: 'env', id: this.rng.hex(8), from: view.id, to, ttl: 8, route: [view.id], p: { k: 'data', msg, body: ROGUE_MARK } };
    // The auth a guard adds: a 43-character key, an 86-character signature, a seq of up to 16 digits.
    const signed = JSON.stringify({ ...env, auth: { pub: 'k'.repeat(43), seq: Number.MAX_SAFE_INTEGER, sig: 's'.repeat(86) } }).length;
    return { ...env, p: { k: 'data', msg, body: ROGUE_MARK + ' '.repeat(MAX_FRAME_BYTES - OVERSIZED_SLACK - signed) } };
  }

  /**
   * `env` (as signed) on its way to `peer` with its ttl raised as far as a route of three allows
   * (the origin, a neighbour of ours that never saw it, and us, the link's far end).
   */
  private rewritten(view: RogueView, env: Record<string, unknown>, peer: string): string | null {
    if (typeof env.from !== 'string' || env.from === peer) return null;
    const invented = view.peers.find((bee) => bee !== peer && bee !== env.from) ?? this.rng.hex(16);
    const route = [env.from, invented, view.id];
    return JSON.stringify({ ...env, route, ttl: MAX_HOPS - (route.length - 1) });
  }

  private acts(view: RogueView): RogueAct[] {
    const acts: RogueAct[] = [];
    if (view.peers.length === 0) return acts;
    const has = (kind: RogueKind) => this.kinds.includes(kind);
    if (has('replay') || has('forge') || has('rewrite')) {
      const bait = { k: 'elect' as const, term: view.term + 1, pre: true, membership: founding(this.rng.hex(8), [view.id, ...view.peers]), seal: null };
      acts.push({ peer: view.peers[0]!, frame: { t: 'env', id: this.rng.hex(8), from: view.id, to: null, ttl: 8, route: [view.id], p: bait } });
    }
    if (has('flood')) {
      for (let i = 0; i < FLOOD_PER_TICK; i++) {
        // Addressed to bees that do not exist, so honest relays flood them on and nobody delivers them.
        const p = { k: 'data' as const, msg: this.rng.hex(8), body: ROGUE_MARK };
        acts.push({ peer: view.peers[i % view.peers.length]!, frame: { t: 'env', id: this.rng.hex(8), from: view.id, to: this.rng.hex(16), ttl: 8, route: [view.id], p } });
      }
    }
    for (const peer of view.peers) {
      if (has('oversize')) for (let i = 0; i < OVERSIZED_PER_LINK; i++) acts.push({ peer, overLimits: this.oversized(view, peer) });
      if (has('rewrite')) {
        // What was addressed to it, passed on to another neighbour as if relayed, rewritten.
        for (let i = 0; i < REWRITES_PER_LINK && this.addressed.length > 0; i++) {
          const raw = this.rewritten(view, this.rng.pick(this.addressed)!, peer);
          if (raw) acts.push({ peer, raw });
        }
      }
      if (has('malformed')) for (let i = 0; i < MALFORMED_PER_LINK; i++) acts.push({ peer, raw: this.rng.pick(JUNK)! });
      if (has('usurp')) acts.push({ peer, frame: { t: 'env', id: this.rng.hex(8), from: view.id, to: null, ttl: 8, route: [view.id], p: this.usurpation(view) } });
      if (this.captured.length === 0) continue;
      if (has('replay')) {
        for (let i = 0; i < REPLAYS_PER_LINK; i++) acts.push({ peer, raw: JSON.stringify({ ...this.rng.pick(this.captured)!, id: this.rng.hex(8), route: [view.id] }) });
      }
      if (has('forge')) {
        // A message of ours in another bee's name (never the recipient's own: that would pass for
        // an echo), under a key and signature lifted from a flood, with a sequence number never
        // used (a used one is taken for a replay before any signature is checked).
        const names = view.peers.filter((bee) => bee !== peer);
        for (let i = 0; i < FORGERIES_PER_LINK; i++) {
          const lifted = this.rng.pick(this.captured)!;
          const auth = lifted.auth as { seq: number };
          const p = { k: 'data', msg: this.rng.hex(8), body: ROGUE_MARK };
          const from = this.rng.pick(names) ?? this.rng.hex(16);
          acts.push({ peer, raw: JSON.stringify({ ...lifted, id: this.rng.hex(8), from, route: [view.id], p, auth: { ...auth, seq: auth.seq + 1 + this.rng.int(1e6) } }) });
        }
      }
    }
    return acts;
  }
}
